import { performance } from 'node:perf_hooks';
import { percentiles, type Percentiles } from './stats.js';

export interface LoadResult {
  concurrency: number;
  requests: number;
  errors: number;
  firstError?: string;
  wallMs: number;
  requestsPerSecond: number;
  latencyMs: Percentiles;
}

export interface LoadOptions {
  concurrency: number;
  /** Timed requests in total, over all workers. */
  total: number;
  /** The run stops early after this long, whatever the count. */
  timeLimitMs: number;
  /** One timed request by `worker`; `index` counts that worker's requests from 0. */
  timed: (worker: number, index: number) => Promise<void>;
  /** Untimed work after a worker's request (its time still counts in the wall time). */
  after?: (worker: number, index: number) => Promise<void>;
}

/** Closed-loop load: `concurrency` workers each send their next request when the last one returns. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let issued = 0;
  let errors = 0;
  let firstError: string | undefined;
  const start = performance.now();
  const deadline = start + options.timeLimitMs;

  const worker = async (id: number) => {
    for (let index = 0; issued < options.total && performance.now() < deadline; index += 1) {
      issued += 1;
      const sent = performance.now();
      try {
        await options.timed(id, index);
        latencies.push(performance.now() - sent);
        await options.after?.(id, index);
      } catch (error) {
        errors += 1;
        firstError ??= (error as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, id) => worker(id)));

  const wallMs = performance.now() - start;
  return {
    concurrency: options.concurrency,
    requests: latencies.length,
    errors,
    ...(firstError ? { firstError } : {}),
    wallMs,
    requestsPerSecond: (latencies.length / wallMs) * 1000,
    latencyMs: percentiles(latencies),
  };
}
