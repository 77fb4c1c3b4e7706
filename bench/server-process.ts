/**
 * Child process that runs one Orator server for the benchmarks, so the load generator and the
 * viewers in the parent process do not share its event loop. Built code from packages/server/dist
 * is used, as `npm start` does. Options come as JSON in BENCH_SERVER; the base URL, an ADMIN KS
 * and an avatar id go back over the IPC channel. Log lines go to standard output, which the parent
 * discards, so logging costs what it costs in production.
 */
import { buildServer } from '../packages/server/dist/app.js';
import { loadConfig } from '../packages/server/dist/config.js';
import { mintKs } from '../packages/server/dist/ks/index.js';
import { StaticPartnerRegistry, type Partner } from '../packages/server/dist/partners/index.js';
import { TestSpeechEngine } from '../packages/server/dist/speech/index.js';
import type { BuildOptions } from '../packages/server/dist/app.js';

export interface ServerProcessOptions {
  engine: 'espeak' | 'test';
  /** Set to use the Redis store and bus at 127.0.0.1:6379 with this key prefix. */
  redisPrefix?: string;
  maxConcurrentSessions: number;
  logLevel?: string;
}

export type ParentMessage = { type: 'memory' } | { type: 'stop' };

export type ChildMessage =
  | { type: 'ready'; baseUrl: string; adminKs: string; avatarId: string; voiceId: string }
  | { type: 'memory'; rss: number; heapUsed: number; external: number; arrayBuffers: number };

const PARTNER_SECRET = 'bench-secret-bench-secret-0123456';

async function main(): Promise<void> {
  const options = JSON.parse(process.env.BENCH_SERVER ?? '{}') as ServerProcessOptions;
  const partner: Partner = {
    id: 9100,
    name: 'Benchmark partner',
    adminSecrets: [PARTNER_SECRET],
    enabled: true,
    maxConcurrentSessions: options.maxConcurrentSessions,
    ksVersion: 2,
    ksMaxExpirySeconds: 86400,
  };

  // Idle and maximum session times are raised so no session ends in the middle of a measurement.
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    ORATOR_JWT_SECRET: 'bench-jwt-secret-bench-jwt-secret-0123',
    ORATOR_SPEECH_ENGINE: options.engine,
    ORATOR_IDLE_TIMEOUT_S: '3600',
    ORATOR_MAX_SESSION_S: '7200',
    LOG_LEVEL: options.logLevel ?? 'info',
  });

  const build: BuildOptions = { partners: new StaticPartnerRegistry([partner]) };
  if (options.engine === 'test') build.engine = new TestSpeechEngine();
  if (options.redisPrefix) {
    const { createStoreAndBus } = await import('../packages/server/dist/store/create-store.js');
    const shared = await createStoreAndBus({ redisUrl: 'redis://127.0.0.1:6379', redisKeyPrefix: options.redisPrefix });
    build.store = shared.store;
    build.bus = shared.bus;
  }

  const server = await buildServer(config, build);
  const baseUrl = await server.listen();
  const adminKs = mintKs({ partnerId: partner.id, adminSecret: PARTNER_SECRET, type: 2, userId: 'bench', expirySeconds: 7200 });
  const avatar = server.context.catalog.avatars[0]!;

  process.on('message', (message: ParentMessage) => {
    if (message.type === 'memory') {
      // --expose-gc is set by the parent so RSS is read after a full collection.
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      const usage = process.memoryUsage();
      send({ type: 'memory', rss: usage.rss, heapUsed: usage.heapUsed, external: usage.external, arrayBuffers: usage.arrayBuffers });
    } else if (message.type === 'stop') {
      void server.close().finally(() => process.exit(0));
    }
  });
  process.on('disconnect', () => void server.close().finally(() => process.exit(0)));
  send({ type: 'ready', baseUrl, adminKs, avatarId: avatar.id, voiceId: avatar.defaultVoiceId });
}

function send(message: ChildMessage): void {
  process.send?.(message);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench server failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
