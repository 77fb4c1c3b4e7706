import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** The Redis every store test uses; only loopback. */
export const TEST_REDIS_URL = process.env.ORATOR_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Check that the test Redis replies to PING. Returns undefined when it does, else the reason to skip.
 * With CI=true an unreachable Redis is an error, so a CI run cannot pass by skipping.
 */
export async function redisSkipReason(): Promise<string | undefined> {
  const client = new Redis(TEST_REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (error) {
    const reason = `Redis is not reachable at ${TEST_REDIS_URL} (${(error as Error).message}); start redis-server to run these tests`;
    if (process.env.CI === 'true') throw new Error(`${reason}. CI=true, so this is a failure, not a skip.`, { cause: error });
    return reason;
  } finally {
    client.disconnect();
  }
}

/** Return a key prefix no other test run uses: `orator-test:<random>:<label>:`. */
export function uniquePrefix(label: string): string {
  return `orator-test:${randomBytes(6).toString('hex')}:${label}:`;
}

export function newClient(): Redis {
  return new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
}

/** Delete every key under the prefix. */
export async function deleteKeys(prefix: string): Promise<void> {
  const client = newClient();
  try {
    // The prefix is made by uniquePrefix, so it has no glob characters to escape.
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await client.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}

/** Keys under the prefix, for checks that nothing is left behind. */
export async function listKeys(prefix: string): Promise<string[]> {
  const client = newClient();
  try {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
    return found.sort();
  } finally {
    client.disconnect();
  }
}
