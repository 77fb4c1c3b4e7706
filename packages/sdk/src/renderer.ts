/**
 * Canvas renderer for vector and image avatars. The canvas fills its container, follows its size
 * with a ResizeObserver and draws at devicePixelRatio resolution. It draws whatever pose it is
 * given: timing lives in the session's animation loop.
 */
import {
  buildAvatarScene,
  type AnyAvatarDefinition,
  type AvatarDefinition,
  type AvatarPose,
  type ImageAvatarDefinition,
  type SceneRect,
  type SceneShape,
  type Viseme,
} from '@orator/protocol';
import type { MouthSample } from './lipsync.js';

/** Aspect ratio used when the container has no height of its own. */
const FALLBACK_ASPECT = '4 / 3';
const PLACEHOLDER_COLOR = '#1f2430';

interface LoadedImageAvatar {
  def: ImageAvatarDefinition;
  portrait: HTMLImageElement;
  mouths: Map<Viseme, HTMLImageElement>;
  blink: HTMLImageElement | undefined;
}

type LoadedAvatar = { kind: 'vector'; def: AvatarDefinition } | { kind: 'image'; loaded: LoadedImageAvatar };

/** Placement of the avatar in the last frame: device pixels per avatar unit and the offset of its origin. */
interface Layout {
  scale: number;
  x: number;
  y: number;
}

function loadImage(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.decoding = 'async';
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error(`could not load image ${url}`));
    image.src = url;
  });
}

export class AvatarCanvas {
  readonly canvas: HTMLCanvasElement;
  private readonly context: CanvasRenderingContext2D;
  private readonly observer: ResizeObserver | undefined;
  private avatar: LoadedAvatar | undefined;
  private layout: Layout = { scale: 1, x: 0, y: 0 };
  private mouthBox: SceneRect | undefined;
  private cssWidth = 0;
  private cssHeight = 0;
  private dpr = 0;

  constructor(container: HTMLElement) {
    this.canvas = document.createElement('canvas');
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', 'Avatar');
    this.canvas.dataset.oratorAvatar = '';
    Object.assign(this.canvas.style, { display: 'block', width: '100%', height: '100%' });
    container.appendChild(this.canvas);

    // A container without a height of its own would collapse the canvas; give it an aspect ratio instead.
    if (container.clientHeight === 0) Object.assign(this.canvas.style, { height: 'auto', aspectRatio: FALLBACK_ASPECT });

    const context = this.canvas.getContext('2d');
    if (!context) throw new Error('canvas 2D context is not available');
    this.context = context;

    if (typeof ResizeObserver !== 'undefined') {
      this.observer = new ResizeObserver(() => this.resize());
      this.observer.observe(this.canvas);
    }
    this.resize();
  }

  /** Match the backing store to the CSS size times devicePixelRatio; cheap when nothing changed. */
  private resize(): void {
    const rect = this.canvas.getBoundingClientRect();
    const dpr = globalThis.devicePixelRatio || 1;
    this.dpr = dpr;
    this.cssWidth = rect.width;
    this.cssHeight = rect.height;
    const width = Math.max(1, Math.round(rect.width * dpr));
    const height = Math.max(1, Math.round(rect.height * dpr));
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
  }

  /** Show `def`; image avatars load their images first, relative URLs resolved against `assetBaseUrl`. */
  async setAvatar(def: AnyAvatarDefinition, assetBaseUrl: string): Promise<void> {
    if (def.kind === 'vector') {
      this.avatar = { kind: 'vector', def };
      return;
    }

    const resolve = (url: string): string => new URL(url, assetBaseUrl).href;
    const unique = [...new Set(Object.values(def.mouthImages))];
    const [portrait, blink, ...mouthList] = await Promise.all([
      loadImage(resolve(def.portrait.url)),
      def.blink ? loadImage(resolve(def.blink.url)) : Promise.resolve(undefined),
      ...unique.map((url) => loadImage(resolve(url))),
    ]);
    const byUrl = new Map(unique.map((url, i) => [url, mouthList[i] as HTMLImageElement]));
    const mouths = new Map<Viseme, HTMLImageElement>();
    for (const [viseme, url] of Object.entries(def.mouthImages) as Array<[Viseme, string]>)
      mouths.set(viseme, byUrl.get(url) as HTMLImageElement);

    this.avatar = { kind: 'image', loaded: { def, portrait: portrait as HTMLImageElement, mouths, blink } };
  }

  get hasAvatar(): boolean {
    return this.avatar !== undefined;
  }

  draw(pose: AvatarPose, mouth: MouthSample): void {
    // ResizeObserver misses devicePixelRatio changes (moving the window to another screen), so check each frame.
    if (this.canvas.width <= 1 || this.cssWidth === 0 || this.dpr !== (globalThis.devicePixelRatio || 1)) this.resize();
    const ctx = this.context;
    ctx.setTransform(1, 0, 0, 1, 0, 0);

    const avatar = this.avatar;
    if (!avatar) {
      ctx.fillStyle = PLACEHOLDER_COLOR;
      ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
      this.mouthBox = undefined;
      return;
    }
    if (avatar.kind === 'vector') this.drawVector(avatar.def, pose);
    else this.drawImage(avatar.loaded, pose, mouth);
  }

  private drawVector(def: AvatarDefinition, pose: AvatarPose): void {
    const ctx = this.context;
    const { width, height } = this.canvas;
    const scene = buildAvatarScene(def, pose);

    const gradient = ctx.createLinearGradient(0, 0, 0, height);
    gradient.addColorStop(0, scene.background.top);
    gradient.addColorStop(1, scene.background.bottom);
    ctx.fillStyle = gradient;
    ctx.fillRect(0, 0, width, height);

    // Fit the square scene and stand it on the bottom edge, so the shoulders never float.
    const scale = Math.min(width, height) / scene.size;
    this.layout = { scale, x: (width - scene.size * scale) / 2, y: height - scene.size * scale };
    ctx.setTransform(scale, 0, 0, scale, this.layout.x, this.layout.y);

    for (const layer of scene.layers) {
      ctx.save();
      ctx.translate(layer.dx, layer.dy);
      if (layer.rotate !== 0) {
        ctx.translate(layer.originX, layer.originY);
        ctx.rotate((layer.rotate * Math.PI) / 180);
        ctx.translate(-layer.originX, -layer.originY);
      }
      for (const shape of layer.shapes) this.drawShape(shape);
      ctx.restore();
    }

    const head = scene.layers[scene.layers.length - 1];
    this.mouthBox = { ...scene.mouthBox, x: scene.mouthBox.x + (head?.dx ?? 0), y: scene.mouthBox.y + (head?.dy ?? 0) };
  }

  private drawShape(shape: SceneShape): void {
    const ctx = this.context;
    if (shape.type === 'clip') {
      ctx.save();
      ctx.clip(new Path2D(shape.clip));
      for (const inner of shape.shapes) this.drawShape(inner);
      ctx.restore();
      return;
    }

    const path = new Path2D(shape.d);
    ctx.globalAlpha = shape.opacity ?? 1;
    if (shape.fill) {
      ctx.fillStyle = shape.fill;
      ctx.fill(path);
    }
    if (shape.stroke) {
      ctx.strokeStyle = shape.stroke;
      ctx.lineWidth = shape.strokeWidth ?? 1;
      ctx.lineCap = 'round';
      ctx.lineJoin = 'round';
      ctx.stroke(path);
    }
    ctx.globalAlpha = 1;
  }

  private drawImage(avatar: LoadedImageAvatar, pose: AvatarPose, mouth: MouthSample): void {
    const ctx = this.context;
    const { width, height } = this.canvas;
    const { def } = avatar;

    ctx.fillStyle = def.portrait.background;
    ctx.fillRect(0, 0, width, height);

    const scale = Math.min(width / def.portrait.width, height / def.portrait.height);
    // Breathing and sway move the whole picture a little; mouth and blink patches move with it.
    const bobX = pose.headX * 0.4 * scale;
    const bobY = (pose.breathe + pose.headY * 0.5) * scale;
    this.layout = { scale, x: (width - def.portrait.width * scale) / 2 + bobX, y: height - def.portrait.height * scale + bobY };
    ctx.setTransform(scale, 0, 0, scale, this.layout.x, this.layout.y);
    ctx.drawImage(avatar.portrait, 0, 0, def.portrait.width, def.portrait.height);

    const r = def.mouthRect;
    const previous = avatar.mouths.get(mouth.previous);
    const current = avatar.mouths.get(mouth.viseme);
    if (previous && mouth.weight < 1) ctx.drawImage(previous, r.x, r.y, r.width, r.height);
    if (current) {
      ctx.globalAlpha = previous && mouth.weight < 1 ? mouth.weight : 1;
      ctx.drawImage(current, r.x, r.y, r.width, r.height);
      ctx.globalAlpha = 1;
    }

    if (avatar.blink && def.blink && pose.blink > 0.05) {
      ctx.globalAlpha = Math.min(1, pose.blink * 1.5);
      ctx.drawImage(avatar.blink, def.blink.rect.x, def.blink.rect.y, def.blink.rect.width, def.blink.rect.height);
      ctx.globalAlpha = 1;
    }
    this.mouthBox = { ...r };
  }

  /** Returns the mouth's box in CSS pixels relative to the canvas's top-left corner, as drawn in the last frame. */
  mouthRect(): SceneRect | undefined {
    const box = this.mouthBox;
    if (!box || this.canvas.width === 0) return undefined;
    const toCss = this.cssWidth / this.canvas.width;
    const { scale, x, y } = this.layout;
    return {
      x: (x + box.x * scale) * toCss,
      y: (y + box.y * scale) * toCss,
      width: box.width * scale * toCss,
      height: box.height * scale * toCss,
    };
  }

  get size(): { width: number; height: number } {
    return { width: this.cssWidth, height: this.cssHeight };
  }

  destroy(): void {
    this.observer?.disconnect();
    this.canvas.remove();
    this.avatar = undefined;
  }
}
