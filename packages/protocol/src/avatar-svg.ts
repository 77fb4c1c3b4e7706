/** SVG output of avatars, used by the server for catalog thumbnails. Needs no DOM. */
import type { AnyAvatarDefinition } from './avatar-types.js';
import { buildAvatarScene, NEUTRAL_POSE, type AvatarScene, type SceneShape } from './avatar-scene.js';

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

function shapeSvg(shape: SceneShape, nextId: () => string): string {
  if (shape.type === 'clip') {
    const id = nextId();
    const inner = shape.shapes.map((s) => shapeSvg(s, nextId)).join('');
    return `<clipPath id="${id}"><path d="${escapeXml(shape.clip)}"/></clipPath><g clip-path="url(#${id})">${inner}</g>`;
  }

  const attributes = [`d="${escapeXml(shape.d)}"`];
  attributes.push(`fill="${shape.fill ? escapeXml(shape.fill) : 'none'}"`);
  if (shape.stroke) {
    attributes.push(
      `stroke="${escapeXml(shape.stroke)}"`,
      `stroke-width="${shape.strokeWidth ?? 1}"`,
      'stroke-linecap="round"',
      'stroke-linejoin="round"',
    );
  }
  if (shape.opacity !== undefined && shape.opacity < 1) attributes.push(`opacity="${Math.round(shape.opacity * 1000) / 1000}"`);
  return `<path ${attributes.join(' ')}/>`;
}

/** Serialize a scene as a standalone SVG document; `title` becomes its accessible name. */
export function renderSceneSvg(scene: AvatarScene, title?: string): string {
  let counter = 0;
  const nextId = (): string => `c${++counter}`;
  const size = scene.size;

  const layers = scene.layers
    .map((layer) => {
      const body = layer.shapes.map((s) => shapeSvg(s, nextId)).join('');
      if (body === '') return '';
      const transforms: string[] = [];
      if (layer.dx !== 0 || layer.dy !== 0) transforms.push(`translate(${layer.dx} ${layer.dy})`);
      if (layer.rotate !== 0) transforms.push(`rotate(${layer.rotate} ${layer.originX} ${layer.originY})`);
      return transforms.length > 0 ? `<g transform="${transforms.join(' ')}">${body}</g>` : body;
    })
    .join('');

  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" width="${size}" height="${size}">` +
    (title ? `<title>${escapeXml(title)}</title>` : '') +
    `<defs><linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${escapeXml(scene.background.top)}"/>` +
    `<stop offset="1" stop-color="${escapeXml(scene.background.bottom)}"/></linearGradient></defs>` +
    `<rect width="${size}" height="${size}" fill="url(#bg)"/>${layers}</svg>`
  );
}

export interface RenderAvatarSvgOptions {
  /**
   * Maps an image avatar's image URL to the URL written into the SVG. Browsers load no external
   * images inside an SVG shown through `<img>`, so a server passes a function that returns a
   * `data:` URL for the avatar's own files.
   */
  resolveImage?: (url: string) => string;
}

/**
 * Draw the avatar's neutral face as an SVG document. Image avatars become an SVG with the
 * portrait and the `sil` mouth. Without `resolveImage`, relative URLs stay relative, so they
 * resolve against the thumbnail's own URL (`/v1/avatars/{id}/thumbnail.svg`) in the asset folder.
 */
export function renderAvatarSvg(def: AnyAvatarDefinition, options: RenderAvatarSvgOptions = {}): string {
  if (def.kind === 'vector') return renderSceneSvg(buildAvatarScene(def, NEUTRAL_POSE), def.name);

  const { portrait, mouthRect } = def;
  const resolve = options.resolveImage ?? ((url: string): string => url);
  const portraitUrl = escapeXml(resolve(portrait.url));
  const mouthUrl = escapeXml(resolve(def.mouthImages.sil));
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 ${portrait.width} ${portrait.height}" width="${portrait.width}" height="${portrait.height}">` +
    `<title>${escapeXml(def.name)}</title>` +
    `<rect width="${portrait.width}" height="${portrait.height}" fill="${escapeXml(portrait.background)}"/>` +
    `<image href="${portraitUrl}" xlink:href="${portraitUrl}" width="${portrait.width}" height="${portrait.height}"/>` +
    `<image href="${mouthUrl}" xlink:href="${mouthUrl}" x="${mouthRect.x}" y="${mouthRect.y}" width="${mouthRect.width}" height="${mouthRect.height}" preserveAspectRatio="none"/>` +
    `</svg>`
  );
}
