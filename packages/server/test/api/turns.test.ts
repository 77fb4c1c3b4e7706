import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createSession, startTestServer, type TestServer } from '../helpers/server.js';

describe('say-text turns', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ config: (config) => (config.limits.queuedTurns = 3) });
  });
  after(() => server.close());

  async function say(session: { sessionId: string; token: string }, body: unknown) {
    return call(server.baseUrl, `/v1/avatar-session/${session.sessionId}/say-text`, { auth: `Bearer ${session.token}`, body });
  }

  async function status(session: { sessionId: string; token: string }) {
    return call(server.baseUrl, `/v1/avatar-session/${session.sessionId}`, { method: 'GET', auth: `Bearer ${session.token}` });
  }

  test('plain text is a complete turn with a generated id', async () => {
    const session = await createSession(server);
    const response = await say(session, { text: 'Hello there.' });
    assert.equal(response.status, 200);
    assert.equal(response.body.success, true);
    assert.match(response.body.turnId as string, /^[0-9a-f-]{36}$/);
  });

  test('chunks append in order and the status shows the queue', async () => {
    const session = await createSession(server);
    // The first turn keeps the speaker busy so the second stays queued and observable.
    await say(session, { text: 'First turn keeps speaking for a while. '.repeat(20), turnId: 'busy' });
    assert.equal((await say(session, { text: 'Hello ', turnId: 'streamed', isFinal: false })).status, 200);
    assert.equal((await say(session, { text: 'world', turnId: 'streamed', isFinal: false })).status, 200);

    const before = await status(session);
    const queued = (before.body.queuedTurns as Array<Record<string, unknown>>).find((turn) => turn.turnId === 'streamed');
    assert.deepEqual(queued, { turnId: 'streamed', state: 'queued', chars: 11, isFinal: false });
    assert.equal(before.body.speaking, true);
    assert.equal(before.body.currentTurnId, 'busy');

    assert.equal((await say(session, { text: '.', turnId: 'streamed', isFinal: true })).status, 200);
    const closed = (await status(session)).body.queuedTurns as Array<Record<string, unknown>>;
    assert.deepEqual(
      closed.find((turn) => turn.turnId === 'streamed'),
      { turnId: 'streamed', state: 'queued', chars: 12, isFinal: true },
    );
  });

  test('chunk for a final turn is 409', async () => {
    const session = await createSession(server);
    await say(session, { text: 'Done.', turnId: 'final-one' });
    const response = await say(session, { text: 'More', turnId: 'final-one' });
    assert.equal(response.status, 409);
    assert.equal(response.body.code, 'TURN_FINAL');
    assert.match(response.body.error as string, /already final/);
  });

  test('repeated seq is acknowledged once and a gap is 409', async () => {
    const session = await createSession(server);
    await say(session, { text: 'Long turn to stay busy. '.repeat(20), turnId: 'busy' });
    assert.equal((await say(session, { text: 'One ', turnId: 'seq', isFinal: false, seq: 0 })).status, 200);

    const retry = await say(session, { text: 'One ', turnId: 'seq', isFinal: false, seq: 0 });
    assert.equal(retry.status, 200);
    assert.equal(retry.body.duplicate, true);

    const gap = await say(session, { text: 'Three ', turnId: 'seq', isFinal: false, seq: 2 });
    assert.equal(gap.status, 409);
    assert.equal(gap.body.code, 'SEQ_GAP');
    assert.equal(gap.body.expectedSeq, 1);

    assert.equal((await say(session, { text: 'two.', turnId: 'seq', isFinal: true, seq: 1 })).status, 200);
    const turn = ((await status(session)).body.queuedTurns as Array<Record<string, unknown>>).find((entry) => entry.turnId === 'seq');
    assert.equal(turn?.chars, 'One two.'.length);

    const firstChunkGap = await say(session, { text: 'x', turnId: 'fresh', seq: 3 });
    assert.equal(firstChunkGap.status, 409);
    assert.equal(firstChunkGap.body.expectedSeq, 0);
  });

  test('interrupt clears the queue and later chunks are dropped', async () => {
    const session = await createSession(server);
    await say(session, { text: 'Speaking now for quite a while. '.repeat(20), turnId: 'speaking', isFinal: false });
    await say(session, { text: 'Waiting.', turnId: 'waiting' });
    await new Promise((resolve) => setTimeout(resolve, 100));

    const interrupt = await call(server.baseUrl, `/v1/avatar-session/${session.sessionId}/interrupt`, {
      auth: `Bearer ${session.token}`,
      body: {},
    });
    assert.equal(interrupt.status, 200);
    assert.deepEqual(interrupt.body.droppedTurnIds, ['waiting']);
    const cut = interrupt.body.interruptedTurn as Record<string, unknown>;
    assert.equal(cut.turnId, 'speaking');
    assert.equal(cut.totalChars, 'Speaking now for quite a while. '.length * 20);
    assert.ok((cut.spokenChars as number) <= (cut.totalChars as number));
    assert.equal((cut.spokenText as string).length, cut.spokenChars);

    const late = await say(session, { text: 'more words', turnId: 'speaking', isFinal: true });
    assert.equal(late.status, 200);
    assert.equal(late.body.dropped, true);

    const after = await status(session);
    assert.deepEqual(after.body.queuedTurns, []);
    assert.equal(after.body.speaking, false);
  });

  test('queue limit is 429 and chunk limit is 400', async () => {
    const session = await createSession(server);
    for (let index = 0; index < 3; index++) {
      assert.equal((await say(session, { text: 'Turn number one two three. '.repeat(10), turnId: `q${index}` })).status, 200);
    }
    const full = await say(session, { text: 'One too many.', turnId: 'q3' });
    assert.equal(full.status, 429);
    assert.equal(full.body.code, 'QUEUE_FULL');
    assert.ok(full.headers.get('retry-after'));

    const long = await say(session, { text: 'a'.repeat(5_001) });
    assert.equal(long.status, 400);
    assert.equal(long.body.code, 'CHUNK_TOO_LONG');

    const badId = await say(session, { text: 'hi', turnId: 'has spaces' });
    assert.equal(badId.status, 400);
    assert.equal(badId.body.code, 'INVALID_TURN_ID');
  });
});
