/**
 * Geometry of vector avatars. `buildAvatarScene` turns a definition and a pose into layers of SVG
 * path data in a 512 x 512 box. The SVG thumbnail writes those paths as elements and the SDK's
 * canvas renderer draws them with Path2D, so both show the same face.
 */
import type { AvatarDefinition, MouthShape } from './avatar-types.js';

export const SCENE_SIZE = 512;

/** Animation state of one frame. Lengths are in scene units (the box is 512 wide). */
export interface AvatarPose {
  mouth: MouthShape;
  /** 0 eyes open, 1 closed. */
  blink: number;
  /** Gaze offset of the irises, about -1 to 1 on each axis. */
  gazeX: number;
  gazeY: number;
  /** 0 rest, 1 brows fully raised. */
  browRaise: number;
  headX: number;
  headY: number;
  /** Head roll in degrees, positive clockwise. */
  headTilt: number;
  /** Vertical offset of the shoulders from breathing. */
  breathe: number;
}

export const NEUTRAL_POSE: Readonly<AvatarPose> = Object.freeze({
  mouth: { jawOpen: 0, width: 1, lipRound: 0, teeth: 0, tongue: 0 },
  blink: 0,
  gazeX: 0,
  gazeY: 0,
  browRaise: 0,
  headX: 0,
  headY: 0,
  headTilt: 0,
  breathe: 0,
});

export type SceneShape =
  | { type: 'path'; d: string; fill?: string; stroke?: string; strokeWidth?: number; opacity?: number }
  | { type: 'clip'; clip: string; shapes: SceneShape[] };

/** Shapes that move together: translated by (dx, dy), then rotated by `rotate` degrees about (originX, originY). */
export interface SceneLayer {
  dx: number;
  dy: number;
  rotate: number;
  originX: number;
  originY: number;
  shapes: SceneShape[];
}

export interface SceneRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface AvatarScene {
  size: number;
  background: { top: string; bottom: string };
  layers: SceneLayer[];
  /** Box around the mouth at this pose, before the head layer's transform. */
  mouthBox: SceneRect;
}

type Point = readonly [number, number];
type Cubic = readonly [Point, Point, Point];

const DEFAULT_INNER = '#5a1e22';
const DEFAULT_TEETH = '#f7f4ee';
const DEFAULT_TONGUE = '#d0646c';

/** Format a coordinate with one decimal, so the SVG stays small and stable. */
function f(n: number): string {
  const rounded = Math.round(n * 10) / 10;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

function pt(p: Point): string {
  return `${f(p[0])} ${f(p[1])}`;
}

function circle(x: number, y: number, r: number): string {
  return `M${f(x - r)} ${f(y)}a${f(r)} ${f(r)} 0 1 0 ${f(2 * r)} 0a${f(r)} ${f(r)} 0 1 0 ${f(-2 * r)} 0Z`;
}

function ellipse(x: number, y: number, rx: number, ry: number): string {
  return `M${f(x - rx)} ${f(y)}a${f(rx)} ${f(ry)} 0 1 0 ${f(2 * rx)} 0a${f(rx)} ${f(ry)} 0 1 0 ${f(-2 * rx)} 0Z`;
}

/**
 * Build a closed path symmetric about x = cx from the right half: it starts at `start` on the
 * axis, follows the cubic `segments` and must end on the axis again. The left half is the mirror.
 */
function symmetricPath(cx: number, start: Point, segments: readonly Cubic[]): string {
  const mirror = (p: Point): Point => [2 * cx - p[0], p[1]];
  let d = `M${pt(start)}`;
  for (const [c1, c2, end] of segments) d += `C${pt(c1)} ${pt(c2)} ${pt(end)}`;

  // Walk back up the left side: each segment reversed (controls swapped) and mirrored.
  const ends: Point[] = [start, ...segments.map((s) => s[2])];
  for (let i = segments.length - 1; i >= 0; i--) {
    const [c1, c2] = segments[i] as Cubic;
    d += `C${pt(mirror(c2))} ${pt(mirror(c1))} ${pt(mirror(ends[i] as Point))}`;
  }
  return `${d}Z`;
}

function path(d: string, fill: string, opacity?: number): SceneShape {
  return opacity === undefined ? { type: 'path', d, fill } : { type: 'path', d, fill, opacity };
}

function stroke(d: string, color: string, width: number, opacity?: number): SceneShape {
  const shape: SceneShape = { type: 'path', d, stroke: color, strokeWidth: width };
  if (opacity !== undefined) shape.opacity = opacity;
  return shape;
}

/** Face measurements shared by every part of the drawing. */
interface Frame {
  cx: number;
  cy: number;
  hw: number;
  hh: number;
  top: number;
  chin: number;
  eyeY: number;
  eyeDx: number;
  mouthY: number;
  jawDrop: number;
}

function measure(def: AvatarDefinition, pose: AvatarPose): Frame {
  const { face } = def.appearance;
  const cx = 256;
  const cy = 226;
  const hw = 92 * face.width;
  const hh = 116 * face.length;
  const jawDrop = pose.mouth.jawOpen * 12;
  return {
    cx,
    cy,
    hw,
    hh,
    top: cy - hh,
    chin: cy + hh + jawDrop,
    eyeY: cy - hh * 0.04,
    eyeDx: hw * 0.4 * def.appearance.eyes.spacing,
    mouthY: cy + hh * 0.5,
    jawDrop,
  };
}

function facePath(m: Frame, jaw: number): string {
  const { cx, cy, hw, hh, top, chin, jawDrop } = m;
  return symmetricPath(
    cx,
    [cx, top],
    [
      [
        [cx + hw * 0.58, top],
        [cx + hw, cy - hh * 0.55],
        [cx + hw, cy - hh * 0.05],
      ],
      [
        [cx + hw, cy + hh * 0.35],
        [cx + hw * jaw * 0.95, cy + hh * 0.55 + jawDrop * 0.4],
        [cx + hw * jaw * 0.72, cy + hh * 0.8 + jawDrop * 0.7],
      ],
      [
        [cx + hw * jaw * 0.5, cy + hh * 0.96 + jawDrop],
        [cx + hw * 0.22, chin],
        [cx, chin],
      ],
    ],
  );
}

function neckAndBody(def: AvatarDefinition, m: Frame): SceneShape[] {
  const { face, clothing } = def.appearance;
  const { cx, cy, hw, hh } = m;
  const neckHalf = hw * 0.42;
  const shoulderY = 398;
  const shapes: SceneShape[] = [];

  shapes.push(
    path(
      `M${f(cx - neckHalf)} ${f(cy + hh * 0.4)}L${f(cx + neckHalf)} ${f(cy + hh * 0.4)}L${f(cx + neckHalf * 1.08)} ${shoulderY + 20}L${f(cx - neckHalf * 1.08)} ${shoulderY + 20}Z`,
      face.shadow,
    ),
  );
  // The jaw's shadow on the neck.
  shapes.push(path(ellipse(cx, cy + hh * 0.95, neckHalf, 14), face.shadow, 0.6));

  const body = `M24 512C28 446 92 ${shoulderY + 6} ${f(cx - neckHalf - 18)} ${shoulderY}Q${cx} ${shoulderY + 22} ${f(cx + neckHalf + 18)} ${shoulderY}C420 ${shoulderY + 6} 484 446 488 512Z`;
  shapes.push(path(body, clothing.color));

  switch (clothing.style) {
    case 'crew':
      shapes.push(
        stroke(
          `M${f(cx - neckHalf - 16)} ${shoulderY + 1}Q${cx} ${shoulderY + 30} ${f(cx + neckHalf + 16)} ${shoulderY + 1}`,
          clothing.accent,
          8,
        ),
      );
      break;
    case 'vneck':
      shapes.push(
        path(`M${f(cx - neckHalf - 10)} ${shoulderY}L${cx} ${shoulderY + 58}L${f(cx + neckHalf + 10)} ${shoulderY}Z`, face.shadow),
      );
      shapes.push(
        stroke(`M${f(cx - neckHalf - 12)} ${shoulderY}L${cx} ${shoulderY + 62}L${f(cx + neckHalf + 12)} ${shoulderY}`, clothing.accent, 6),
      );
      break;
    case 'collar':
      shapes.push(
        path(
          `M${f(cx - neckHalf - 14)} ${shoulderY - 4}L${cx} ${shoulderY + 30}L${f(cx - 14)} ${shoulderY + 44}L${f(cx - neckHalf - 28)} ${shoulderY + 16}Z`,
          clothing.accent,
        ),
      );
      shapes.push(
        path(
          `M${f(cx + neckHalf + 14)} ${shoulderY - 4}L${cx} ${shoulderY + 30}L${f(cx + 14)} ${shoulderY + 44}L${f(cx + neckHalf + 28)} ${shoulderY + 16}Z`,
          clothing.accent,
        ),
      );
      shapes.push(stroke(`M${cx} ${shoulderY + 36}L${cx} 512`, clothing.accent, 2, 0.5));
      break;
    case 'blazer':
      // The shirt shows in a V between the lapels.
      shapes.push(
        path(
          `M${f(cx - neckHalf - 8)} ${shoulderY}L${cx} ${shoulderY + 112}L${f(cx + neckHalf + 8)} ${shoulderY}Q${cx} ${shoulderY + 20} ${f(cx - neckHalf - 8)} ${shoulderY}Z`,
          clothing.accent,
        ),
      );
      shapes.push(
        path(
          `M${f(cx - neckHalf - 10)} ${shoulderY}L${f(cx - 6)} ${shoulderY + 112}L${f(cx - 30)} 512L${f(cx - 96)} 512L${f(cx - neckHalf - 46)} ${shoulderY + 40}Z`,
          clothing.color,
        ),
      );
      shapes.push(
        path(
          `M${f(cx + neckHalf + 10)} ${shoulderY}L${f(cx + 6)} ${shoulderY + 112}L${f(cx + 30)} 512L${f(cx + 96)} 512L${f(cx + neckHalf + 46)} ${shoulderY + 40}Z`,
          clothing.color,
        ),
      );
      shapes.push(
        stroke(
          `M${f(cx - neckHalf - 10)} ${shoulderY}L${f(cx - 6)} ${shoulderY + 112}M${f(cx + neckHalf + 10)} ${shoulderY}L${f(cx + 6)} ${shoulderY + 112}`,
          '#000000',
          2,
          0.25,
        ),
      );
      break;
    case 'hoodie':
      shapes.push(
        stroke(
          `M${f(cx - neckHalf - 30)} ${shoulderY - 6}Q${cx} ${shoulderY + 48} ${f(cx + neckHalf + 30)} ${shoulderY - 6}`,
          clothing.accent,
          16,
        ),
      );
      shapes.push(
        stroke(
          `M${f(cx - 16)} ${shoulderY + 22}L${f(cx - 18)} ${shoulderY + 80}M${f(cx + 16)} ${shoulderY + 22}L${f(cx + 18)} ${shoulderY + 80}`,
          clothing.accent,
          4,
        ),
      );
      break;
  }
  return shapes;
}

/** Hair drawn behind the head (volume, long hair, buns). */
function hairBack(def: AvatarDefinition, m: Frame): SceneShape[] {
  const { style, color } = def.appearance.hair;
  const { cx, cy, hw, hh, top } = m;
  switch (style) {
    case 'afro':
      return [path(ellipse(cx, cy - hh * 0.3, hw * 1.55, hh * 1.02), color)];
    case 'bob':
      return [
        path(
          symmetricPath(
            cx,
            [cx, top - 16],
            [
              [
                [cx + hw * 0.9, top - 16],
                [cx + hw * 1.22, cy - hh * 0.4],
                [cx + hw * 1.2, cy + hh * 0.2],
              ],
              [
                [cx + hw * 1.18, cy + hh * 0.5],
                [cx + hw * 1.1, cy + hh * 0.62],
                [cx + hw * 0.9, cy + hh * 0.64],
              ],
              [
                [cx + hw * 0.5, cy + hh * 0.66],
                [cx + hw * 0.2, cy + hh * 0.66],
                [cx, cy + hh * 0.66],
              ],
            ],
          ),
          color,
        ),
      ];
    case 'long':
      return [
        path(
          symmetricPath(
            cx,
            [cx, top - 14],
            [
              [
                [cx + hw * 0.9, top - 14],
                [cx + hw * 1.2, cy - hh * 0.4],
                [cx + hw * 1.18, cy + hh * 0.3],
              ],
              [
                [cx + hw * 1.16, cy + hh * 0.9],
                [cx + hw * 1.3, cy + hh * 1.35],
                [cx + hw * 1.25, 420],
              ],
              [
                [cx + hw * 0.6, 430],
                [cx + hw * 0.3, 400],
                [cx, 400],
              ],
            ],
          ),
          color,
        ),
      ];
    case 'bun':
      return [path(circle(cx, top - 12, hw * 0.42), color)];
    case 'curly':
      return [path(ellipse(cx, cy - hh * 0.42, hw * 1.18, hh * 0.72), color)];
    default:
      return [];
  }
}

/** Long hair falling in front of the shoulders, drawn over the clothing at both sides of the neck. */
function hairOverShoulders(def: AvatarDefinition, m: Frame): SceneShape[] {
  if (def.appearance.hair.style !== 'long') return [];
  const { cx, cy, hw, hh } = m;
  const color = def.appearance.hair.color;
  const side = (s: number): string =>
    `M${f(cx + s * hw * 0.98)} ${f(cy + hh * 0.2)}C${f(cx + s * hw * 1.04)} ${f(cy + hh * 0.9)} ${f(cx + s * hw * 1.2)} 420 ${f(cx + s * hw * 1.3)} 452` +
    `L${f(cx + s * hw * 0.9)} 452C${f(cx + s * hw * 0.78)} 420 ${f(cx + s * hw * 0.78)} ${f(cy + hh * 0.7)} ${f(cx + s * hw * 0.8)} ${f(cy + hh * 0.2)}Z`;
  return [path(side(1), color), path(side(-1), color)];
}

/** Hair on top of the face: the cap and the hairline. */
function hairFront(def: AvatarDefinition, m: Frame): SceneShape[] {
  const { style, color } = def.appearance.hair;
  const { cx, cy, hw, hh, top } = m;

  // A cap that hugs the skull; `lift` raises the crown and `line` lowers the hairline at the temples.
  const cap = (lift: number, line: number, sideDrop: number): string =>
    `M${f(cx - hw * 1.02)} ${f(cy - hh * sideDrop)}` +
    `C${f(cx - hw * 1.06)} ${f(top - lift * 0.6)} ${f(cx - hw * 0.55)} ${f(top - lift)} ${f(cx)} ${f(top - lift)}` +
    `C${f(cx + hw * 0.55)} ${f(top - lift)} ${f(cx + hw * 1.06)} ${f(top - lift * 0.6)} ${f(cx + hw * 1.02)} ${f(cy - hh * sideDrop)}` +
    `C${f(cx + hw * 0.9)} ${f(cy - hh * line)} ${f(cx + hw * 0.5)} ${f(cy - hh * (line + 0.08))} ${f(cx)} ${f(cy - hh * (line + 0.1))}` +
    `C${f(cx - hw * 0.5)} ${f(cy - hh * (line + 0.08))} ${f(cx - hw * 0.9)} ${f(cy - hh * line)} ${f(cx - hw * 1.02)} ${f(cy - hh * sideDrop)}Z`;

  switch (style) {
    case 'bald':
      // A fringe of hair above the ears only.
      return [
        path(ellipse(cx - hw * 0.97, cy - hh * 0.18, hw * 0.1, hh * 0.2), color),
        path(ellipse(cx + hw * 0.97, cy - hh * 0.18, hw * 0.1, hh * 0.2), color),
      ];
    case 'buzz':
      return [path(cap(2, 0.6, 0.2), color, 0.85)];
    case 'short':
      return [path(cap(16, 0.56, 0.12), color)];
    case 'curly': {
      const shapes = [path(cap(14, 0.58, 0.14), color)];
      let curls = '';
      for (let i = 0; i <= 8; i++) {
        const a = Math.PI * (1.05 + (i / 8) * 0.9);
        curls += circle(cx + Math.cos(a) * hw * 1.0, cy - hh * 0.45 + Math.sin(a) * hh * 0.62, hw * 0.2);
      }
      shapes.push(path(curls, color));
      return shapes;
    }
    case 'afro':
      return [path(cap(24, 0.6, 0.2), color)];
    case 'bob':
      // A straight fringe over the forehead.
      return [
        path(`${cap(18, 0.45, 0.1)}`, color),
        path(
          `M${f(cx - hw * 0.85)} ${f(cy - hh * 0.62)}L${f(cx + hw * 0.85)} ${f(cy - hh * 0.62)}L${f(cx + hw * 0.8)} ${f(cy - hh * 0.45)}L${f(cx - hw * 0.8)} ${f(cy - hh * 0.45)}Z`,
          color,
        ),
      ];
    case 'long':
      return [path(cap(14, 0.55, 0.05), color)];
    case 'bun':
      return [path(cap(10, 0.62, 0.18), color)];
  }
}

function ears(def: AvatarDefinition, m: Frame): SceneShape[] {
  const { face, accessories } = def.appearance;
  const { cx, cy, hw } = m;
  const shapes: SceneShape[] = [];
  for (const s of [-1, 1]) {
    const x = cx + s * hw * 0.97;
    shapes.push(path(ellipse(x, cy + 6, 15, 25), face.skin));
    shapes.push(path(ellipse(x + s * 3, cy + 6, 7, 14), face.shadow, 0.7));
    if (accessories?.earrings) shapes.push(path(circle(x + s * 2, cy + 36, 5), accessories.earrings));
  }
  return shapes;
}

function eyes(def: AvatarDefinition, m: Frame, pose: AvatarPose): SceneShape[] {
  const { eyes: spec, face } = def.appearance;
  const { cx, eyeY, eyeDx } = m;
  const rx = 17 * spec.size;
  const ry = 10 * spec.size;
  const open = Math.max(0, 1 - pose.blink);
  const shapes: SceneShape[] = [];

  for (const s of [-1, 1]) {
    const ex = cx + s * eyeDx;
    const upper = `M${f(ex - rx)} ${f(eyeY)}Q${f(ex)} ${f(eyeY - ry * 2 * open)} ${f(ex + rx)} ${f(eyeY)}`;

    if (open > 0.08) {
      const almond = `${upper}Q${f(ex)} ${f(eyeY + ry * 1.5 * open)} ${f(ex - rx)} ${f(eyeY)}Z`;
      const ix = ex + pose.gazeX * rx * 0.3;
      const iy = eyeY - ry * 0.15 * open + pose.gazeY * ry * 0.3;
      shapes.push({
        type: 'clip',
        clip: almond,
        shapes: [
          path(almond, '#fbfbf8'),
          path(circle(ix, iy, ry * 0.95), spec.iris),
          path(circle(ix, iy, ry * 0.45), '#121212'),
          path(circle(ix + ry * 0.3, iy - ry * 0.35, ry * 0.2), '#ffffff', 0.85),
        ],
      });
    } else {
      // Closed lid: a skin-coloured almond so the eye area stays filled.
      shapes.push(path(`${upper}Q${f(ex)} ${f(eyeY + ry * 0.5)} ${f(ex - rx)} ${f(eyeY)}Z`, face.skin));
    }

    shapes.push(stroke(upper, '#2a1d1a', spec.lashes ? 3.6 : 2.4));
    if (spec.lashes) {
      const lashX = ex + s * rx;
      shapes.push(stroke(`M${f(lashX)} ${f(eyeY)}l${f(s * 6)} ${f(-5)}`, '#2a1d1a', 2.4));
    }
  }
  return shapes;
}

function brows(def: AvatarDefinition, m: Frame, pose: AvatarPose): SceneShape[] {
  const { brows: spec } = def.appearance;
  const { cx, eyeY, eyeDx } = m;
  const y = eyeY - 27 - pose.browRaise * 7;
  const shapes: SceneShape[] = [];
  for (const s of [-1, 1]) {
    const inner = cx + s * (eyeDx - 20);
    const outer = cx + s * (eyeDx + 22);
    const peak = y - 5 - spec.arch * 8;
    shapes.push(
      stroke(`M${f(inner)} ${f(y + 2)}Q${f(cx + s * (eyeDx + 4))} ${f(peak)} ${f(outer)} ${f(y + 4)}`, spec.color, 5.5 * spec.thickness),
    );
  }
  return shapes;
}

function nose(def: AvatarDefinition, m: Frame): SceneShape[] {
  const { nose: spec, face } = def.appearance;
  const { cx, cy, hh } = m;
  const tipY = cy + hh * 0.27 * spec.length;
  const w = 11 * spec.width;
  return [
    stroke(`M${f(cx - 4)} ${f(m.eyeY + 8)}Q${f(cx - 9)} ${f(tipY - 14)} ${f(cx - w * 0.6)} ${f(tipY - 4)}`, face.shadow, 2.5, 0.6),
    stroke(
      `M${f(cx - w)} ${f(tipY)}Q${f(cx - w * 0.4)} ${f(tipY + 7)} ${f(cx)} ${f(tipY + 4)}Q${f(cx + w * 0.4)} ${f(tipY + 7)} ${f(cx + w)} ${f(tipY)}`,
      face.shadow,
      3,
    ),
  ];
}

/** Lips, mouth opening, teeth and tongue for the pose's mouth shape. */
function mouth(def: AvatarDefinition, m: Frame, pose: AvatarPose): { shapes: SceneShape[]; box: SceneRect } {
  const spec = def.appearance.mouth;
  const shape = pose.mouth;
  const { cx, mouthY } = m;

  const halfWidth = 27 * spec.width * shape.width * (1 - 0.35 * shape.lipRound);
  const lip = 5.5 * spec.fullness * (1 + 0.35 * shape.lipRound);
  const opening = shape.jawOpen * 30 + shape.lipRound * 4 * Math.min(1, shape.jawOpen * 4);
  const up = opening * 0.3;
  const down = opening * 0.7;
  const left = cx - halfWidth;
  const right = cx + halfWidth;
  // Rounded lips pull the corners in and the middle out, so the controls move toward the centre.
  const pull = halfWidth * (0.25 + 0.3 * shape.lipRound);

  const innerUpper = `M${f(left)} ${f(mouthY)}C${f(left + pull)} ${f(mouthY - up * 1.3)} ${f(right - pull)} ${f(mouthY - up * 1.3)} ${f(right)} ${f(mouthY)}`;
  const inner = `${innerUpper}C${f(right - pull)} ${f(mouthY + down * 1.3)} ${f(left + pull)} ${f(mouthY + down * 1.3)} ${f(left)} ${f(mouthY)}Z`;

  const outerTop = mouthY - up - lip * 1.4;
  const outerBottom = mouthY + down + lip * 1.8;
  const outer =
    `M${f(left - 3)} ${f(mouthY)}` +
    `C${f(left + halfWidth * 0.2)} ${f(outerTop)} ${f(cx - halfWidth * 0.35)} ${f(outerTop - 2)} ${f(cx)} ${f(outerTop + 3)}` +
    `C${f(cx + halfWidth * 0.35)} ${f(outerTop - 2)} ${f(right - halfWidth * 0.2)} ${f(outerTop)} ${f(right + 3)} ${f(mouthY)}` +
    `C${f(right - halfWidth * 0.1)} ${f(mouthY + (outerBottom - mouthY) * 1.3)} ${f(left + halfWidth * 0.1)} ${f(mouthY + (outerBottom - mouthY) * 1.3)} ${f(left - 3)} ${f(mouthY)}Z`;

  const shapes: SceneShape[] = [path(outer, spec.lip)];
  if (opening > 0.8) {
    const contents: SceneShape[] = [path(inner, spec.inner ?? DEFAULT_INNER)];
    if (shape.teeth > 0.02) {
      const teethDepth = Math.min(opening * 0.45, 8) + 2;
      contents.push(
        path(
          `M${f(left)} ${f(mouthY - up * 1.4 - 2)}L${f(right)} ${f(mouthY - up * 1.4 - 2)}L${f(right)} ${f(mouthY - up + teethDepth)}L${f(left)} ${f(mouthY - up + teethDepth)}Z`,
          spec.teeth ?? DEFAULT_TEETH,
          shape.teeth,
        ),
      );
    }
    if (shape.tongue > 0.02) {
      const tongueTop = mouthY + down - Math.min(down, 4 + 8 * shape.tongue);
      contents.push(
        path(
          ellipse(cx, tongueTop + halfWidth * 0.3, halfWidth * 0.6, halfWidth * 0.32),
          spec.tongue ?? DEFAULT_TONGUE,
          Math.min(1, shape.tongue * 1.2),
        ),
      );
    }
    shapes.push({ type: 'clip', clip: inner, shapes: contents });
  } else {
    shapes.push(
      stroke(
        `M${f(left)} ${f(mouthY)}C${f(left + pull)} ${f(mouthY + 1.5)} ${f(right - pull)} ${f(mouthY + 1.5)} ${f(right)} ${f(mouthY)}`,
        spec.inner ?? DEFAULT_INNER,
        2.2,
        0.9,
      ),
    );
  }

  // Lip highlight on the lower lip.
  shapes.push(path(ellipse(cx, mouthY + down + lip * 0.9, halfWidth * 0.35, lip * 0.35), '#ffffff', 0.12));

  return { shapes, box: { x: left - 4, y: outerTop - 2, width: halfWidth * 2 + 8, height: outerBottom - outerTop + 6 } };
}

function facialHair(def: AvatarDefinition, m: Frame, layer: 'under' | 'over'): SceneShape[] {
  const { style, color } = def.appearance.facialHair;
  const { cx, cy, hw, hh, chin, mouthY, jawDrop } = m;
  const jaw = def.appearance.face.jaw;

  const mustache = `M${f(cx - 30)} ${f(mouthY - 4)}Q${f(cx - 16)} ${f(mouthY - 20)} ${f(cx)} ${f(mouthY - 14)}Q${f(cx + 16)} ${f(mouthY - 20)} ${f(cx + 30)} ${f(mouthY - 4)}Q${f(cx + 14)} ${f(mouthY - 10)} ${f(cx)} ${f(mouthY - 8)}Q${f(cx - 14)} ${f(mouthY - 10)} ${f(cx - 30)} ${f(mouthY - 4)}Z`;
  // The beard follows the jaw from below the cheekbones and leaves the cheeks bare.
  const lowerFace = symmetricPath(
    cx,
    [cx, mouthY - 16],
    [
      [
        [cx + hw * 0.35, mouthY - 20],
        [cx + hw * 0.7, cy + hh * 0.3],
        [cx + hw * 0.97, cy + hh * 0.12],
      ],
      [
        [cx + hw * 0.99, cy + hh * 0.42],
        [cx + hw * jaw * 0.95, cy + hh * 0.6 + jawDrop * 0.4],
        [cx + hw * jaw * 0.72, cy + hh * 0.84 + jawDrop * 0.7],
      ],
      [
        [cx + hw * jaw * 0.5, cy + hh * 1.04 + jawDrop],
        [cx + hw * 0.22, chin + 8],
        [cx, chin + 8],
      ],
    ],
  );
  if (layer === 'under') {
    if (style === 'stubble') return [path(lowerFace, color, 0.22)];
    if (style === 'beard') return [path(lowerFace, color, 0.92)];
    return [];
  }
  if (style === 'mustache' || style === 'beard') return [path(mustache, color)];
  return [];
}

function wrinkles(def: AvatarDefinition, m: Frame): SceneShape[] {
  const amount = def.appearance.face.wrinkles;
  if (amount <= 0) return [];
  const { cx, cy, hw, hh, eyeY, eyeDx, mouthY } = m;
  const color = def.appearance.face.shadow;
  const lines =
    `M${f(cx - hw * 0.45)} ${f(cy - hh * 0.5)}Q${f(cx)} ${f(cy - hh * 0.55)} ${f(cx + hw * 0.45)} ${f(cy - hh * 0.5)}` +
    `M${f(cx - hw * 0.35)} ${f(cy - hh * 0.42)}Q${f(cx)} ${f(cy - hh * 0.46)} ${f(cx + hw * 0.35)} ${f(cy - hh * 0.42)}` +
    `M${f(cx - 22)} ${f(mouthY - 24)}Q${f(cx - 38)} ${f(mouthY - 6)} ${f(cx - 34)} ${f(mouthY + 10)}` +
    `M${f(cx + 22)} ${f(mouthY - 24)}Q${f(cx + 38)} ${f(mouthY - 6)} ${f(cx + 34)} ${f(mouthY + 10)}` +
    `M${f(cx - eyeDx - 24)} ${f(eyeY - 2)}l-7 -3M${f(cx - eyeDx - 24)} ${f(eyeY + 4)}l-7 3` +
    `M${f(cx + eyeDx + 24)} ${f(eyeY - 2)}l7 -3M${f(cx + eyeDx + 24)} ${f(eyeY + 4)}l7 3`;
  return [stroke(lines, color, 2, 0.35 + 0.5 * amount)];
}

function glasses(def: AvatarDefinition, m: Frame): SceneShape[] {
  const spec = def.appearance.accessories?.glasses;
  if (!spec) return [];
  const { cx, eyeY, eyeDx, hw } = m;
  const r = 25 * def.appearance.eyes.size;
  const lens = (x: number): string =>
    spec.shape === 'round'
      ? circle(x, eyeY, r)
      : `M${f(x - r * 1.1)} ${f(eyeY - r * 0.75)}L${f(x + r * 1.1)} ${f(eyeY - r * 0.75)}L${f(x + r * 1.0)} ${f(eyeY + r * 0.75)}L${f(x - r * 1.0)} ${f(eyeY + r * 0.75)}Z`;
  const d =
    lens(cx - eyeDx) +
    lens(cx + eyeDx) +
    `M${f(cx - eyeDx + r)} ${f(eyeY - 4)}Q${f(cx)} ${f(eyeY - 12)} ${f(cx + eyeDx - r)} ${f(eyeY - 4)}` +
    `M${f(cx - eyeDx - r * 1.05)} ${f(eyeY - 6)}L${f(cx - hw * 0.98)} ${f(eyeY - 2)}M${f(cx + eyeDx + r * 1.05)} ${f(eyeY - 6)}L${f(cx + hw * 0.98)} ${f(eyeY - 2)}`;
  return [path(lens(cx - eyeDx) + lens(cx + eyeDx), '#ffffff', 0.12), stroke(d, spec.frame, 4)];
}

/** Build the layers of a vector avatar at one pose. Pure: the same inputs give the same paths. */
export function buildAvatarScene(def: AvatarDefinition, pose: AvatarPose = NEUTRAL_POSE): AvatarScene {
  const m = measure(def, pose);
  const { face } = def.appearance;

  const headShapes: SceneShape[] = [...ears(def, m), path(facePath(m, face.jaw), face.skin)];
  if (face.cheeks) {
    headShapes.push(
      path(
        ellipse(m.cx - m.hw * 0.56, m.cy + m.hh * 0.26, 20, 12) + ellipse(m.cx + m.hw * 0.56, m.cy + m.hh * 0.26, 20, 12),
        face.cheeks,
        0.35,
      ),
    );
  }
  headShapes.push(...wrinkles(def, m), ...facialHair(def, m, 'under'), ...nose(def, m));
  const mouthParts = mouth(def, m, pose);
  headShapes.push(
    ...mouthParts.shapes,
    ...facialHair(def, m, 'over'),
    ...eyes(def, m, pose),
    ...brows(def, m, pose),
    ...hairFront(def, m),
    ...glasses(def, m),
  );

  const head = (shapes: SceneShape[]): SceneLayer => ({
    dx: pose.headX,
    dy: pose.headY + pose.breathe,
    rotate: pose.headTilt,
    originX: m.cx,
    originY: m.cy + m.hh,
    shapes,
  });
  return {
    size: SCENE_SIZE,
    background: def.appearance.background,
    layers: [
      head(hairBack(def, m)),
      { dx: 0, dy: pose.breathe, rotate: 0, originX: m.cx, originY: 400, shapes: neckAndBody(def, m) },
      head(hairOverShoulders(def, m)),
      head(headShapes),
    ],
    mouthBox: mouthParts.box,
  };
}
