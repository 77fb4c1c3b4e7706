/**
 * Viseme timelines and mouth blending. Pure functions of time, so the renderer can ask for the
 * mouth at any playback time and tests can check the math without a browser.
 */
import { blendMouthShapes, type MouthShape, type SegmentMessage, type Viseme, type VisemeCue } from '@orator/protocol';

/** Time to ease from one mouth shape into the next, in ms. */
export const VISEME_BLEND_MS = 70;

/** Index of the cue active at `ms` (the last cue starting at or before it), or -1 before the first cue. */
export function findCueIndex(cues: readonly VisemeCue[], ms: number): number {
  let low = 0;
  let high = cues.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if ((cues[mid] as VisemeCue).startMs <= ms) {
      found = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  return found;
}

/** Smoothstep easing on [0, 1]: zero slope at both ends, so shape changes start and stop softly. */
export function smoothstep(t: number): number {
  const x = Math.min(1, Math.max(0, t));
  return x * x * (3 - 2 * x);
}

export interface MouthSample {
  /** The viseme being eased into (the active cue). */
  viseme: Viseme;
  /** The viseme being eased out of. */
  previous: Viseme;
  /** Progress from `previous` to `viseme`, eased: 0 to 1. */
  weight: number;
  shape: MouthShape;
}

/**
 * Mouth at `ms` on a turn's timeline. Each cue eases in from the previous cue's shape over
 * `blendMs`. After `endMs` (the end of the turn's audio, if known) the mouth eases back to `sil`.
 */
export function sampleMouth(
  cues: readonly VisemeCue[],
  ms: number,
  shapes: Readonly<Record<Viseme, MouthShape>>,
  endMs: number | undefined = undefined,
  blendMs: number = VISEME_BLEND_MS,
): MouthSample {
  const index = findCueIndex(cues, ms);
  let start: number;
  let viseme: Viseme;
  let previous: Viseme;

  if (endMs !== undefined && ms >= endMs) {
    // Past the audio: close the mouth, starting from whatever cue was active at the end.
    const last = findCueIndex(cues, endMs - 0.001);
    previous = last >= 0 ? (cues[last] as VisemeCue).viseme : 'sil';
    viseme = 'sil';
    start = endMs;
  } else if (index < 0) {
    return { viseme: 'sil', previous: 'sil', weight: 1, shape: shapes.sil };
  } else {
    const cue = cues[index] as VisemeCue;
    viseme = cue.viseme;
    previous = index > 0 ? (cues[index - 1] as VisemeCue).viseme : 'sil';
    start = cue.startMs;
  }

  const weight = blendMs <= 0 ? 1 : smoothstep((ms - start) / blendMs);
  return { viseme, previous, weight, shape: blendMouthShapes(shapes[previous], shapes[viseme], weight) };
}

/** Viseme cues of one turn, collected from its `segment` messages in any order and without duplicates. */
export class TurnTimeline {
  readonly turnId: string;
  readonly turnNumber: number;
  private readonly segments = new Map<number, SegmentMessage>();
  private merged: VisemeCue[] = [];
  /** Total audio of the turn in ms, once `turn-end` has arrived. */
  durationMs: number | undefined;

  constructor(turnId: string, turnNumber: number) {
    this.turnId = turnId;
    this.turnNumber = turnNumber;
  }

  addSegment(segment: SegmentMessage): void {
    // A reconnect can deliver a segment twice; the index makes the second copy a no-op.
    if (this.segments.has(segment.index)) return;
    this.segments.set(segment.index, segment);

    const all: VisemeCue[] = [];
    for (const s of [...this.segments.values()].sort((a, b) => a.index - b.index)) all.push(...s.visemes);
    this.merged = all.sort((a, b) => a.startMs - b.startMs);
  }

  get cues(): readonly VisemeCue[] {
    return this.merged;
  }

  /** End of the audio described so far: turn-end's duration, else the end of the last segment. */
  get endMs(): number | undefined {
    if (this.durationMs !== undefined) return this.durationMs;
    let end: number | undefined;
    for (const s of this.segments.values()) end = Math.max(end ?? 0, s.startMs + s.durationMs);
    return end;
  }
}
