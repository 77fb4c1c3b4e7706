/**
 * The Oculus (Meta) 15-viseme set. Every mouth shape the server sends and the renderer draws is
 * one of these ids.
 */
export const VISEMES = ['sil', 'PP', 'FF', 'TH', 'DD', 'kk', 'CH', 'SS', 'nn', 'RR', 'aa', 'E', 'I', 'O', 'U'] as const;
export type Viseme = (typeof VISEMES)[number];

export function isViseme(value: string): value is Viseme {
  return (VISEMES as readonly string[]).includes(value);
}

/** One mouth shape, held from `startMs` until the next cue's start (ms from the turn's audio start). */
export interface VisemeCue {
  viseme: Viseme;
  startMs: number;
}

/** One spoken word with its span in ms from the turn's audio start. */
export interface WordTiming {
  text: string;
  startMs: number;
  endMs: number;
}
