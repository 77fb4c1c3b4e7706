import type { SynthesisResult } from './engine.js';
import { SpeechError } from './errors.js';

/** Return the result for text with nothing to speak: no samples and a single `sil` cue. */
export function emptyResult(sampleRate: number, signal?: AbortSignal): SynthesisResult {
  if (signal?.aborted) {
    throw new SpeechError('ABORTED', 'speech request aborted');
  }

  return { pcm: new Int16Array(0), sampleRate, durationMs: 0, visemes: [{ viseme: 'sil', startMs: 0 }], words: [], phonemes: [] };
}
