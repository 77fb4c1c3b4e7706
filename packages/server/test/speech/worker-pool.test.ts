import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpeechError } from '../../src/speech/errors.js';
import { WorkerPool } from '../../src/speech/worker-pool.js';
import type { PoolTestJob } from './fixtures/pool-worker.js';

const SCRIPT = new URL('./fixtures/pool-worker.js', import.meta.url);

interface LogRecord {
  level: 'info' | 'warn' | 'error';
  obj: object;
  msg?: string;
}

function makePool(options: { size?: number; timeoutMs?: number; failInit?: boolean; maxQueue?: number } = {}) {
  const records: LogRecord[] = [];
  const logger = {
    info: (obj: object, msg?: string) => records.push({ level: 'info', obj, msg }),
    warn: (obj: object, msg?: string) => records.push({ level: 'warn', obj, msg }),
    error: (obj: object, msg?: string) => records.push({ level: 'error', obj, msg }),
  };
  const pool = new WorkerPool<{ failInit: boolean }, PoolTestJob, string>(SCRIPT, {
    name: 'pool-test',
    size: options.size ?? 1,
    timeoutMs: options.timeoutMs,
    maxQueue: options.maxQueue,
    workerOptions: { failInit: options.failInit ?? false },
    logger,
  });
  return { pool, records };
}

async function rejectsWithCode(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof SpeechError, `expected SpeechError, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  });
}

test('pool runs jobs and returns results', async () => {
  const { pool } = makePool({ size: 2 });
  try {
    const results = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((value) => pool.run({ action: 'echo', value })));
    assert.deepEqual(results, ['a', 'b', 'c', 'd', 'e']);

    await pool.start();
    assert.equal(pool.stats().ready, 2);
  } finally {
    await pool.close();
  }
});

test('pool replaces a crashed worker', async () => {
  const { pool, records } = makePool();
  try {
    await pool.start();
    await rejectsWithCode(pool.run({ action: 'crash' }), 'ENGINE_FAILED');

    assert.equal(await pool.run({ action: 'echo', value: 'after crash' }), 'after crash');
    assert.equal(pool.stats().restarts, 1);
    assert.ok(
      records.some((record) => record.level === 'error'),
      'the crash was not logged',
    );
  } finally {
    await pool.close();
  }
});

test('pool replaces a worker that exits', async () => {
  const { pool } = makePool();
  try {
    await rejectsWithCode(pool.run({ action: 'exit' }), 'ENGINE_FAILED');
    assert.equal(await pool.run({ action: 'echo', value: 'again' }), 'again');
  } finally {
    await pool.close();
  }
});

test('pool times out a hung worker and replaces it', async () => {
  const { pool, records } = makePool({ timeoutMs: 300 });
  try {
    await rejectsWithCode(pool.run({ action: 'hang' }), 'TIMEOUT');
    assert.equal(await pool.run({ action: 'echo', value: 'alive' }), 'alive');
    assert.ok(records.some((record) => record.level === 'warn'));
  } finally {
    await pool.close();
  }
});

test('pool passes handler error codes through', async () => {
  const { pool } = makePool();
  try {
    await rejectsWithCode(pool.run({ action: 'fail', code: 'UNKNOWN_VOICE' }), 'UNKNOWN_VOICE');
    await rejectsWithCode(pool.run({ action: 'fail', code: 'SOMETHING_ELSE' }), 'ENGINE_FAILED');
  } finally {
    await pool.close();
  }
});

test('pool aborts a running job through the cancel flag', async () => {
  const { pool } = makePool();
  try {
    await pool.start();
    const controller = new AbortController();
    const running = pool.run({ action: 'spin-until-cancelled' }, controller.signal);
    setTimeout(() => controller.abort(), 50);

    await rejectsWithCode(running, 'ABORTED');
    // The worker noticed the flag and is free again without a restart.
    assert.equal(await pool.run({ action: 'echo', value: 'free' }), 'free');
    assert.equal(pool.stats().restarts, 0);
  } finally {
    await pool.close();
  }
});

test('pool drops an aborted queued job', async () => {
  const { pool } = makePool();
  try {
    await pool.start();
    const blocker = new AbortController();
    const first = pool.run({ action: 'spin-until-cancelled' }, blocker.signal);
    const queuedController = new AbortController();
    const queued = pool.run({ action: 'echo', value: 'never' }, queuedController.signal);
    assert.equal(pool.stats().queued, 1);

    queuedController.abort();
    await rejectsWithCode(queued, 'ABORTED');
    assert.equal(pool.stats().queued, 0);

    blocker.abort();
    await rejectsWithCode(first, 'ABORTED');
  } finally {
    await pool.close();
  }
});

test('pool rejects an already aborted signal', async () => {
  const { pool } = makePool();
  try {
    await rejectsWithCode(pool.run({ action: 'echo', value: 'x' }, AbortSignal.abort()), 'ABORTED');
  } finally {
    await pool.close();
  }
});

test('pool rejects jobs beyond maxQueue', async () => {
  const { pool } = makePool({ maxQueue: 1 });
  try {
    await pool.start();
    const controller = new AbortController();
    const running = pool.run({ action: 'spin-until-cancelled' }, controller.signal);
    const waiting = pool.run({ action: 'echo', value: 'waits' });

    await rejectsWithCode(pool.run({ action: 'echo', value: 'too many' }), 'OVERLOADED');

    controller.abort();
    await rejectsWithCode(running, 'ABORTED');
    assert.equal(await waiting, 'waits');
  } finally {
    await pool.close();
  }
});

test('pool start fails when workers cannot initialise', async () => {
  const { pool } = makePool({ failInit: true });
  const queued = rejectsWithCode(pool.run({ action: 'echo', value: 'x' }), 'ENGINE_FAILED');

  await rejectsWithCode(pool.start(), 'ENGINE_FAILED');
  await queued;
  await rejectsWithCode(pool.run({ action: 'echo', value: 'y' }), 'ENGINE_FAILED');
});

test('pool close rejects waiting and running jobs', async () => {
  const { pool } = makePool();
  await pool.start();
  const running = rejectsWithCode(pool.run({ action: 'spin-until-cancelled' }), 'ENGINE_CLOSED');
  const waiting = rejectsWithCode(pool.run({ action: 'echo', value: 'queued' }), 'ENGINE_CLOSED');

  await pool.close();

  await running;
  await waiting;
  await rejectsWithCode(pool.run({ action: 'echo', value: 'late' }), 'ENGINE_CLOSED');
});
