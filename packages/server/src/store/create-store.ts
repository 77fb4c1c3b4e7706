import pino from 'pino';
import type { OratorConfig } from '../config.js';
import type { EventBus } from './bus.js';
import { MemoryBus, MemoryStore } from './memory-store.js';
import { RedisBus, type BusLogger } from './redis-bus.js';
import { quit, RedisStore } from './redis-store.js';
import { createRedisClient, describeRedisUrl, parseRedisUrl, type RedisClient } from './redis/client.js';
import type { SessionStore } from './types.js';

/** How often each node looks for sessions whose speaking node died, in ms. */
export const ORPHAN_CHECK_INTERVAL_MS = 2_000;

export interface StoreAndBus {
  store: SessionStore;
  bus: EventBus;
  /** True when other nodes share the state (Redis); a lone node ends its sessions on shutdown. */
  shared: boolean;
}

export type StoreLogger = BusLogger & { info(object: object, message: string): void };

export class RedisConnectError extends Error {
  readonly code = 'REDIS_UNREACHABLE';
}

/**
 * Create the in-memory store and bus when `config.redisUrl` is unset, else connect the Redis ones
 * and subscribe. A failed connection rejects with RedisConnectError, which names the host but never
 * the password.
 */
export async function createStoreAndBus(
  config: Pick<OratorConfig, 'redisUrl' | 'redisKeyPrefix'>,
  log: StoreLogger = pino(),
): Promise<StoreAndBus> {
  if (!config.redisUrl) return { store: new MemoryStore(), bus: new MemoryBus(), shared: false };

  const target = parseRedisUrl(config.redisUrl);
  const where = describeRedisUrl(config.redisUrl);
  const client = createRedisClient(target);
  const subscriber = createRedisClient(target);
  logConnectionEvents(client, 'commands', where, log);
  logConnectionEvents(subscriber, 'pub/sub', where, log);

  try {
    await client.connect();
    await subscriber.connect();
  } catch (error) {
    client.disconnect();
    subscriber.disconnect();
    throw new RedisConnectError(`cannot connect to Redis at ${where}: ${(error as Error).message}`);
  }

  const store = new RedisStore(client, { prefix: config.redisKeyPrefix, ownsClient: true });
  let bus: RedisBus;
  try {
    bus = await RedisBus.start({ publisher: client, subscriber, prefix: config.redisKeyPrefix, log, ownsPublisher: false });
  } catch (error) {
    await quit(subscriber);
    await store.close();
    throw error;
  }

  store.startOrphanWatch(
    (sessionId, turnId) => bus.publishControl(sessionId, { type: 'turn-updated', turnId }),
    ORPHAN_CHECK_INTERVAL_MS,
    (error) => log.error({ err: error }, 'orphaned session check failed'),
  );
  log.info({ redis: where, prefix: config.redisKeyPrefix }, 'shared state in Redis');
  return { store, bus, shared: true };
}

function logConnectionEvents(client: RedisClient, role: string, where: string, log: StoreLogger): void {
  let down = false;
  client.on('error', (error: Error) => {
    if (down) return;
    down = true;
    log.error({ err: error, redis: where, role }, 'Redis connection error');
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    log.info({ redis: where, role }, 'Redis connection restored');
  });
}
