import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import type { EventBus, StreamEvent } from '../../src/store/bus.js';
import type { ChunkLimits, SessionRecord, SessionStore } from '../../src/store/types.js';

/** A store under test and how to dispose of it. */
export interface StoreFixture {
  store: SessionStore;
  close(): Promise<void>;
}

/** Two buses that share events (two nodes), or the same bus twice in memory. */
export interface BusFixture {
  a: EventBus;
  b: EventBus;
  close(): Promise<void>;
}

const LIMITS: ChunkLimits = { turnChars: 100, queuedTurns: 3 };
const HOUR = 3_600_000;

export function makeRecord(overrides: Partial<SessionRecord> = {}): SessionRecord {
  const now = Date.now();
  return {
    id: randomUUID(),
    partnerId: 101,
    avatarId: 'avatar-1',
    voiceId: 'voice-1',
    speed: 1.25,
    state: 'created',
    createdAt: now,
    expiresAt: now + HOUR,
    lastActivityAt: now,
    idleTimeoutMs: 60_000,
    tokenExpiresAt: now + HOUR,
    ...overrides,
  };
}

/**
 * The behaviour every SessionStore must show, as MemoryStore defines it. `open` makes a fresh,
 * empty store for each test.
 */
export function storeContract(name: string, open: () => Promise<StoreFixture>, options: { skip?: string } = {}): void {
  describe(`${name} store contract`, { skip: options.skip }, () => {
    const fixtures: StoreFixture[] = [];
    after(async () => {
      for (const fixture of fixtures) await fixture.close();
    });

    async function fresh(): Promise<SessionStore> {
      const fixture = await open();
      fixtures.push(fixture);
      return fixture.store;
    }

    async function withSession(store: SessionStore, overrides: Partial<SessionRecord> = {}): Promise<SessionRecord> {
      const record = makeRecord(overrides);
      assert.deepEqual(await store.createSession(record, 100), { status: 'created' });
      return record;
    }

    test('session round trip', async () => {
      const store = await fresh();
      const record = await withSession(store);

      assert.deepEqual(await store.getSession(record.id), record);
      assert.equal(await store.getSession(randomUUID()), undefined);
    });

    test('quota per partner', async () => {
      const store = await fresh();
      const first = makeRecord({ partnerId: 7 });
      const second = makeRecord({ partnerId: 7 });

      assert.deepEqual(await store.createSession(first, 2), { status: 'created' });
      assert.deepEqual(await store.createSession(second, 2), { status: 'created' });
      assert.deepEqual(await store.createSession(makeRecord({ partnerId: 7 }), 2), { status: 'quota-exceeded', limit: 2 });
      assert.deepEqual(await store.createSession(makeRecord({ partnerId: 8 }), 2), { status: 'created' });
      assert.equal(await store.countOpenSessions(7), 2);
      assert.equal(await store.countOpenSessions(8), 1);
      assert.equal(await store.countOpenSessions(), 3);

      await store.endSession(first.id, 'client', Date.now());
      assert.equal(await store.countOpenSessions(7), 1);
      assert.deepEqual(await store.createSession(makeRecord({ partnerId: 7 }), 2), { status: 'created' });
    });

    test('quota of zero refuses', async () => {
      const store = await fresh();
      assert.deepEqual(await store.createSession(makeRecord(), 0), { status: 'quota-exceeded', limit: 0 });
    });

    test('concurrent creates respect quota', async () => {
      const store = await fresh();
      const results = await Promise.all(Array.from({ length: 40 }, () => store.createSession(makeRecord({ partnerId: 9 }), 5)));

      assert.equal(results.filter((result) => result.status === 'created').length, 5);
      assert.equal(await store.countOpenSessions(9), 5);
    });

    test('touch moves activity forward only', async () => {
      const store = await fresh();
      const record = await withSession(store);

      await store.touchSession(record.id, record.lastActivityAt + 5_000);
      let stored = await store.getSession(record.id);
      assert.equal(stored?.state, 'active');
      assert.equal(stored?.lastActivityAt, record.lastActivityAt + 5_000);

      await store.touchSession(record.id, record.lastActivityAt + 1_000);
      stored = await store.getSession(record.id);
      assert.equal(stored?.lastActivityAt, record.lastActivityAt + 5_000);

      await store.touchSession(randomUUID(), Date.now());
    });

    test('touch leaves an ended session ended', async () => {
      const store = await fresh();
      const record = await withSession(store);
      await store.endSession(record.id, 'client', Date.now());

      await store.touchSession(record.id, Date.now() + 1_000);
      assert.equal((await store.getSession(record.id))?.state, 'ended');
    });

    test('end happens once', async () => {
      const store = await fresh();
      const record = await withSession(store);
      const at = Date.now();

      const ended = await store.endSession(record.id, 'idle_timeout', at);
      assert.deepEqual(ended, { ...record, state: 'ended', endedAt: at, endReason: 'idle_timeout' });
      assert.equal(await store.endSession(record.id, 'client', at + 1), undefined);
      assert.equal(await store.endSession(randomUUID(), 'client', at), undefined);

      // The ended record stays readable so the token gets 410 rather than 404.
      assert.deepEqual(await store.getSession(record.id), ended);
      assert.equal(await store.countOpenSessions(), 0);
      assert.deepEqual(await store.listOpenSessionIds(10), []);
    });

    test('end drops turns and refuses chunks', async () => {
      const store = await fresh();
      const record = await withSession(store);
      await store.appendChunk(record.id, { turnId: 't1', text: 'Hello', isFinal: true }, LIMITS, Date.now());
      await store.putTurnAudio(record.id, 't2', new Uint8Array([1, 2, 3]), 60_000);

      await store.endSession(record.id, 'client', Date.now());
      assert.deepEqual(await store.listPendingTurns(record.id), []);
      assert.equal(await store.getTurn(record.id, 't1'), undefined);
      assert.equal(await store.getTurnAudio(record.id, 't2'), undefined);
      assert.deepEqual(await store.appendChunk(record.id, { turnId: 't3', text: 'Hi', isFinal: true }, LIMITS, Date.now()), {
        status: 'session-ended',
      });
    });

    test('append to unknown session', async () => {
      const store = await fresh();
      const result = await store.appendChunk(randomUUID(), { turnId: 't1', text: 'Hi', isFinal: true }, LIMITS, Date.now());
      assert.deepEqual(result, { status: 'session-not-found' });
    });

    test('expired sessions are listed', async () => {
      const store = await fresh();
      const now = Date.now();
      const idle = await withSession(store, { lastActivityAt: now - 61_000 });
      const old = await withSession(store, { createdAt: now - 2 * HOUR, expiresAt: now - 1 });
      const recent = await withSession(store);
      const touched = await withSession(store, { lastActivityAt: now - 61_000 });
      await store.touchSession(touched.id, now);
      const ended = await withSession(store, { lastActivityAt: now - 61_000 });
      await store.endSession(ended.id, 'client', now);

      const expired = await store.listExpiredSessions(now, 10);
      assert.deepEqual(expired.map((record) => record.id).sort(), [idle.id, old.id].sort());
      assert.ok(!expired.some((record) => record.id === recent.id));
      assert.equal((await store.listExpiredSessions(now, 1)).length, 1);
    });

    test('open session ids', async () => {
      const store = await fresh();
      const open = await withSession(store);
      const ended = await withSession(store);
      await store.endSession(ended.id, 'client', Date.now());

      assert.deepEqual(await store.listOpenSessionIds(10), [open.id]);
      assert.deepEqual(await store.listOpenSessionIds(0), []);
    });

    test('chunks build one turn', async () => {
      const store = await fresh();
      const { id } = await withSession(store);
      const at = Date.now();

      const first = await store.appendChunk(id, { turnId: 'a', text: 'Hello, ', isFinal: false }, LIMITS, at);
      if (first.status !== 'appended') assert.fail(`first chunk: ${first.status}`);
      assert.equal(first.created, true);
      assert.deepEqual(first.turn, {
        turnId: 'a',
        kind: 'text',
        number: 1,
        text: 'Hello, ',
        chunks: 1,
        isFinal: false,
        state: 'queued',
        createdAt: at,
        spokenChars: 0,
      });

      const second = await store.appendChunk(id, { turnId: 'a', text: 'world.', isFinal: true }, LIMITS, at + 5);
      if (second.status !== 'appended') assert.fail(`second chunk: ${second.status}`);
      assert.equal(second.created, false);
      assert.equal(second.turn.text, 'Hello, world.');
      assert.equal(second.turn.chunks, 2);

      const other = await store.appendChunk(id, { turnId: 'b', text: 'Next.', isFinal: true }, LIMITS, at + 6);
      assert.equal(other.status === 'appended' && other.turn.number, 2);
      assert.deepEqual(
        (await store.listPendingTurns(id)).map((turn) => turn.turnId),
        ['a', 'b'],
      );
      assert.equal((await store.getTurn(id, 'a'))?.text, 'Hello, world.');
    });

    test('text with any characters survives', async () => {
      const store = await fresh();
      const { id } = await withSession(store);
      const text = 'Ünïcödé 👋 "quotes" \\ back/slash \n new line \u0000 nul {"json": [1]}';

      await store.appendChunk(id, { turnId: 'u', text, isFinal: false }, { ...LIMITS, turnChars: 1000 }, Date.now());
      await store.appendChunk(id, { turnId: 'u', text: ' 🎉', isFinal: true }, { ...LIMITS, turnChars: 1000 }, Date.now());
      assert.equal((await store.getTurn(id, 'u'))?.text, `${text} 🎉`);
    });

    test('turn length counts UTF-16 units', async () => {
      const store = await fresh();
      const { id } = await withSession(store);
      const limits = { ...LIMITS, turnChars: 4 };

      // Each emoji is two UTF-16 code units and four UTF-8 bytes.
      assert.equal((await store.appendChunk(id, { turnId: 'e', text: '👋', isFinal: false }, limits, Date.now())).status, 'appended');
      assert.equal((await store.appendChunk(id, { turnId: 'e', text: '👋', isFinal: false }, limits, Date.now())).status, 'appended');
      assert.deepEqual(await store.appendChunk(id, { turnId: 'e', text: 'x', isFinal: true }, limits, Date.now()), {
        status: 'turn-too-long',
        turnId: 'e',
        maxChars: 4,
      });
    });

    const verdicts: Array<{
      name: string;
      setup: Array<{ turnId: string; text: string; isFinal: boolean; seq?: number; kind?: 'audio' }>;
      chunk: { turnId: string; text: string; isFinal: boolean; seq?: number; kind?: 'audio' };
      expected: unknown;
    }> = [
      {
        name: 'final turn refuses more',
        setup: [{ turnId: 't', text: 'a', isFinal: true }],
        chunk: { turnId: 't', text: 'b', isFinal: true },
        expected: { status: 'turn-final', turnId: 't' },
      },
      {
        name: 'first seq must be 0',
        setup: [],
        chunk: { turnId: 't', text: 'a', isFinal: false, seq: 1 },
        expected: { status: 'seq-gap', turnId: 't', expectedSeq: 0 },
      },
      {
        name: 'seq gap names next',
        setup: [{ turnId: 't', text: 'a', isFinal: false, seq: 0 }],
        chunk: { turnId: 't', text: 'c', isFinal: false, seq: 2 },
        expected: { status: 'seq-gap', turnId: 't', expectedSeq: 1 },
      },
      {
        name: 'new turn too long',
        setup: [],
        chunk: { turnId: 't', text: 'x'.repeat(101), isFinal: true },
        expected: { status: 'turn-too-long', turnId: 't', maxChars: 100 },
      },
      {
        name: 'grown turn too long',
        setup: [{ turnId: 't', text: 'x'.repeat(60), isFinal: false }],
        chunk: { turnId: 't', text: 'y'.repeat(41), isFinal: true },
        expected: { status: 'turn-too-long', turnId: 't', maxChars: 100 },
      },
      {
        name: 'queue full',
        setup: [
          { turnId: 'q1', text: 'a', isFinal: true },
          { turnId: 'q2', text: 'a', isFinal: true },
          { turnId: 'q3', text: 'a', isFinal: true },
        ],
        chunk: { turnId: 'q4', text: 'a', isFinal: true },
        expected: { status: 'queue-full', maxTurns: 3 },
      },
      {
        name: 'audio needs new id',
        setup: [{ turnId: 't', text: 'a', isFinal: false }],
        chunk: { turnId: 't', text: '', isFinal: true, kind: 'audio' },
        expected: { status: 'turn-final', turnId: 't' },
      },
    ];
    for (const verdict of verdicts) {
      test(`append verdict: ${verdict.name}`, async () => {
        const store = await fresh();
        const { id } = await withSession(store);
        for (const chunk of verdict.setup) assert.equal((await store.appendChunk(id, chunk, LIMITS, Date.now())).status, 'appended');

        assert.deepEqual(await store.appendChunk(id, verdict.chunk, LIMITS, Date.now()), verdict.expected);
      });
    }

    test('repeated seq is a duplicate', async () => {
      const store = await fresh();
      const { id } = await withSession(store);
      await store.appendChunk(id, { turnId: 't', text: 'one ', isFinal: false, seq: 0 }, LIMITS, Date.now());
      await store.appendChunk(id, { turnId: 't', text: 'two', isFinal: false, seq: 1 }, LIMITS, Date.now());

      const again = await store.appendChunk(id, { turnId: 't', text: 'one ', isFinal: false, seq: 0 }, LIMITS, Date.now());
      assert.equal(again.status, 'duplicate');
      assert.equal(again.status === 'duplicate' && again.turn.text, 'one two');
    });

    test('audio turn is complete', async () => {
      const store = await fresh();
      const { id } = await withSession(store);

      const result = await store.appendChunk(id, { turnId: 'snd', kind: 'audio', text: '', isFinal: true }, LIMITS, Date.now());
      assert.equal(result.status === 'appended' && result.turn.kind, 'audio');
      assert.equal(result.status === 'appended' && result.turn.isFinal, true);
    });

    test('turn lifecycle', async () => {
      const store = await fresh();
      const { id } = await withSession(store);
      await store.appendChunk(id, { turnId: 't', text: 'Hello there.', isFinal: true }, LIMITS, Date.now());

      assert.equal(await store.startTurn(id, 't'), true);
      assert.equal(await store.startTurn(id, 't'), false);
      assert.equal(await store.startTurn(id, 'missing'), false);
      assert.equal((await store.getTurn(id, 't'))?.state, 'speaking');

      await store.setSpokenChars(id, 't', 6);
      await store.setSpokenChars(id, 't', 3);
      assert.equal((await store.getTurn(id, 't'))?.spokenChars, 6);

      await store.finishTurn(id, 't', 'done', 12);
      assert.deepEqual(await store.listPendingTurns(id), []);
      assert.equal((await store.getTurn(id, 't'))?.state, 'done');
      assert.equal((await store.getTurn(id, 't'))?.spokenChars, 12);

      // A finished turn stays finished.
      await store.finishTurn(id, 't', 'lost', 0);
      assert.equal((await store.getTurn(id, 't'))?.state, 'done');
    });

    test('lost turn leaves queue', async () => {
      const store = await fresh();
      const { id } = await withSession(store);
      await store.appendChunk(id, { turnId: 't', text: 'Hello.', isFinal: true }, LIMITS, Date.now());

      await store.finishTurn(id, 't', 'lost', 0);
      assert.equal((await store.getTurn(id, 't'))?.state, 'lost');
      assert.deepEqual(await store.listPendingTurns(id), []);
    });

    test('interrupt cuts current and queue', async () => {
      const store = await fresh();
      const { id } = await withSession(store);
      for (const turnId of ['a', 'b', 'c'])
        await store.appendChunk(id, { turnId, text: `${turnId}.`, isFinal: turnId !== 'c' }, LIMITS, Date.now());
      await store.startTurn(id, 'a');

      const result = await store.interruptTurns(id);
      assert.equal(result.current?.turnId, 'a');
      assert.deepEqual(
        result.dropped.map((turn) => turn.turnId),
        ['b', 'c'],
      );
      // The result shows the turns as they were before the interrupt.
      assert.equal(result.current?.state, 'speaking');
      assert.deepEqual(
        result.dropped.map((turn) => turn.state),
        ['queued', 'queued'],
      );
      assert.deepEqual(await store.listPendingTurns(id), []);
      for (const turnId of ['a', 'b', 'c']) assert.equal((await store.getTurn(id, turnId))?.state, 'interrupted');

      // A late chunk of an interrupted turn is dropped, and a new turn queues normally.
      assert.deepEqual(await store.appendChunk(id, { turnId: 'c', text: 'more', isFinal: true }, LIMITS, Date.now()), {
        status: 'dropped',
        turnId: 'c',
      });
      const next = await store.appendChunk(id, { turnId: 'd', text: 'New.', isFinal: true }, LIMITS, Date.now());
      assert.equal(next.status === 'appended' && next.turn.number, 4);
    });

    test('interrupt of idle session', async () => {
      const store = await fresh();
      const { id } = await withSession(store);
      for (const sessionId of [id, randomUUID()]) {
        const result = await store.interruptTurns(sessionId);
        assert.equal(result.current, undefined);
        assert.deepEqual(result.dropped, []);
      }
    });

    test('old finished turns are forgotten', async () => {
      const store = await fresh();
      const { id } = await withSession(store);
      for (let index = 0; index < 70; index += 1) {
        await store.appendChunk(id, { turnId: `t${index}`, text: 'x', isFinal: true }, LIMITS, Date.now());
        await store.finishTurn(id, `t${index}`, 'done', 1);
      }
      await store.appendChunk(id, { turnId: 'last', text: 'x', isFinal: true }, LIMITS, Date.now());

      assert.equal(await store.getTurn(id, 't0'), undefined);
      assert.equal((await store.getTurn(id, 't69'))?.state, 'done');
      assert.equal((await store.getTurn(id, 'last'))?.number, 71);
    });

    test('turn audio is binary safe', async () => {
      const store = await fresh();
      const { id } = await withSession(store);
      const pcm = new Uint8Array(4096);
      for (let index = 0; index < pcm.length; index += 1) pcm[index] = (index * 7) % 256;

      await store.putTurnAudio(id, 'snd', pcm.subarray(1, 4001), 60_000);
      assert.deepEqual(await store.getTurnAudio(id, 'snd'), pcm.subarray(1, 4001));
      assert.equal(await store.getTurnAudio(id, 'other'), undefined);
    });

    test('KS revocation until expiry', async () => {
      const store = await fresh();
      const now = Date.now();
      const tag = randomUUID();

      await store.revokeKs([`${tag}-a`, `${tag}-b`], now + 60_000);
      assert.equal(await store.isKsRevoked([`${tag}-x`, `${tag}-b`]), true);
      assert.equal(await store.isKsRevoked([`${tag}-x`]), false);
      assert.equal(await store.isKsRevoked([]), false);

      // An earlier expiry never shortens a revocation; one already past revokes nothing.
      await store.revokeKs([`${tag}-a`], now + 1_000);
      assert.equal(await store.isKsRevoked([`${tag}-a`]), true);
      await store.revokeKs([`${tag}-c`], now - 1);
      assert.equal(await store.isKsRevoked([`${tag}-c`]), false);
    });

    test('rate limit window', async () => {
      const store = await fresh();
      const key = `test:${randomUUID()}`;

      assert.deepEqual(await store.peekRateLimit(key, 3, 60_000), { allowed: true, retryAfterSeconds: 0 });
      for (let hit = 1; hit <= 3; hit += 1) assert.equal((await store.hitRateLimit(key, 3, 60_000)).allowed, true, `hit ${hit}`);

      const over = await store.hitRateLimit(key, 3, 60_000);
      assert.equal(over.allowed, false);
      assert.ok(over.retryAfterSeconds >= 1, `retry after ${over.retryAfterSeconds}`);
      assert.ok(over.retryAfterSeconds <= 60, `retry after ${over.retryAfterSeconds}`);

      const peek = await store.peekRateLimit(key, 3, 60_000);
      assert.equal(peek.allowed, false);
      assert.ok(peek.retryAfterSeconds >= 1);
      assert.equal((await store.peekRateLimit(key, 10, 60_000)).allowed, true);
    });
  });
}

/** The behaviour every EventBus must show; with two Redis buses it crosses nodes. */
export function busContract(name: string, open: () => Promise<BusFixture>, options: { skip?: string } = {}): void {
  describe(`${name} bus contract`, { skip: options.skip }, () => {
    const fixtures: BusFixture[] = [];
    after(async () => {
      for (const fixture of fixtures) await fixture.close();
    });

    async function fresh(): Promise<BusFixture> {
      const fixture = await open();
      fixtures.push(fixture);
      return fixture;
    }

    function collect(
      bus: EventBus,
      sessionId: string,
    ): Promise<{ events: StreamEvent[]; wait(count: number): Promise<void>; stop: () => void }> {
      const events: StreamEvent[] = [];
      let waiter: (() => void) | undefined;
      return bus
        .subscribeStream(sessionId, (event) => {
          events.push(event);
          waiter?.();
        })
        .then((stop) => ({
          events,
          stop,
          wait: (count: number) =>
            new Promise<void>((resolve, reject) => {
              const timer = setTimeout(
                () => reject(new Error(`timed out waiting for ${count} stream events, got ${events.length}`)),
                5_000,
              );
              const check = () => {
                if (events.length < count) return;
                clearTimeout(timer);
                resolve();
              };
              waiter = check;
              check();
            }),
        }));
    }

    test('control events reach every node', async () => {
      const { a, b } = await fresh();
      const sessionId = randomUUID();
      const receive = (bus: EventBus) =>
        new Promise<unknown>((resolve) => {
          bus.onControl((id, event) => {
            if (id === sessionId) resolve(event);
          });
        });
      const onA = receive(a);
      const onB = receive(b);

      // The publishing node receives its own event too: its speaker may be the one to act on it.
      await a.publishControl(sessionId, { type: 'turn-updated', turnId: 't1' });
      assert.deepEqual(await onB, { type: 'turn-updated', turnId: 't1' });
      assert.deepEqual(await onA, { type: 'turn-updated', turnId: 't1' });
    });

    test('stream carries audio bytes unchanged', async () => {
      const { a, b } = await fresh();
      const sessionId = randomUUID();
      const viewer = await collect(b, sessionId);

      // Subscribed means acknowledged: a publish right after must arrive.
      const frame = new Uint8Array(512);
      for (let index = 0; index < frame.length; index += 1) frame[index] = index % 256;
      a.publishStream(sessionId, { kind: 'message', message: { type: 'speaking-end' } });
      a.publishStream(sessionId, { kind: 'audio', frame });
      await viewer.wait(2);

      assert.deepEqual(viewer.events[0], { kind: 'message', message: { type: 'speaking-end' } });
      const audio = viewer.events[1]!;
      assert.equal(audio.kind, 'audio');
      assert.deepEqual(audio.kind === 'audio' ? Uint8Array.from(audio.frame) : undefined, frame);
    });

    test('unsubscribe stops one handler', async () => {
      const { a, b } = await fresh();
      const sessionId = randomUUID();
      const first = await collect(b, sessionId);
      const second = await collect(b, sessionId);

      a.publishStream(sessionId, { kind: 'message', message: { type: 'speaking-end' } });
      await first.wait(1);
      await second.wait(1);

      first.stop();
      a.publishStream(sessionId, { kind: 'message', message: { type: 'heartbeat', t: 1 } });
      await second.wait(2);
      assert.equal(first.events.length, 1);

      // Resubscribing after the last handler left works again.
      second.stop();
      const third = await collect(b, sessionId);
      a.publishStream(sessionId, { kind: 'message', message: { type: 'heartbeat', t: 2 } });
      await third.wait(1);
      assert.deepEqual(third.events[0], { kind: 'message', message: { type: 'heartbeat', t: 2 } });
      assert.equal(second.events.length, 2);
    });

    test('sessions do not cross', async () => {
      const { a, b } = await fresh();
      const one = await collect(b, randomUUID());
      const otherId = randomUUID();
      const other = await collect(b, otherId);

      a.publishStream(otherId, { kind: 'message', message: { type: 'speaking-end' } });
      await other.wait(1);
      assert.equal(one.events.length, 0);
    });
  });
}
