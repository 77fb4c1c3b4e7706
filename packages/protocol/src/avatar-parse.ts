/** Validation of avatar JSON files into AvatarDefinition or ImageAvatarDefinition. */
import { VISEMES, type Viseme } from './visemes.js';
import {
  CLOTHING_STYLES,
  DEFAULT_MOUTH_SHAPES,
  FACIAL_HAIR_STYLES,
  GLASSES_SHAPES,
  HAIR_STYLES,
  type AnyAvatarDefinition,
  type AvatarAppearance,
  type AvatarAttributes,
  type AvatarDefinition,
  type ImageAvatarDefinition,
  type ImageRect,
  type MouthShape,
} from './avatar-types.js';

/** Raised by parseAvatarDefinition; `issues` lists every problem found, each with its JSON path. */
export class AvatarDefinitionError extends Error {
  readonly code = 'INVALID_AVATAR_DEFINITION';
  readonly issues: string[];

  constructor(issues: string[]) {
    super(`invalid avatar definition: ${issues.join('; ')}`);
    this.name = 'AvatarDefinitionError';
    this.issues = issues;
  }
}

const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
const HEX_COLOR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/;
const VOICE_ID = /^[A-Za-z0-9][A-Za-z0-9:._-]{0,127}$/;
const MAX_TEXT = 500;
const MAX_ATTRIBUTES = 32;
const MAX_URL = 2048;
/** Data URLs carry whole images, so they get a larger cap than links. */
const MAX_DATA_URL = 512 * 1024;
const MAX_IMAGE_SIDE = 8192;

type Json = Record<string, unknown>;

/** Collects issues with their JSON paths, so one call reports every problem in a file. */
class Reader {
  readonly issues: string[] = [];

  fail(path: string, message: string): void {
    this.issues.push(`${path} ${message}`);
  }

  object(value: unknown, path: string): Json {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail(path, 'must be an object');
      return {};
    }
    return value as Json;
  }

  string(value: unknown, path: string, max = MAX_TEXT): string {
    if (typeof value !== 'string' || value.trim() === '') {
      this.fail(path, 'must be a non-empty string');
      return '';
    }
    if (value.length > max) this.fail(path, `must be at most ${max} characters`);
    return value;
  }

  pattern(value: unknown, path: string, pattern: RegExp, expected: string): string {
    const text = this.string(value, path);
    if (text !== '' && !pattern.test(text)) this.fail(path, `must be ${expected}, got ${JSON.stringify(text.slice(0, 80))}`);
    return text;
  }

  color(value: unknown, path: string): string {
    return this.pattern(value, path, HEX_COLOR, 'a hex colour such as "#a0522d"');
  }

  optionalColor(value: unknown, path: string): string | undefined {
    return value === undefined ? undefined : this.color(value, path);
  }

  number(value: unknown, path: string, min: number, max: number): number {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      this.fail(path, `must be a number from ${min} to ${max}, got ${JSON.stringify(value)}`);
      return min;
    }
    return value;
  }

  boolean(value: unknown, path: string): boolean {
    if (typeof value !== 'boolean') {
      this.fail(path, 'must be true or false');
      return false;
    }
    return value;
  }

  oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      this.fail(path, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
      return allowed[0] as T;
    }
    return value as T;
  }

  imageUrl(value: unknown, path: string): string {
    if (typeof value === 'string' && value.startsWith('data:')) {
      const url = this.string(value, path, MAX_DATA_URL);
      if (!/^data:image\/(?:png|jpeg|webp|gif|svg\+xml)[;,]/.test(url))
        this.fail(path, 'must be a data:image/... URL of png, jpeg, webp, gif or svg');
      return url;
    }
    const url = this.string(value, path, MAX_URL);
    if (url === '') return url;

    // An absolute URL must be http(s); anything else with a scheme (javascript:, file:) is rejected.
    // Relative URLs are plain paths below the avatar's asset folder, so they may not climb out of it.
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url);
    if (scheme) {
      if (!/^https?$/i.test(scheme[1] ?? ''))
        this.fail(path, `must be an http(s), data:image or relative URL, got scheme ${JSON.stringify(scheme[1])}`);
    } else if (url.startsWith('/') || url.startsWith('\\') || url.split('/').includes('..')) {
      this.fail(path, 'must be relative to the avatar folder (no leading "/" and no "..")');
    } else if (!/^[A-Za-z0-9._\-/]+$/.test(url)) {
      this.fail(path, 'may contain only letters, digits, ".", "_", "-" and "/" when relative');
    }
    return url;
  }

  rect(value: unknown, path: string, width: number, height: number): ImageRect {
    const raw = this.object(value, path);
    const rect = {
      x: this.number(raw.x, `${path}.x`, 0, MAX_IMAGE_SIDE),
      y: this.number(raw.y, `${path}.y`, 0, MAX_IMAGE_SIDE),
      width: this.number(raw.width, `${path}.width`, 1, MAX_IMAGE_SIDE),
      height: this.number(raw.height, `${path}.height`, 1, MAX_IMAGE_SIDE),
    };
    if (rect.x + rect.width > width || rect.y + rect.height > height) this.fail(path, `must lie inside the ${width}x${height} portrait`);
    return rect;
  }
}

function readAttributes(r: Reader, value: unknown): AvatarAttributes {
  const raw = r.object(value, 'attributes');
  const entries = Object.entries(raw);
  if (entries.length > MAX_ATTRIBUTES) r.fail('attributes', `must have at most ${MAX_ATTRIBUTES} entries`);

  const attributes: Record<string, string> = {};
  for (const [key, item] of entries.slice(0, MAX_ATTRIBUTES)) attributes[key] = r.string(item, `attributes.${key}`, 100);
  for (const key of ['skinTone', 'hair', 'age', 'presentation']) {
    if (!(key in raw)) r.fail(`attributes.${key}`, 'is required');
  }
  return attributes as AvatarAttributes;
}

function readMouthShape(r: Reader, value: unknown, path: string): MouthShape {
  const raw = r.object(value, path);
  return {
    jawOpen: r.number(raw.jawOpen, `${path}.jawOpen`, 0, 1),
    width: r.number(raw.width, `${path}.width`, 0.5, 1.5),
    lipRound: r.number(raw.lipRound, `${path}.lipRound`, 0, 1),
    teeth: r.number(raw.teeth, `${path}.teeth`, 0, 1),
    tongue: r.number(raw.tongue, `${path}.tongue`, 0, 1),
  };
}

function readMouthShapes(r: Reader, value: unknown): Record<Viseme, MouthShape> {
  const shapes = { ...DEFAULT_MOUTH_SHAPES } as Record<Viseme, MouthShape>;
  if (value === undefined) return shapes;

  const raw = r.object(value, 'mouthShapes');
  for (const [key, item] of Object.entries(raw)) {
    if (!(VISEMES as readonly string[]).includes(key)) {
      r.fail(`mouthShapes.${key}`, `is not a viseme; expected one of ${VISEMES.join(', ')}`);
      continue;
    }
    shapes[key as Viseme] = readMouthShape(r, item, `mouthShapes.${key}`);
  }
  return shapes;
}

function readAppearance(r: Reader, value: unknown): AvatarAppearance {
  const a = r.object(value, 'appearance');
  const background = r.object(a.background, 'appearance.background');
  const face = r.object(a.face, 'appearance.face');
  const hair = r.object(a.hair, 'appearance.hair');
  const facialHair = a.facialHair === undefined ? { style: 'none', color: '#000000' } : r.object(a.facialHair, 'appearance.facialHair');
  const eyes = r.object(a.eyes, 'appearance.eyes');
  const brows = r.object(a.brows, 'appearance.brows');
  const nose = r.object(a.nose, 'appearance.nose');
  const mouth = r.object(a.mouth, 'appearance.mouth');
  const clothing = r.object(a.clothing, 'appearance.clothing');

  const appearance: AvatarAppearance = {
    background: {
      top: r.color(background.top, 'appearance.background.top'),
      bottom: r.color(background.bottom, 'appearance.background.bottom'),
    },
    face: {
      skin: r.color(face.skin, 'appearance.face.skin'),
      shadow: r.color(face.shadow, 'appearance.face.shadow'),
      width: r.number(face.width, 'appearance.face.width', 0.8, 1.2),
      length: r.number(face.length, 'appearance.face.length', 0.85, 1.15),
      jaw: r.number(face.jaw, 'appearance.face.jaw', 0.6, 1),
      wrinkles: face.wrinkles === undefined ? 0 : r.number(face.wrinkles, 'appearance.face.wrinkles', 0, 1),
    },
    hair: { style: r.oneOf(hair.style, 'appearance.hair.style', HAIR_STYLES), color: r.color(hair.color, 'appearance.hair.color') },
    facialHair: {
      style: r.oneOf(facialHair.style, 'appearance.facialHair.style', FACIAL_HAIR_STYLES),
      color: r.color(facialHair.color, 'appearance.facialHair.color'),
    },
    eyes: {
      iris: r.color(eyes.iris, 'appearance.eyes.iris'),
      size: r.number(eyes.size, 'appearance.eyes.size', 0.8, 1.2),
      spacing: r.number(eyes.spacing, 'appearance.eyes.spacing', 0.85, 1.15),
      lashes: eyes.lashes === undefined ? false : r.boolean(eyes.lashes, 'appearance.eyes.lashes'),
    },
    brows: {
      color: r.color(brows.color, 'appearance.brows.color'),
      thickness: r.number(brows.thickness, 'appearance.brows.thickness', 0.5, 1.6),
      arch: r.number(brows.arch, 'appearance.brows.arch', 0, 1),
    },
    nose: {
      width: r.number(nose.width, 'appearance.nose.width', 0.8, 1.3),
      length: r.number(nose.length, 'appearance.nose.length', 0.8, 1.2),
    },
    mouth: {
      lip: r.color(mouth.lip, 'appearance.mouth.lip'),
      width: r.number(mouth.width, 'appearance.mouth.width', 0.8, 1.2),
      fullness: r.number(mouth.fullness, 'appearance.mouth.fullness', 0.6, 1.5),
    },
    clothing: {
      style: r.oneOf(clothing.style, 'appearance.clothing.style', CLOTHING_STYLES),
      color: r.color(clothing.color, 'appearance.clothing.color'),
      accent: r.color(clothing.accent, 'appearance.clothing.accent'),
    },
  };

  const cheeks = r.optionalColor(face.cheeks, 'appearance.face.cheeks');
  if (cheeks !== undefined) appearance.face.cheeks = cheeks;
  for (const key of ['inner', 'teeth', 'tongue'] as const) {
    const color = r.optionalColor(mouth[key], `appearance.mouth.${key}`);
    if (color !== undefined) appearance.mouth[key] = color;
  }

  if (a.accessories !== undefined) {
    const acc = r.object(a.accessories, 'appearance.accessories');
    appearance.accessories = {};
    if (acc.glasses !== undefined) {
      const glasses = r.object(acc.glasses, 'appearance.accessories.glasses');
      appearance.accessories.glasses = {
        frame: r.color(glasses.frame, 'appearance.accessories.glasses.frame'),
        shape: r.oneOf(glasses.shape, 'appearance.accessories.glasses.shape', GLASSES_SHAPES),
      };
    }
    const earrings = r.optionalColor(acc.earrings, 'appearance.accessories.earrings');
    if (earrings !== undefined) appearance.accessories.earrings = earrings;
  }
  return appearance;
}

function readImageParts(r: Reader, raw: Json): Pick<ImageAvatarDefinition, 'portrait' | 'mouthRect' | 'mouthImages' | 'blink'> {
  const portraitRaw = r.object(raw.portrait, 'portrait');
  const portrait = {
    url: r.imageUrl(portraitRaw.url, 'portrait.url'),
    width: r.number(portraitRaw.width, 'portrait.width', 1, MAX_IMAGE_SIDE),
    height: r.number(portraitRaw.height, 'portrait.height', 1, MAX_IMAGE_SIDE),
    background: portraitRaw.background === undefined ? '#000000' : r.color(portraitRaw.background, 'portrait.background'),
  };

  const mouthRect = r.rect(raw.mouthRect, 'mouthRect', portrait.width, portrait.height);

  const imagesRaw = r.object(raw.mouthImages, 'mouthImages');
  const mouthImages = {} as Record<Viseme, string>;
  for (const viseme of VISEMES) mouthImages[viseme] = r.imageUrl(imagesRaw[viseme], `mouthImages.${viseme}`);
  for (const key of Object.keys(imagesRaw)) {
    if (!(VISEMES as readonly string[]).includes(key))
      r.fail(`mouthImages.${key}`, `is not a viseme; expected one of ${VISEMES.join(', ')}`);
  }

  const parts: Pick<ImageAvatarDefinition, 'portrait' | 'mouthRect' | 'mouthImages' | 'blink'> = { portrait, mouthRect, mouthImages };
  if (raw.blink !== undefined) {
    const blink = r.object(raw.blink, 'blink');
    parts.blink = { url: r.imageUrl(blink.url, 'blink.url'), rect: r.rect(blink.rect, 'blink.rect', portrait.width, portrait.height) };
  }
  return parts;
}

/**
 * Validate an avatar JSON value and return the definition with defaults filled in.
 * `kind` defaults to `"vector"`. Throws AvatarDefinitionError listing every problem.
 */
export function parseAvatarDefinition(json: unknown): AnyAvatarDefinition {
  const r = new Reader();
  const raw = r.object(json, '(root)');
  if (r.issues.length > 0) throw new AvatarDefinitionError(r.issues);

  const kind = raw.kind === undefined ? 'vector' : r.oneOf(raw.kind, 'kind', ['vector', 'image'] as const);
  const common = {
    id: r.pattern(raw.id, 'id', ID_PATTERN, 'lower-case letters, digits and "-" (at most 64)'),
    name: r.string(raw.name, 'name', 100),
    description: r.string(raw.description, 'description'),
    attributes: readAttributes(r, raw.attributes),
    defaultVoiceId: r.pattern(raw.defaultVoiceId, 'defaultVoiceId', VOICE_ID, 'a voice id such as "espeak:en-us"'),
  };

  let definition: AnyAvatarDefinition;
  if (kind === 'image') {
    definition = { ...common, kind: 'image', ...readImageParts(r, raw) };
  } else {
    const vector: AvatarDefinition = {
      ...common,
      kind: 'vector',
      appearance: readAppearance(r, raw.appearance),
      mouthShapes: readMouthShapes(r, raw.mouthShapes),
    };
    definition = vector;
  }

  if (r.issues.length > 0) throw new AvatarDefinitionError(r.issues);
  return definition;
}
