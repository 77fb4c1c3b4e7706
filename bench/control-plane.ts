/**
 * Control plane: create-session and say-text throughput and latency at several concurrency levels,
 * with the in-memory store and the Redis store, next to a bare Fastify POST JSON route measured in
 * the same run by the same load generator. The servers run in child processes and use the test
 * speech engine, so synthesis does not take CPU from request handling.
 */
import { Api } from './lib/api.js';
import { startBareFastify, startServerChild, type ServerChild } from './lib/child.js';
import { keepAliveAgent, request } from './lib/http.js';
import { runLoad, type LoadResult } from './lib/load.js';
import { redisAvailable, removeRedisKeys } from './lib/redis.js';
import { median, round } from './lib/stats.js';
import type { BenchOptions } from './options.js';

const SAY_TEXT = 'Hello there, this is a benchmark sentence.';

// say-text queues a turn, and a session queues at most 20. An untimed interrupt after every 10th
// say-text keeps each worker's session under that limit.
const INTERRUPT_EVERY = 10;

export type Target = 'bare-fastify' | 'memory' | 'redis';

export interface ControlPlaneRow {
  target: Target;
  operation: 'create-session' | 'say-text' | 'post-json';
  concurrency: number;
  runs: number;
  requestsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  errors: number;
  /** Median over runs of this row's req/s divided by the bare Fastify req/s of the same run and concurrency. */
  ratioToBare: number | null;
}

export interface ControlPlaneResult {
  requestsPerRun: number;
  runs: number;
  redis: 'measured' | string;
  rows: ControlPlaneRow[];
  raw: Array<{ run: number; target: Target; operation: string; result: LoadResult }>;
}

export async function benchControlPlane(options: BenchOptions, log: (line: string) => void): Promise<ControlPlaneResult> {
  const redisState = await redisAvailable();
  const redisPrefix = `orator-bench-${process.pid}-${Date.now()}:`;

  const servers: Partial<Record<Target, ServerChild>> = {};
  const bare = await startBareFastify();
  const raw: ControlPlaneResult['raw'] = [];
  try {
    servers.memory = await startServerChild({ engine: 'test', maxConcurrentSessions: 1_000_000 });
    if (redisState === 'ok') servers.redis = await startServerChild({ engine: 'test', maxConcurrentSessions: 1_000_000, redisPrefix });
    else log(`control plane: Redis rows skipped: ${redisState}`);

    const bareAgent = keepAliveAgent(64);
    const bareUrl = new URL('/echo', bare.baseUrl);
    const body = JSON.stringify({ text: SAY_TEXT });

    // Every run measures every target at every level back to back, so the ratios compare numbers
    // taken under the same background load of this noisy machine.
    for (let run = 0; run < options.controlRuns; run += 1) {
      for (const concurrency of options.concurrencyLevels) {
        const baseline = await runLoad({
          concurrency,
          total: options.controlRequests,
          timeLimitMs: options.loadTimeLimitMs,
          timed: async () => expectOk(await request(bareAgent, bareUrl, { body })),
        });
        raw.push({ run, target: 'bare-fastify', operation: 'post-json', result: baseline });

        for (const target of ['memory', 'redis'] as const) {
          const server = servers[target];
          if (!server) continue;
          const api = new Api(server, 64);
          try {
            const created = await runLoad({
              concurrency,
              total: options.controlRequests,
              timeLimitMs: options.loadTimeLimitMs,
              timed: async () => void (await api.createSession()),
            });
            raw.push({ run, target, operation: 'create-session', result: created });

            const sessions = await api.createSessions(concurrency, concurrency);
            const said = await runLoad({
              concurrency,
              total: options.controlRequests,
              timeLimitMs: options.loadTimeLimitMs,
              timed: (worker) => api.sayText(sessions[worker]!, SAY_TEXT),
              after: async (worker, index) => {
                if ((index + 1) % INTERRUPT_EVERY === 0) await api.interrupt(sessions[worker]!);
              },
            });
            raw.push({ run, target, operation: 'say-text', result: said });
            for (const session of sessions) await api.interrupt(session);
          } finally {
            api.close();
          }
        }
        log(`control plane: run ${run + 1}/${options.controlRuns}, concurrency ${concurrency} done`);
      }
    }
    bareAgent.destroy();
  } finally {
    await bare.stop();
    await servers.memory?.stop();
    await servers.redis?.stop();
    if (servers.redis) log(`control plane: removed ${await removeRedisKeys(redisPrefix)} Redis keys with prefix ${redisPrefix}`);
  }

  return {
    requestsPerRun: options.controlRequests,
    runs: options.controlRuns,
    redis: redisState === 'ok' ? 'measured' : `skipped: ${redisState}`,
    rows: summarize(raw, options),
    raw,
  };
}

function summarize(raw: ControlPlaneResult['raw'], options: BenchOptions): ControlPlaneRow[] {
  const rows: ControlPlaneRow[] = [];
  const series: Array<[Target, ControlPlaneRow['operation']]> = [
    ['bare-fastify', 'post-json'],
    ['memory', 'create-session'],
    ['memory', 'say-text'],
    ['redis', 'create-session'],
    ['redis', 'say-text'],
  ];
  for (const [target, operation] of series) {
    for (const concurrency of options.concurrencyLevels) {
      const runs = raw.filter(
        (entry) => entry.target === target && entry.operation === operation && entry.result.concurrency === concurrency,
      );
      if (runs.length === 0) continue;
      const ratios = runs.map((entry) => {
        const base = raw.find(
          (other) => other.run === entry.run && other.target === 'bare-fastify' && other.result.concurrency === concurrency,
        );
        return base ? entry.result.requestsPerSecond / base.result.requestsPerSecond : Number.NaN;
      });
      rows.push({
        target,
        operation,
        concurrency,
        runs: runs.length,
        requestsPerSecond: round(median(runs.map((entry) => entry.result.requestsPerSecond)), 0),
        p50Ms: round(median(runs.map((entry) => entry.result.latencyMs.p50)), 2),
        p95Ms: round(median(runs.map((entry) => entry.result.latencyMs.p95)), 2),
        p99Ms: round(median(runs.map((entry) => entry.result.latencyMs.p99)), 2),
        errors: runs.reduce((sum, entry) => sum + entry.result.errors, 0),
        ratioToBare: target === 'bare-fastify' ? 1 : round(median(ratios), 3),
      });
    }
  }
  return rows;
}

function expectOk(response: { status: number; body: string }): void {
  if (response.status !== 200) throw new Error(`bare Fastify returned ${response.status}`);
}
