import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AvatarApiError, AvatarNetworkError, AvatarStateError } from '../src/errors.js';
import { DEFAULT_RETRY_CONFIG, backoffDelay, isRetryableError, resolveRetryConfig, withRetry, type RetryConfig } from '../src/retry.js';

const config: RetryConfig = { maxAttempts: 6, initialDelayMs: 100, maxDelayMs: 1000, backoffMultiplier: 3 };
const noJitter = (): number => 0.5;

test('backoff grows by the multiplier and caps', () => {
  const delays = [1, 2, 3, 4, 5].map((retry) => backoffDelay(config, retry, noJitter));
  assert.deepEqual(delays, [100, 300, 900, 1000, 1000]);
});

test('backoff jitter stays within 20 percent', () => {
  assert.equal(
    backoffDelay(config, 2, () => 0),
    240,
  );
  assert.equal(
    backoffDelay(config, 2, () => 1),
    360,
  );
  // The cap still applies with upward jitter.
  assert.equal(
    backoffDelay(config, 5, () => 1),
    1000,
  );
});

test('retry config defaults and validation', () => {
  assert.deepEqual(resolveRetryConfig(undefined), { ...DEFAULT_RETRY_CONFIG });
  assert.equal(resolveRetryConfig({ maxAttempts: 5 }).maxAttempts, 5);
  assert.throws(() => resolveRetryConfig({ maxAttempts: 0 }), /retryConfig.maxAttempts/);
  assert.throws(() => resolveRetryConfig({ backoffMultiplier: Number.NaN }), /retryConfig.backoffMultiplier/);
  assert.throws(() => resolveRetryConfig({ initialDelayMs: 2000, maxDelayMs: 1000 }), /maxDelayMs/);
});

test('retryable errors: network and 5xx only', () => {
  const cases: Array<[unknown, boolean]> = [
    [new AvatarNetworkError('offline'), true],
    [new AvatarApiError('Internal server error', 500), true],
    [new AvatarApiError('bad gateway', 502), true],
    [new AvatarApiError('Text is required', 400), false],
    [new AvatarApiError('Invalid or expired token', 401), false],
    [new AvatarApiError('Session ended', 410), false],
    [new AvatarStateError('no session'), false],
    [new Error('other'), false],
  ];
  for (const [error, expected] of cases) assert.equal(isRetryableError(error), expected, String(error));
});

test('withRetry retries 5xx with the schedule', async () => {
  const waits: number[] = [];
  let calls = 0;
  const result = await withRetry(
    async () => {
      calls++;
      if (calls < 3) throw new AvatarApiError('Internal server error', 503);
      return 'ok';
    },
    config,
    { sleep: async (ms) => void waits.push(ms), random: noJitter },
  );
  assert.equal(result, 'ok');
  assert.equal(calls, 3);
  assert.deepEqual(waits, [100, 300]);
});

test('withRetry never retries 4xx', async () => {
  let calls = 0;
  await assert.rejects(
    withRetry(
      async () => {
        calls++;
        throw new AvatarApiError('Insufficient permissions', 403);
      },
      config,
      { sleep: async () => {} },
    ),
    (error: unknown) => error instanceof AvatarApiError && error.status === 403,
  );
  assert.equal(calls, 1);
});

test('withRetry stops after maxAttempts', async () => {
  let calls = 0;
  await assert.rejects(
    withRetry(
      async () => {
        calls++;
        throw new AvatarNetworkError('offline');
      },
      { ...config, maxAttempts: 4 },
      { sleep: async () => {} },
    ),
    AvatarNetworkError,
  );
  assert.equal(calls, 4);
});
