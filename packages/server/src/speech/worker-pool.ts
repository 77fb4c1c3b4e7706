import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { SpeechLogger } from './engine.js';
import { SpeechError, type SpeechErrorCode } from './errors.js';
import type { PoolWorkerData, RunMessage, WorkerReply } from './worker-messages.js';

export interface WorkerPoolOptions<Options> {
  /** Name used in log records and error messages, for example `espeak`. */
  name: string;
  /** Number of worker threads; default min(2, available cores). */
  size?: number;
  /** Max time one job may run in a worker before the worker is replaced, in ms; default 30 000. */
  timeoutMs?: number;
  /** Max jobs waiting for a free worker; more are rejected with OVERLOADED. Default 1000. */
  maxQueue?: number;
  /** Passed to the worker's init function. Must be structured-cloneable. */
  workerOptions: Options;
  logger?: SpeechLogger;
}

export interface WorkerPoolStats {
  size: number;
  ready: number;
  busy: number;
  queued: number;
  /** Workers replaced after a crash, an init failure or a timeout since the pool started. */
  restarts: number;
}

interface Job<Payload, Result> {
  id: number;
  payload: Payload;
  resolve: (result: Result) => void;
  reject: (error: SpeechError) => void;
  /** True once the caller's promise is settled. A later reply from the worker is ignored. */
  settled: boolean;
  signal?: AbortSignal;
  onAbort?: () => void;
}

interface Slot<Payload, Result> {
  worker: Worker;
  cancelFlag: Int32Array;
  ready: boolean;
  /** True once the pool terminates the worker on purpose, so its exit is not a crash. */
  retiring: boolean;
  job?: Job<Payload, Result>;
  timer?: NodeJS.Timeout;
}

/** Consecutive failed replacements after which the pool stops and fails its queued jobs. */
const MAX_CONSECUTIVE_INIT_FAILURES = 3;
const RESPAWN_DELAY_MS = 500;

/**
 * A fixed-size pool of worker threads that run jobs one at a time each.
 *
 * The worker script is a module that calls `serveWorker`. When the pool itself runs from
 * TypeScript source (under tsx), it starts the worker's `.ts` file through tsx's register API,
 * so tests and `node --import tsx` work without a build. From compiled output it starts the `.js`
 * file directly.
 */
export class WorkerPool<Options, Payload, Result> {
  readonly size: number;
  private readonly timeoutMs: number;
  private readonly maxQueue: number;
  private readonly slots: Array<Slot<Payload, Result>> = [];
  private readonly queue: Array<Job<Payload, Result>> = [];
  private nextJobId = 1;
  private restarts = 0;
  private consecutiveInitFailures = 0;
  private startPromise?: Promise<void>;
  private started = false;
  private closed = false;
  private failure?: SpeechError;
  private readonly respawnTimers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly script: URL,
    private readonly options: WorkerPoolOptions<Options>,
  ) {
    this.size = options.size ?? Math.min(2, availableParallelism());
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxQueue = options.maxQueue ?? 1000;

    if (!Number.isInteger(this.size) || this.size < 1 || this.size > 64) {
      throw new RangeError(`${options.name}: pool size must be an integer from 1 to 64, got ${this.size}`);
    }
  }

  /** Start every worker and wait until all are ready; calling it again returns the same promise. */
  start(): Promise<void> {
    if (this.closed) {
      return Promise.reject(this.failure ?? this.closedError());
    }

    this.startPromise ??= Promise.all(Array.from({ length: this.size }, () => this.spawn())).then(
      () => {
        this.started = true;
        this.options.logger?.info({ engine: this.options.name, workers: this.size }, 'speech workers started');
      },
      async (error: unknown) => {
        this.failure = new SpeechError('ENGINE_FAILED', `${this.options.name}: worker failed to start: ${messageOf(error)}`, {
          cause: error,
        });
        await this.close();
        throw this.failure;
      },
    );
    return this.startPromise;
  }

  /**
   * Run one job; rejects with a {@link SpeechError}. The job is queued at once, so it keeps its
   * place even while the pool is still starting.
   */
  run(payload: Payload, signal?: AbortSignal): Promise<Result> {
    if (signal?.aborted) {
      return Promise.reject(abortedError());
    }

    if (this.closed || this.failure) {
      return Promise.reject(this.failure ?? this.closedError());
    }

    if (this.queue.length >= this.maxQueue) {
      return Promise.reject(
        new SpeechError('OVERLOADED', `${this.options.name}: ${this.queue.length} requests are already waiting; retry later`),
      );
    }

    const result = new Promise<Result>((resolve, reject) => {
      const job: Job<Payload, Result> = { id: this.nextJobId++, payload, resolve, reject, settled: false };

      if (signal) {
        job.signal = signal;
        job.onAbort = () => this.abort(job);
        signal.addEventListener('abort', job.onAbort, { once: true });
      }

      this.queue.push(job);
    });

    if (this.started) {
      this.dispatch();
    } else {
      // A failed start closes the pool, and closing rejects this job with the start error.
      this.start().then(
        () => this.dispatch(),
        () => undefined,
      );
    }
    return result;
  }

  stats(): WorkerPoolStats {
    return {
      size: this.size,
      ready: this.slots.filter((slot) => slot.ready).length,
      busy: this.slots.filter((slot) => slot.job).length,
      queued: this.queue.length,
      restarts: this.restarts,
    };
  }

  /** Terminate every worker; queued and running jobs reject with ENGINE_CLOSED. */
  async close(): Promise<void> {
    if (this.closed) {
      return;
    }

    this.closed = true;

    for (const timer of this.respawnTimers) {
      clearTimeout(timer);
    }
    this.respawnTimers.clear();

    const reason = this.failure ?? this.closedError();
    for (const job of this.queue.splice(0)) {
      this.settle(job, reason);
    }

    const terminations = this.slots.splice(0).map((slot) => {
      slot.retiring = true;
      clearTimeout(slot.timer);
      if (slot.job) {
        this.settle(slot.job, reason);
      }
      return slot.worker.terminate();
    });
    await Promise.allSettled(terminations);
    this.options.logger?.info({ engine: this.options.name }, 'speech workers stopped');
  }

  private spawn(): Promise<void> {
    const cancelFlag = new Int32Array(new SharedArrayBuffer(4));
    const workerData: PoolWorkerData<Options> = { cancelFlag: cancelFlag.buffer as SharedArrayBuffer, options: this.options.workerOptions };
    const worker = startWorker(this.script, workerData);
    const slot: Slot<Payload, Result> = { worker, cancelFlag, ready: false, retiring: false };
    this.slots.push(slot);

    return new Promise<void>((resolve, reject) => {
      worker.on('message', (reply: WorkerReply<Result>) => {
        if (reply.type === 'ready') {
          slot.ready = true;
          this.consecutiveInitFailures = 0;
          resolve();
          this.dispatch();
        } else if (reply.type === 'init-failed') {
          reject(new Error(reply.message));
          this.replace(slot, `init failed: ${reply.message}`);
        } else {
          this.finish(slot, reply);
        }
      });

      worker.on('error', (error) => {
        reject(error);
        this.replace(slot, `crashed: ${error.message}`);
      });

      worker.on('exit', (exitCode) => {
        reject(new Error(`exited with code ${exitCode} before it was ready`));
        this.replace(slot, `exited with code ${exitCode}`);
      });
    });
  }

  /** Drop a broken worker, fail its job and start a new one unless the pool is closing. */
  private replace(slot: Slot<Payload, Result>, reason: string): void {
    const index = this.slots.indexOf(slot);
    if (slot.retiring || index === -1) {
      return;
    }

    const wasReady = slot.ready;
    slot.retiring = true;
    clearTimeout(slot.timer);
    this.slots.splice(index, 1);
    void slot.worker.terminate();

    if (slot.job) {
      this.settle(slot.job, new SpeechError('ENGINE_FAILED', `${this.options.name}: synthesis worker ${reason}`));
      slot.job = undefined;
    }

    if (this.closed || !this.startPromise) {
      return;
    }

    this.restarts++;
    this.consecutiveInitFailures = wasReady ? 0 : this.consecutiveInitFailures + 1;
    this.options.logger?.error({ engine: this.options.name, reason, restarts: this.restarts }, 'speech worker failed; replacing it');

    if (this.consecutiveInitFailures >= MAX_CONSECUTIVE_INIT_FAILURES) {
      this.failPool(reason);
      return;
    }

    const delay = this.consecutiveInitFailures === 0 ? 0 : RESPAWN_DELAY_MS;
    const timer = setTimeout(() => {
      this.respawnTimers.delete(timer);
      this.spawn().catch(() => undefined);
    }, delay);
    this.respawnTimers.add(timer);
  }

  private failPool(reason: string): void {
    this.failure = new SpeechError('ENGINE_FAILED', `${this.options.name}: workers fail to start (${reason}); the engine is stopped`);
    this.options.logger?.error({ engine: this.options.name, reason }, 'speech workers keep failing to start; engine stopped');

    for (const job of this.queue.splice(0)) {
      this.settle(job, this.failure);
    }
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.retiring || slot.job) {
        continue;
      }

      const job = this.queue.shift();
      if (!job) {
        return;
      }

      slot.job = job;
      slot.timer = setTimeout(() => this.timeOut(slot), this.timeoutMs);
      const message: RunMessage<Payload> = { type: 'run', jobId: job.id, payload: job.payload };
      slot.worker.postMessage(message);
    }
  }

  private finish(slot: Slot<Payload, Result>, reply: Extract<WorkerReply<Result>, { jobId: number }>): void {
    const job = slot.job;
    if (!job || job.id !== reply.jobId) {
      return;
    }

    clearTimeout(slot.timer);
    slot.job = undefined;

    if (reply.type === 'result') {
      if (!job.settled) {
        job.settled = true;
        this.detach(job);
        job.resolve(reply.result);
      }
    } else {
      this.settle(job, new SpeechError(toCode(reply.code), `${this.options.name}: ${reply.message}`));
    }

    this.dispatch();
  }

  private timeOut(slot: Slot<Payload, Result>): void {
    const job = slot.job;
    if (job) {
      this.settle(job, new SpeechError('TIMEOUT', `${this.options.name}: synthesis took longer than ${this.timeoutMs} ms`));
      slot.job = undefined;
    }

    this.options.logger?.warn({ engine: this.options.name, timeoutMs: this.timeoutMs }, 'speech job timed out; replacing its worker');
    this.replace(slot, `timed out after ${this.timeoutMs} ms`);
  }

  /** Reject an aborted job now; a running job is also flagged so the worker can stop early. */
  private abort(job: Job<Payload, Result>): void {
    const queued = this.queue.indexOf(job);
    if (queued !== -1) {
      this.queue.splice(queued, 1);
    }

    const slot = this.slots.find((candidate) => candidate.job === job);
    if (slot) {
      Atomics.store(slot.cancelFlag, 0, job.id);
    }

    this.settle(job, abortedError());
  }

  private settle(job: Job<Payload, Result>, error: SpeechError): void {
    if (job.settled) {
      return;
    }

    job.settled = true;
    this.detach(job);
    job.reject(error);
  }

  private detach(job: Job<Payload, Result>): void {
    if (job.signal && job.onAbort) {
      job.signal.removeEventListener('abort', job.onAbort);
    }
  }

  private closedError(): SpeechError {
    return new SpeechError('ENGINE_CLOSED', `${this.options.name}: the speech engine is closed`);
  }
}

function startWorker<Options>(script: URL, workerData: PoolWorkerData<Options>): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(script, { workerData });
  }

  // Running from source: node cannot load a .ts worker entry by itself, and a worker's
  // `execArgv: ['--import', 'tsx']` does not take effect before the entry is resolved (Node 20),
  // so a tiny bootstrap registers tsx first and then imports the .ts file.
  const source = new URL(script.href.replace(/\.js$/, '.ts'));
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap =
    `import(${JSON.stringify(tsxApi)})` +
    `.then((tsx) => { tsx.register(); return import(${JSON.stringify(source.href)}); })` +
    `.catch((error) => { console.error(error); process.exit(1); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

const CODES: readonly SpeechErrorCode[] = [
  'UNKNOWN_VOICE',
  'TEXT_TOO_LONG',
  'INVALID_REQUEST',
  'ABORTED',
  'TIMEOUT',
  'OVERLOADED',
  'ENGINE_CLOSED',
  'ENGINE_FAILED',
];

function toCode(code: string): SpeechErrorCode {
  return (CODES as readonly string[]).includes(code) ? (code as SpeechErrorCode) : 'ENGINE_FAILED';
}

function abortedError(): SpeechError {
  return new SpeechError('ABORTED', 'speech request aborted');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
