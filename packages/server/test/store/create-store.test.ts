import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pino from 'pino';
import { createStoreAndBus, RedisConnectError } from '../../src/store/create-store.js';
import { MemoryBus, MemoryStore } from '../../src/store/memory-store.js';
import { RedisBus } from '../../src/store/redis-bus.js';
import { describeRedisUrl, parseRedisUrl, RedisUrlError } from '../../src/store/redis/client.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { deleteKeys, redisSkipReason, TEST_REDIS_URL, uniquePrefix } from './redis-harness.js';

const skip = await redisSkipReason();
const log = pino({ level: 'silent' });

describe('REDIS_URL parsing', () => {
  const valid: Array<{ url: string; expected: unknown }> = [
    { url: 'redis://127.0.0.1:6379', expected: { mode: 'standalone', url: 'redis://127.0.0.1:6379' } },
    { url: 'rediss://user:pw@cache.internal:6380/2', expected: { mode: 'standalone', url: 'rediss://user:pw@cache.internal:6380/2' } },
    {
      url: 'redis-sentinel://:s3cret@s1:26379,s2,s3:26380/mymaster/1',
      expected: {
        mode: 'sentinel',
        masterName: 'mymaster',
        sentinels: [
          { host: 's1', port: 26379 },
          { host: 's2', port: 26379 },
          { host: 's3', port: 26380 },
        ],
        options: { password: 's3cret', db: 1 },
      },
    },
    {
      url: 'rediss-cluster://app:pw@n1:7000,[::1]:7001',
      expected: {
        mode: 'cluster',
        nodes: [
          { host: 'n1', port: 7000 },
          { host: '::1', port: 7001 },
        ],
        options: { username: 'app', password: 'pw', tls: {} },
      },
    },
  ];
  for (const { url, expected } of valid) {
    test(`parses ${describeRedisUrl(url)}`, () => {
      assert.deepEqual(parseRedisUrl(url), expected);
    });
  }

  const invalid: Array<{ url: string; message: RegExp }> = [
    { url: 'http://127.0.0.1:6379', message: /must start with redis:\/\// },
    { url: 'redis-sentinel://s1:26379', message: /master name/ },
    { url: 'redis-sentinel://s1:26379/mymaster/99', message: /database/ },
    { url: 'redis-cluster://n1:7000/0', message: /no path/ },
    { url: 'redis-cluster://n1:99999', message: /invalid port/ },
  ];
  for (const { url, message } of invalid) {
    test(`rejects ${url}`, () => {
      assert.throws(
        () => parseRedisUrl(url),
        (error: unknown) => error instanceof RedisUrlError && message.test(error.message),
      );
    });
  }

  test('credentials are cut from descriptions', () => {
    assert.equal(describeRedisUrl('redis://user:hunter2@host:6379/0'), 'redis://host:6379/0');
    assert.equal(describeRedisUrl('redis-cluster://:hunter2@a:1,b:2'), 'redis-cluster://a:1,b:2');
  });
});

describe('store factory', () => {
  test('memory without REDIS_URL', async () => {
    const { store, bus, shared } = await createStoreAndBus({ redisUrl: undefined, redisKeyPrefix: 'orator:' }, log);
    assert.ok(store instanceof MemoryStore);
    assert.ok(bus instanceof MemoryBus);
    assert.equal(shared, false);
    await bus.close();
    await store.close();
  });

  test('redis with REDIS_URL', { skip }, async () => {
    const prefix = uniquePrefix('factory');
    const { store, bus, shared } = await createStoreAndBus({ redisUrl: TEST_REDIS_URL, redisKeyPrefix: prefix }, log);
    try {
      assert.ok(store instanceof RedisStore);
      assert.ok(bus instanceof RedisBus);
      assert.equal(shared, true);
      assert.equal(await store.countOpenSessions(), 0);
    } finally {
      await bus.close();
      await store.close();
      await deleteKeys(prefix);
    }
  });

  test('unreachable Redis names host, not password', async () => {
    // Port 1 on loopback has no listener, so the connection is refused at once.
    const attempt = createStoreAndBus({ redisUrl: 'redis://:hunter2@127.0.0.1:1', redisKeyPrefix: 'orator:' }, log);
    await assert.rejects(attempt, (error: unknown) => {
      assert.ok(error instanceof RedisConnectError);
      assert.match(error.message, /127\.0\.0\.1:1/);
      assert.doesNotMatch(error.message, /hunter2/);
      return true;
    });
  });
});
