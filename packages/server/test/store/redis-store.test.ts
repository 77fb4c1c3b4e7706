import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { RedisStore } from '../../src/store/redis-store.js';
import type { AppendResult, ChunkLimits } from '../../src/store/types.js';
import { makeRecord } from './contract.js';
import { deleteKeys, listKeys, newClient, redisSkipReason, uniquePrefix } from './redis-harness.js';

const skip = await redisSkipReason();
const LIMITS: ChunkLimits = { turnChars: 100_000, queuedTurns: 20 };

describe('redis store across nodes', { skip }, () => {
  const prefixes: string[] = [];
  const stores: RedisStore[] = [];
  after(async () => {
    for (const store of stores) await store.close();
    for (const prefix of prefixes) await deleteKeys(prefix);
  });

  /** `count` stores on separate connections sharing one fresh prefix, as separate nodes would. */
  function nodes(count: number): { prefix: string; stores: RedisStore[] } {
    const prefix = uniquePrefix('nodes');
    prefixes.push(prefix);
    const created = Array.from({ length: count }, () => new RedisStore(newClient(), { prefix }));
    stores.push(...created);
    return { prefix, stores: created };
  }

  test('quota holds under concurrent creates', async () => {
    const {
      stores: [a, b, c],
    } = nodes(3);
    const quota = 7;
    const attempts = 60;

    const results = await Promise.all(
      Array.from({ length: attempts }, (_, index) => [a!, b!, c!][index % 3]!.createSession(makeRecord({ partnerId: 31 }), quota)),
    );
    assert.equal(results.filter((result) => result.status === 'created').length, quota);
    assert.equal(results.filter((result) => result.status === 'quota-exceeded').length, attempts - quota);
    assert.equal(await a!.countOpenSessions(31), quota);
  });

  test('end racing chunks leaves no turn', async () => {
    const {
      stores: [a, b],
    } = nodes(2);

    for (let round = 0; round < 20; round += 1) {
      const record = makeRecord();
      await a!.createSession(record, 100);

      // Chunks from node A interleave with the end from node B; the end lands somewhere among them.
      const chunks = Array.from({ length: 12 }, (_, index) =>
        a!.appendChunk(record.id, { turnId: `t${index}`, text: 'Hello.', isFinal: true }, LIMITS, Date.now()),
      );
      const ended = b!.endSession(record.id, 'client', Date.now());
      const results = await Promise.all(chunks);
      assert.ok(await ended, `round ${round}: the end did not apply`);

      for (const result of results)
        assert.ok(result.status === 'appended' || result.status === 'session-ended', `round ${round}: ${result.status}`);
      assert.deepEqual(await b!.listPendingTurns(record.id), [], `round ${round}: turns left after the end`);
      for (let index = 0; index < 12; index += 1) assert.equal(await a!.getTurn(record.id, `t${index}`), undefined);

      const late = await a!.appendChunk(record.id, { turnId: 'late', text: 'Hi.', isFinal: true }, LIMITS, Date.now());
      assert.deepEqual(late, { status: 'session-ended' });
    }
  });

  test('chunks of one turn from two nodes', async () => {
    const {
      stores: [a, b],
    } = nodes(2);
    const record = makeRecord();
    await a!.createSession(record, 100);
    await a!.appendChunk(record.id, { turnId: 'stream', text: '<start>', isFinal: false }, LIMITS, Date.now());

    const pieces = Array.from({ length: 40 }, (_, index) => `[${index}]`);
    const results = await Promise.all(
      pieces.map((text, index) =>
        (index % 2 === 0 ? a! : b!).appendChunk(record.id, { turnId: 'stream', text, isFinal: false }, LIMITS, Date.now()),
      ),
    );

    // Each append returns the turn right after it landed, so its chunk count is its arrival position.
    const landed = results.map((result, index) => ({
      result: result as Extract<AppendResult, { status: 'appended' }>,
      text: pieces[index]!,
    }));
    for (const { result } of landed) assert.equal(result.status, 'appended');
    landed.sort((left, right) => left.result.turn.chunks - right.result.turn.chunks);
    assert.deepEqual(
      landed.map(({ result }) => result.turn.chunks),
      Array.from({ length: 40 }, (_, index) => index + 2),
    );

    const turn = await b!.getTurn(record.id, 'stream');
    assert.equal(turn?.text, `<start>${landed.map(({ text }) => text).join('')}`);
    assert.equal(turn?.chunks, 41);
    for (const { result } of landed)
      assert.ok(turn!.text.startsWith(result.turn.text), 'a returned text is not a prefix of the final text');
  });

  test('interrupt from another node', async () => {
    const {
      stores: [a, b],
    } = nodes(2);
    const record = makeRecord();
    await a!.createSession(record, 100);
    for (const turnId of ['one', 'two', 'three'])
      await a!.appendChunk(record.id, { turnId, text: `${turnId}.`, isFinal: true }, LIMITS, Date.now());
    assert.equal(await a!.startTurn(record.id, 'one'), true);

    const [interrupt, late] = await Promise.all([
      b!.interruptTurns(record.id),
      a!.appendChunk(record.id, { turnId: 'four', text: 'four.', isFinal: true }, LIMITS, Date.now()),
    ]);
    assert.equal(interrupt.current?.turnId, 'one');
    const pending = await a!.listPendingTurns(record.id);
    // The new turn either came before the interrupt (and was dropped) or after it (and waits).
    if (interrupt.dropped.some((turn) => turn.turnId === 'four')) assert.deepEqual(pending, []);
    else
      assert.deepEqual(
        pending.map((turn) => turn.turnId),
        ['four'],
      );
    assert.equal(late.status, 'appended');
  });

  test('speech lease is owner checked', async () => {
    const {
      stores: [a, b],
    } = nodes(2);
    const sessionId = randomUUID();

    assert.equal(await a!.acquireSpeechLease(sessionId, 'node-a', 60_000), true);
    assert.equal(await b!.acquireSpeechLease(sessionId, 'node-b', 60_000), false);
    assert.equal(await a!.acquireSpeechLease(sessionId, 'node-a', 60_000), true, 'the owner renews');

    await b!.releaseSpeechLease(sessionId, 'node-b');
    assert.equal(await b!.acquireSpeechLease(sessionId, 'node-b', 60_000), false, 'a release by another node is ignored');

    await a!.releaseSpeechLease(sessionId, 'node-a');
    assert.equal(await b!.acquireSpeechLease(sessionId, 'node-b', 60_000), true);
  });

  test('concurrent lease takes have one winner', async () => {
    const { stores } = nodes(3);
    const sessionId = randomUUID();

    const wins = await Promise.all(
      Array.from({ length: 30 }, (_, index) => stores[index % 3]!.acquireSpeechLease(sessionId, `node-${index}`, 60_000)),
    );
    assert.equal(wins.filter(Boolean).length, 1);
  });

  test('lapsed lease goes to another node', async () => {
    const {
      stores: [a, b],
    } = nodes(2);
    const sessionId = randomUUID();

    assert.equal(await a!.acquireSpeechLease(sessionId, 'node-a', 50), true);
    let taken = false;
    for (let attempt = 0; attempt < 50 && !taken; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      taken = await b!.acquireSpeechLease(sessionId, 'node-b', 60_000);
    }
    assert.equal(taken, true);
    assert.equal(await a!.acquireSpeechLease(sessionId, 'node-a', 60_000), false, 'the old owner cannot renew');
  });

  test('orphaned sessions are found', async () => {
    const {
      stores: [a],
    } = nodes(1);
    const orphan = makeRecord();
    const owned = makeRecord();
    const idle = makeRecord();
    for (const record of [orphan, owned, idle]) await a!.createSession(record, 100);
    await a!.appendChunk(orphan.id, { turnId: 'o1', text: 'Hi.', isFinal: true }, LIMITS, Date.now());
    await a!.appendChunk(owned.id, { turnId: 'w1', text: 'Hi.', isFinal: true }, LIMITS, Date.now());
    await a!.acquireSpeechLease(owned.id, 'node-a', 60_000);

    assert.deepEqual(await a!.listOrphanedSessions(10), [{ sessionId: orphan.id, turnId: 'o1' }]);
  });

  test('every key has a TTL', async () => {
    const {
      prefix,
      stores: [a],
    } = nodes(1);
    const record = makeRecord();
    await a!.createSession(record, 100);
    await a!.touchSession(record.id, Date.now());
    await a!.appendChunk(record.id, { turnId: 't1', text: 'Hi.', isFinal: true }, LIMITS, Date.now());
    await a!.appendChunk(record.id, { turnId: 't2', text: 'Hi.', isFinal: true }, LIMITS, Date.now());
    await a!.finishTurn(record.id, 't1', 'done', 3);
    await a!.putTurnAudio(record.id, 'snd', new Uint8Array([1, 2]), 60_000);
    await a!.acquireSpeechLease(record.id, 'node-a', 60_000);
    await a!.revokeKs([`k-${randomUUID()}`], Date.now() + 60_000);
    await a!.hitRateLimit('addr:test', 5, 60_000);

    const client = newClient();
    try {
      const keys = await listKeys(prefix);
      assert.ok(keys.length >= 10, `only ${keys.length} keys: ${keys.join(', ')}`);
      for (const key of keys) {
        // The deadline index is one key for all sessions; its entries go when sessions end.
        if (key === a!.keys.deadlines()) continue;
        const ttl = await client.pttl(key);
        assert.ok(ttl > 0, `${key} has no TTL (${ttl})`);
      }
    } finally {
      client.disconnect();
    }
  });

  test('ended session keeps only its record', async () => {
    const {
      prefix,
      stores: [a],
    } = nodes(1);
    const record = makeRecord();
    await a!.createSession(record, 100);
    await a!.appendChunk(record.id, { turnId: 't1', text: 'Hi.', isFinal: true }, LIMITS, Date.now());
    await a!.putTurnAudio(record.id, 'snd', new Uint8Array([1, 2]), 60_000);
    await a!.endSession(record.id, 'client', Date.now());

    assert.deepEqual(await listKeys(prefix), [a!.keys.session(record.id)]);
    const client = newClient();
    try {
      const expireAt = await client.pexpiretime(a!.keys.session(record.id));
      assert.equal(expireAt, record.tokenExpiresAt);
    } finally {
      client.disconnect();
    }
  });

  test('stale index entries are repaired', async () => {
    const {
      stores: [a],
    } = nodes(1);
    const record = makeRecord({ lastActivityAt: Date.now() - 120_000 });
    await a!.createSession(record, 100);

    // A node that died between the record's end and the index update left the entry behind.
    const client = newClient();
    try {
      await client.hset(a!.keys.session(record.id), 'state', 'ended');
      assert.deepEqual(await a!.listExpiredSessions(Date.now(), 10), []);
      assert.equal(await client.zscore(a!.keys.deadlines(), record.id), null);
    } finally {
      client.disconnect();
    }
  });

  test('key prefix with braces is rejected', () => {
    const client = newClient();
    try {
      assert.throws(() => new RedisStore(client, { prefix: 'bad{x}:' }), /must not contain/);
    } finally {
      client.disconnect();
    }
  });
});
