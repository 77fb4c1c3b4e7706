/** Types, constants and default mouth shapes of the avatar data format. */
import { VISEMES, type Viseme } from './visemes.js';

/** Free-form attributes for pickers and search; the four named ones are required. */
export interface AvatarAttributes {
  skinTone: string;
  hair: string;
  age: string;
  presentation: string;
  [key: string]: string;
}

interface AvatarCommon {
  /** Lower-case letters, digits and `-`, at most 64 characters; also the file name. */
  id: string;
  name: string;
  description: string;
  attributes: AvatarAttributes;
  /** Voice used when the create call names none, for example `espeak:en-us`. */
  defaultVoiceId: string;
}

/**
 * Mouth pose for one viseme. All values are fractions, so one table fits every face.
 * The renderer blends between these shapes, so they also define the in-between frames.
 */
export interface MouthShape {
  /** Jaw opening: 0 closed, 1 widest. */
  jawOpen: number;
  /** Mouth width relative to the face's neutral mouth: 0.5 to 1.5. */
  width: number;
  /** Lip rounding (pursing, as in "oo"): 0 none, 1 full. */
  lipRound: number;
  /** Visibility of the upper teeth: 0 hidden, 1 fully shown. */
  teeth: number;
  /** Visibility of the tongue: 0 hidden, 1 fully shown. */
  tongue: number;
}

export const HAIR_STYLES = ['bald', 'buzz', 'short', 'curly', 'afro', 'bob', 'long', 'bun'] as const;
export type HairStyle = (typeof HAIR_STYLES)[number];

export const FACIAL_HAIR_STYLES = ['none', 'stubble', 'mustache', 'beard'] as const;
export type FacialHairStyle = (typeof FACIAL_HAIR_STYLES)[number];

export const CLOTHING_STYLES = ['crew', 'vneck', 'collar', 'blazer', 'hoodie'] as const;
export type ClothingStyle = (typeof CLOTHING_STYLES)[number];

export const GLASSES_SHAPES = ['round', 'rect'] as const;
export type GlassesShape = (typeof GLASSES_SHAPES)[number];

/**
 * Appearance of a vector avatar. Colours are hex (`#rgb`, `#rrggbb` or `#rrggbbaa`). Shape
 * parameters are multipliers around 1 (the average face) with the ranges given per field.
 */
export interface AvatarAppearance {
  /** Vertical gradient from `top` to `bottom`; give the same colour twice for a flat fill. */
  background: { top: string; bottom: string };
  face: {
    skin: string;
    /** Darker skin for the neck, ears, nose and creases. */
    shadow: string;
    /** Blush on the cheeks; omitted for none. */
    cheeks?: string;
    /** 0.8 to 1.2. */
    width: number;
    /** 0.85 to 1.15. */
    length: number;
    /** Jaw width relative to the cheekbones: 0.6 (pointed) to 1 (square). */
    jaw: number;
    /** Age lines on forehead, eyes and cheeks: 0 none to 1 strong. */
    wrinkles: number;
  };
  hair: { style: HairStyle; color: string };
  facialHair: { style: FacialHairStyle; color: string };
  eyes: {
    iris: string;
    /** 0.8 to 1.2. */
    size: number;
    /** 0.85 to 1.15. */
    spacing: number;
    /** Draw longer upper lashes. */
    lashes: boolean;
  };
  brows: {
    color: string;
    /** 0.5 to 1.6. */
    thickness: number;
    /** 0 (straight) to 1 (high arch). */
    arch: number;
  };
  nose: {
    /** 0.8 to 1.3. */
    width: number;
    /** 0.8 to 1.2. */
    length: number;
  };
  mouth: {
    lip: string;
    /** 0.8 to 1.2. */
    width: number;
    /** Lip thickness: 0.6 to 1.5. */
    fullness: number;
    /** Colours of the mouth inside; defaults suit every face. */
    inner?: string;
    teeth?: string;
    tongue?: string;
  };
  clothing: { style: ClothingStyle; color: string; accent: string };
  accessories?: {
    glasses?: { frame: string; shape: GlassesShape };
    /** Earring colour; omitted for none. */
    earrings?: string;
  };
}

/** A vector avatar: the SDK draws it from `appearance` and animates `mouthShapes`. */
export interface AvatarDefinition extends AvatarCommon {
  kind: 'vector';
  appearance: AvatarAppearance;
  /** Complete after parsing: the JSON may override some visemes, the rest come from DEFAULT_MOUTH_SHAPES. */
  mouthShapes: Record<Viseme, MouthShape>;
}

/** A rectangle in the portrait image's pixels. */
export interface ImageRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * An image avatar: a portrait and one mouth image per viseme, drawn over the portrait's mouth.
 * Image URLs are absolute (`https:`, `http:`, `data:image/...`) or relative to the avatar's asset
 * folder, which the server serves at `/v1/avatars/{id}/`.
 */
export interface ImageAvatarDefinition extends AvatarCommon {
  kind: 'image';
  portrait: {
    url: string;
    /** Pixel size of the portrait image. */
    width: number;
    height: number;
    /** Fill colour around the portrait when the canvas has another aspect ratio. */
    background: string;
  };
  /** Target rectangle of the mouth images, in portrait pixels. Each mouth image is scaled to it. */
  mouthRect: ImageRect;
  /** One image URL per viseme; several visemes may share one image. */
  mouthImages: Record<Viseme, string>;
  /** Optional closed-eyes patch drawn over the portrait during blinks. */
  blink?: { url: string; rect: ImageRect };
}

export type AnyAvatarDefinition = AvatarDefinition | ImageAvatarDefinition;

/**
 * Default mouth shapes for the Oculus viseme set, tuned for the cartoon faces: bilabials close
 * the lips, FF shows the upper teeth on the lower lip, TH shows the tongue tip, rounded vowels purse.
 */
export const DEFAULT_MOUTH_SHAPES: Readonly<Record<Viseme, MouthShape>> = Object.freeze({
  sil: { jawOpen: 0, width: 1, lipRound: 0, teeth: 0, tongue: 0 },
  PP: { jawOpen: 0, width: 0.92, lipRound: 0.1, teeth: 0, tongue: 0 },
  FF: { jawOpen: 0.14, width: 1, lipRound: 0, teeth: 1, tongue: 0 },
  TH: { jawOpen: 0.22, width: 1, lipRound: 0, teeth: 0.6, tongue: 1 },
  DD: { jawOpen: 0.3, width: 1.02, lipRound: 0, teeth: 0.7, tongue: 0.5 },
  kk: { jawOpen: 0.38, width: 1, lipRound: 0, teeth: 0.5, tongue: 0.3 },
  CH: { jawOpen: 0.26, width: 0.85, lipRound: 0.5, teeth: 0.9, tongue: 0 },
  SS: { jawOpen: 0.16, width: 1.1, lipRound: 0, teeth: 1, tongue: 0 },
  nn: { jawOpen: 0.24, width: 1, lipRound: 0, teeth: 0.6, tongue: 0.6 },
  RR: { jawOpen: 0.3, width: 0.86, lipRound: 0.55, teeth: 0.5, tongue: 0.2 },
  aa: { jawOpen: 0.88, width: 1.05, lipRound: 0, teeth: 0.5, tongue: 0.3 },
  E: { jawOpen: 0.5, width: 1.15, lipRound: 0, teeth: 0.7, tongue: 0.2 },
  I: { jawOpen: 0.32, width: 1.2, lipRound: 0, teeth: 0.8, tongue: 0.1 },
  O: { jawOpen: 0.62, width: 0.76, lipRound: 0.9, teeth: 0.3, tongue: 0.1 },
  U: { jawOpen: 0.36, width: 0.62, lipRound: 1, teeth: 0.1, tongue: 0 },
});

/** Linear blend of two mouth shapes; `t` is 0 for `from` and 1 for `to`. */
export function blendMouthShapes(from: MouthShape, to: MouthShape, t: number): MouthShape {
  const k = Math.min(1, Math.max(0, t));
  const mix = (a: number, b: number): number => a + (b - a) * k;
  return {
    jawOpen: mix(from.jawOpen, to.jawOpen),
    width: mix(from.width, to.width),
    lipRound: mix(from.lipRound, to.lipRound),
    teeth: mix(from.teeth, to.teeth),
    tongue: mix(from.tongue, to.tongue),
  };
}

/** The visemes in a fixed order, for iterating over mouth tables. */
export const AVATAR_VISEMES: readonly Viseme[] = VISEMES;
