import type { SpeechEngine, SpeechLogger, SynthesisRequest, SynthesisResult, VoiceInfo } from '../engine.js';
import { DEFAULT_MAX_TEXT_LENGTH, validateSynthesisRequest } from '../request.js';
import { emptyResult } from '../result.js';
import { WorkerPool, type WorkerPoolStats } from '../worker-pool.js';
import type { EspeakJob, EspeakJobResult, EspeakWorkerOptions } from './protocol.js';
import { ESPEAK_ENGINE_ID, ESPEAK_VOICES, espeakRate } from './voices.js';

/** Output sample rate of eSpeak NG, in Hz. */
export const ESPEAK_SAMPLE_RATE = 22_050;

export interface EspeakEngineOptions {
  /** Worker threads; default min(2, available cores). Each worker loads its own eSpeak instance and its 24 MB data file. */
  poolSize?: number;
  /** Max text length of one request, in UTF-16 code units; default 5000. */
  maxTextLength?: number;
  /** Max time one synthesis may run before its worker is replaced, in ms; default 30 000. */
  timeoutMs?: number;
  /** Max requests waiting for a worker; default 1000. */
  maxQueue?: number;
  logger?: SpeechLogger;
}

/** eSpeak NG (WebAssembly build) running in a pool of worker threads. */
export class EspeakEngine implements SpeechEngine {
  readonly id = ESPEAK_ENGINE_ID;
  readonly sampleRate = ESPEAK_SAMPLE_RATE;
  private readonly pool: WorkerPool<EspeakWorkerOptions, EspeakJob, EspeakJobResult>;
  private readonly maxTextLength: number;

  constructor(options: EspeakEngineOptions = {}) {
    this.maxTextLength = options.maxTextLength ?? DEFAULT_MAX_TEXT_LENGTH;
    this.pool = new WorkerPool(new URL('./worker.js', import.meta.url), {
      name: ESPEAK_ENGINE_ID,
      size: options.poolSize,
      timeoutMs: options.timeoutMs,
      maxQueue: options.maxQueue,
      logger: options.logger,
      workerOptions: { voiceNames: [...new Set(ESPEAK_VOICES.map((voice) => voice.espeakName))] },
    });
  }

  start(): Promise<void> {
    return this.pool.start();
  }

  async listVoices(): Promise<VoiceInfo[]> {
    return ESPEAK_VOICES.map(({ espeakName: _espeakName, ...voice }) => voice);
  }

  async synthesize(request: SynthesisRequest, signal?: AbortSignal): Promise<SynthesisResult> {
    const voice = validateSynthesisRequest(request, ESPEAK_VOICES, this.maxTextLength);

    if (request.text.trim() === '') {
      return emptyResult(this.sampleRate, signal);
    }

    const output = await this.pool.run({ text: request.text, espeakName: voice.espeakName, rate: espeakRate(request.speed) }, signal);
    const pcm = new Int16Array(output.pcm);

    return {
      pcm,
      sampleRate: output.sampleRate,
      durationMs: (pcm.length / output.sampleRate) * 1000,
      visemes: output.visemes,
      words: output.words,
      phonemes: output.phonemes,
    };
  }

  /** Pool counters, for metrics and health checks. */
  stats(): WorkerPoolStats {
    return this.pool.stats();
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
