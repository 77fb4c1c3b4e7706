import type { VisemeCue, WordTiming } from '@orator/protocol';

/** One voice an engine offers. */
export interface VoiceInfo {
  /** Stable id of the form `<engine>:<voice>`, for example `espeak:en-us`. */
  id: string;
  /** Human-readable name, for example `English (US), male`. */
  name: string;
  /** BCP 47 language tag, for example `en-US`. */
  language: string;
  gender?: 'female' | 'male' | 'neutral';
  /** Id of the engine that owns the voice (`SpeechEngine.id`). */
  engine: string;
}

export interface SynthesisRequest {
  /** Plain text; engines escape whatever their input format needs. */
  text: string;
  voiceId: string;
  /** Speech-rate multiplier from 0.5 to 2.0, where 1.0 is the voice's normal rate. */
  speed: number;
}

/** One phoneme as the engine emitted it, with its start in ms from the start of the audio. */
export interface PhonemeTiming {
  phoneme: string;
  startMs: number;
}

export interface SynthesisResult {
  /** Signed 16-bit mono samples. */
  pcm: Int16Array;
  sampleRate: number;
  /** `pcm.length / sampleRate` in ms. */
  durationMs: number;
  /** Sorted by `startMs`, the first cue at 0, no two consecutive cues with the same viseme, every start before `durationMs` (or 0 for empty audio). */
  visemes: VisemeCue[];
  /** Spoken words in order, with `text` copied from the request text. */
  words: WordTiming[];
  phonemes: PhonemeTiming[];
}

/** Logger shape the engines accept; a pino logger fits. */
export interface SpeechLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * A text-to-speech engine. Implementations raise {@link SpeechError} for every failure, so callers
 * can map `code` to an API error without knowing which engine ran.
 */
export interface SpeechEngine {
  /** Engine id, the prefix of its voice ids (`espeak`, `test`). */
  readonly id: string;
  /** Sample rate of every result this engine returns, in Hz. */
  readonly sampleRate: number;
  /** Loads the synthesizer and warms it up; `synthesize` calls it if the caller did not. */
  start(): Promise<void>;
  listVoices(): Promise<VoiceInfo[]>;
  /** Rejects with code ABORTED as soon as `signal` fires; the request is then dropped. */
  synthesize(request: SynthesisRequest, signal?: AbortSignal): Promise<SynthesisResult>;
  /** Stops the engine; pending requests reject with ENGINE_CLOSED. */
  close(): Promise<void>;
}
