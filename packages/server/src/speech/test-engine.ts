import type { Viseme, VisemeCue, WordTiming } from '@orator/protocol';
import type { PhonemeTiming, SpeechEngine, SynthesisRequest, SynthesisResult, VoiceInfo } from './engine.js';
import { SpeechError } from './errors.js';
import { DEFAULT_MAX_TEXT_LENGTH, validateSynthesisRequest } from './request.js';
import { emptyResult } from './result.js';
import { normalizeVisemeCues } from './visemes.js';

export interface TestSpeechEngineOptions {
  /** Output rate in Hz; default 22 050, the same as eSpeak. */
  sampleRate?: number;
  /** Max text length of one request; default 5000. */
  maxTextLength?: number;
}

const TEST_ENGINE_ID = 'test';

const TEST_VOICES: readonly VoiceInfo[] = [
  { id: 'test:default', name: 'Test tones', language: 'en-US', gender: 'neutral', engine: TEST_ENGINE_ID },
];

/** Duration of one letter at speed 1.0, in ms. */
const LETTER_MS = 70;
/** Pause between words and after a comma or sentence end, in ms at speed 1.0. */
const WORD_GAP_MS = 60;
const CLAUSE_PAUSE_MS = 250;

/** Letter groups and single letters → viseme; digraphs are matched first. */
const DIGRAPHS: Readonly<Record<string, Viseme>> = { th: 'TH', sh: 'CH', ch: 'CH', ph: 'FF', ng: 'kk', qu: 'kk' };
const LETTERS: Readonly<Record<string, Viseme>> = {
  a: 'aa',
  e: 'E',
  i: 'I',
  y: 'I',
  o: 'O',
  u: 'U',
  w: 'U',
  p: 'PP',
  b: 'PP',
  m: 'PP',
  f: 'FF',
  v: 'FF',
  t: 'DD',
  d: 'DD',
  k: 'kk',
  g: 'kk',
  c: 'kk',
  q: 'kk',
  x: 'kk',
  h: 'kk',
  j: 'CH',
  s: 'SS',
  z: 'SS',
  n: 'nn',
  l: 'nn',
  r: 'RR',
};

/** Tone frequency per viseme, in Hz, so each mouth shape also sounds different. */
const TONES: Readonly<Record<Viseme, number>> = {
  sil: 0,
  PP: 180,
  FF: 2600,
  TH: 2300,
  DD: 400,
  kk: 350,
  CH: 2000,
  SS: 3200,
  nn: 250,
  RR: 300,
  aa: 700,
  E: 520,
  I: 440,
  O: 330,
  U: 260,
};

/**
 * A deterministic engine without eSpeak, for integrators' CI: each letter becomes a 70 ms tone
 * (divided by `speed`) whose pitch depends on its viseme, words are separated by short silences
 * and punctuation by longer ones. Equal requests give identical results.
 */
export class TestSpeechEngine implements SpeechEngine {
  readonly id = TEST_ENGINE_ID;
  readonly sampleRate: number;
  private readonly maxTextLength: number;
  private closed = false;

  constructor(options: TestSpeechEngineOptions = {}) {
    this.sampleRate = options.sampleRate ?? 22_050;
    this.maxTextLength = options.maxTextLength ?? DEFAULT_MAX_TEXT_LENGTH;
  }

  async start(): Promise<void> {
    this.assertOpen();
  }

  async listVoices(): Promise<VoiceInfo[]> {
    return TEST_VOICES.map((voice) => ({ ...voice }));
  }

  async synthesize(request: SynthesisRequest, signal?: AbortSignal): Promise<SynthesisResult> {
    this.assertOpen();
    validateSynthesisRequest(request, TEST_VOICES, this.maxTextLength);

    if (signal?.aborted) {
      throw new SpeechError('ABORTED', 'speech request aborted');
    }

    if (request.text.trim() === '') {
      return emptyResult(this.sampleRate, signal);
    }

    return this.render(request.text, request.speed);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private render(text: string, speed: number): SynthesisResult {
    const letterMs = LETTER_MS / speed;
    const segments: Array<{ viseme: Viseme; ms: number }> = [];
    const cues: VisemeCue[] = [];
    const words: WordTiming[] = [];
    const phonemes: PhonemeTiming[] = [];
    let timeMs = 0;

    const addSegment = (viseme: Viseme, ms: number, phoneme?: string): void => {
      cues.push({ viseme, startMs: Math.round(timeMs) });
      if (phoneme) {
        phonemes.push({ phoneme, startMs: Math.round(timeMs) });
      }
      segments.push({ viseme, ms });
      timeMs += ms;
    };

    for (const match of text.matchAll(/(\S+)(\s*)/gu)) {
      const token = match[1] as string;
      const word = token.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');

      if (word !== '') {
        const startMs = Math.round(timeMs);
        for (const [unit, viseme] of letterUnits(word.toLowerCase())) {
          addSegment(viseme, letterMs * unit.length, unit);
        }
        words.push({ text: word, startMs, endMs: Math.round(timeMs) });
      }

      const pause = /[.!?;:,]$/u.test(token) ? CLAUSE_PAUSE_MS : WORD_GAP_MS;
      addSegment('sil', pause / speed);
    }

    const pcm = this.synthesizeTones(segments);
    const durationMs = (pcm.length / this.sampleRate) * 1000;

    return { pcm, sampleRate: this.sampleRate, durationMs, visemes: normalizeVisemeCues(cues, durationMs), words, phonemes };
  }

  /** Render each segment as a sine tone with 5 ms fades, or silence for `sil`. */
  private synthesizeTones(segments: ReadonlyArray<{ viseme: Viseme; ms: number }>): Int16Array {
    const totalMs = segments.reduce((sum, segment) => sum + segment.ms, 0);
    const pcm = new Int16Array(Math.round((totalMs * this.sampleRate) / 1000));
    const fadeSamples = Math.round(this.sampleRate * 0.005);
    let startMs = 0;

    for (const segment of segments) {
      const first = Math.round((startMs * this.sampleRate) / 1000);
      const last = Math.min(pcm.length, Math.round(((startMs + segment.ms) * this.sampleRate) / 1000));
      const frequency = TONES[segment.viseme];

      for (let index = first; frequency > 0 && index < last; index++) {
        const fade = Math.min(1, (index - first) / fadeSamples, (last - index) / fadeSamples);
        pcm[index] = Math.round(8000 * fade * Math.sin((2 * Math.PI * frequency * index) / this.sampleRate));
      }

      startMs += segment.ms;
    }

    return pcm;
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new SpeechError('ENGINE_CLOSED', 'test: the speech engine is closed');
    }
  }
}

/** Split a lower-case word into letter units (digraph or single character) with their visemes. */
function letterUnits(word: string): Array<[string, Viseme]> {
  const units: Array<[string, Viseme]> = [];
  const characters = [...word];

  for (let index = 0; index < characters.length; index++) {
    const pair = `${characters[index]}${characters[index + 1] ?? ''}`;
    const digraph = DIGRAPHS[pair];
    if (digraph) {
      units.push([pair, digraph]);
      index++;
      continue;
    }

    const character = characters[index] as string;
    // Digits and letters outside a–z get an open vowel, so every character moves the mouth.
    units.push([character, LETTERS[character.normalize('NFD')[0] ?? ''] ?? 'aa']);
  }

  return units;
}
