import { Redis } from 'ioredis';

const REDIS_HOST = '127.0.0.1';
const REDIS_PORT = 6379;

function connect(): Redis {
  return new Redis({ host: REDIS_HOST, port: REDIS_PORT, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
}

/** Return 'ok' when Redis replies to PING at 127.0.0.1:6379, else the reason it is unavailable. */
export async function redisAvailable(): Promise<'ok' | string> {
  const client = connect();
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return 'ok';
  } catch (error) {
    return `Redis at ${REDIS_HOST}:${REDIS_PORT} is not reachable (${(error as Error).message})`;
  } finally {
    client.disconnect();
  }
}

/** Delete every key under `prefix`; returns how many were deleted. */
export async function removeRedisKeys(prefix: string): Promise<number> {
  const client = connect();
  client.on('error', () => undefined);
  let removed = 0;
  try {
    await client.connect();
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) removed += await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
  return removed;
}
