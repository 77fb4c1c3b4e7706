import type { PhonemeTiming } from '../engine.js';
import type { VisemeCue, WordTiming } from '@orator/protocol';

/** Options every eSpeak worker receives at start. */
export interface EspeakWorkerOptions {
  /** eSpeak voice names to select once at start, so a missing voice fails `start()`. */
  voiceNames: string[];
}

export interface EspeakJob {
  text: string;
  espeakName: string;
  /** Words per minute. */
  rate: number;
}

export interface EspeakJobResult {
  /** Buffer of 16-bit mono samples, moved from the worker. */
  pcm: ArrayBuffer;
  sampleRate: number;
  visemes: VisemeCue[];
  words: WordTiming[];
  phonemes: PhonemeTiming[];
}
