import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AUDIO_FRAME_MAX_MS, StreamCloseCode } from '@orator/protocol';
import { call, createSession, startTestServer, type TestServer } from '../helpers/server.js';
import { TestViewer } from '../helpers/viewer.js';

async function streamUrlOf(server: TestServer, session: { sessionId: string; token: string }): Promise<string> {
  const response = await call(server.baseUrl, `/v1/avatar-session/${session.sessionId}/init-client`, {
    auth: `Bearer ${session.token}`,
    body: {},
  });
  return response.body.streamUrl as string;
}

describe('viewer stream with the test engine', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  test('viewer receives ready, segments, audio and turn end', async () => {
    const session = await createSession(server);
    const viewer = await TestViewer.connect(await streamUrlOf(server, session), session.token);
    await viewer.waitForMessage('ready');
    const ready = viewer.ofType('ready')[0]!;
    assert.equal(ready.sessionId, session.sessionId);
    assert.equal(ready.audio.encoding, 'pcm_s16le');
    assert.equal(ready.audio.sampleRate, server.server.context.engine.sampleRate);

    const text = 'Hello there. This is a test.';
    await call(server.baseUrl, `/v1/avatar-session/${session.sessionId}/say-text`, {
      auth: `Bearer ${session.token}`,
      body: { text, turnId: 'greeting' },
    });
    await viewer.waitForMessage('turn-end');

    const types = viewer.messages.map((message) => message.type).filter((type) => type !== 'heartbeat');
    assert.deepEqual(types.slice(0, 3), ['ready', 'turn-start', 'speaking-start']);
    assert.equal(types.at(-2), 'turn-end');
    assert.equal(types.at(-1), 'speaking-end');

    const turnStart = viewer.ofType('turn-start')[0]!;
    const segments = viewer.ofType('segment');
    assert.ok(segments.length >= 1);
    assert.equal(segments.map((segment) => segment.text).join(''), text);

    const sampleRate = ready.audio.sampleRate;
    const totalSamples = viewer.audio
      .filter((frame) => frame.turnNumber === turnStart.turnNumber)
      .reduce((sum, frame) => sum + frame.samples, 0);
    const audioMs = (totalSamples / sampleRate) * 1000;
    const declaredMs = segments.reduce((sum, segment) => sum + segment.durationMs, 0);
    assert.ok(Math.abs(audioMs - declaredMs) < 1, `audio ${audioMs} ms, segments declare ${declaredMs} ms`);
    assert.equal(viewer.ofType('turn-end')[0]!.reason, 'completed');

    for (const frame of viewer.audio) assert.ok((frame.samples / sampleRate) * 1000 <= AUDIO_FRAME_MAX_MS + 1e-6);
    assert.ok(
      viewer.audio.some((frame) => frame.peak > 1000),
      'audio is silent',
    );

    for (const segment of segments) {
      const last = segment.visemes.at(-1)!;
      assert.ok(segment.visemes[0]!.startMs >= segment.startMs);
      assert.ok(last.startMs <= segment.startMs + segment.durationMs + AUDIO_FRAME_MAX_MS, 'visemes run past the audio');
    }

    // Frames of one turn are contiguous: each starts where the previous ended.
    let expectedOffset = 0;
    for (const frame of viewer.audio.filter((entry) => entry.turnNumber === turnStart.turnNumber)) {
      assert.equal(frame.sampleOffset, expectedOffset);
      expectedOffset += frame.samples;
    }
    viewer.close();
  });

  test('two viewers receive identical streams', async () => {
    const session = await createSession(server);
    const url = await streamUrlOf(server, session);
    const first = await TestViewer.connect(url, session.token);
    const second = await TestViewer.connect(url, session.token);
    await first.waitForMessage('ready');
    await second.waitForMessage('ready');

    await call(server.baseUrl, `/v1/avatar-session/${session.sessionId}/say-text`, {
      auth: `Bearer ${session.token}`,
      body: { text: 'Both of you hear this.' },
    });
    await first.waitForMessage('turn-end');
    await second.waitForMessage('turn-end');

    const strip = (viewer: TestViewer) =>
      viewer.messages.filter((m) => m.type !== 'heartbeat' && m.type !== 'ready').map(({ receivedAt: _receivedAt, ...message }) => message);
    assert.deepEqual(strip(first), strip(second));
    assert.deepEqual(
      first.audio.map(({ receivedAt: _r, ...frame }) => frame),
      second.audio.map(({ receivedAt: _r, ...frame }) => frame),
    );
    first.close();
    second.close();
  });

  test('authentication failures close with documented codes', async () => {
    const session = await createSession(server);
    const other = await createSession(server);
    const url = await streamUrlOf(server, session);

    const cases: Array<[string, string | undefined, string, number]> = [
      ['bad token', 'nope', url, StreamCloseCode.AuthFailed],
      ['other session', other.token, url, StreamCloseCode.Forbidden],
    ];
    for (const [name, token, target, code] of cases) {
      const viewer = await TestViewer.connect(target, token);
      await viewer.waitFor(`close of ${name}`, () => viewer.closeCode !== undefined);
      assert.equal(viewer.closeCode, code, name);
    }

    const ended = await createSession(server);
    const endedUrl = await streamUrlOf(server, ended);
    await call(server.baseUrl, `/v1/avatar-session/${ended.sessionId}/end`, { auth: `Bearer ${ended.token}`, body: {} });
    const late = await TestViewer.connect(endedUrl, ended.token);
    await late.waitFor('close after end', () => late.closeCode !== undefined);
    assert.equal(late.closeCode, StreamCloseCode.SessionEnded);
  });

  test('end tells viewers and closes the stream', async () => {
    const session = await createSession(server);
    const viewer = await TestViewer.connect(await streamUrlOf(server, session), session.token);
    await viewer.waitForMessage('ready');
    await call(server.baseUrl, `/v1/avatar-session/${session.sessionId}/end`, { auth: `Bearer ${session.token}`, body: {} });
    await viewer.waitFor('close', () => viewer.closeCode !== undefined);
    assert.equal(viewer.ofType('session-ended')[0]?.reason, 'client');
    assert.equal(viewer.closeCode, StreamCloseCode.SessionEnded);
  });

  test('interrupt silences the stream at once', async () => {
    const session = await createSession(server);
    const viewer = await TestViewer.connect(await streamUrlOf(server, session), session.token);
    await viewer.waitForMessage('ready');

    await call(server.baseUrl, `/v1/avatar-session/${session.sessionId}/say-text`, {
      auth: `Bearer ${session.token}`,
      body: { text: 'This is a long answer that goes on and on. '.repeat(10), turnId: 'long' },
    });
    await call(server.baseUrl, `/v1/avatar-session/${session.sessionId}/say-text`, {
      auth: `Bearer ${session.token}`,
      body: { text: 'Queued.', turnId: 'queued' },
    });
    await viewer.waitFor('some audio', () => viewer.audio.length >= 5);

    const interrupt = await call(server.baseUrl, `/v1/avatar-session/${session.sessionId}/interrupt`, {
      auth: `Bearer ${session.token}`,
      body: {},
    });
    assert.deepEqual(interrupt.body.droppedTurnIds, ['queued']);
    await viewer.waitForMessage('interrupted');
    const framesAtInterrupt = viewer.audio.length;

    await new Promise((resolve) => setTimeout(resolve, 500));
    // At most one frame may already be in flight when the interrupt lands.
    assert.ok(viewer.audio.length - framesAtInterrupt <= 1, `${viewer.audio.length - framesAtInterrupt} frames after interrupt`);
    const turnEnd = viewer.ofType('turn-end').find((message) => message.turnId === 'long');
    assert.equal(turnEnd?.reason, 'interrupted');
    assert.ok(!viewer.ofType('turn-start').some((message) => message.turnId === 'queued'), 'the dropped turn was spoken');
    viewer.close();
  });
});

describe('viewer activity and back-pressure', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      config: (config) => {
        config.idleTimeoutMs = 600;
        config.limits.viewerBufferBytes = 16 * 1024;
      },
      build: { sweepIntervalMs: 50 },
    });
  });
  after(() => server.close());

  test('connected viewer keeps the session alive', async () => {
    const session = await createSession(server);
    const viewer = await TestViewer.connect(await streamUrlOf(server, session), session.token);
    await viewer.waitForMessage('ready');
    assert.ok(viewer.ofType('ready')[0]!.heartbeatMs <= 200);

    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const alive = await call(server.baseUrl, `/v1/avatar-session/${session.sessionId}`, { method: 'GET', auth: `Bearer ${session.token}` });
    assert.equal(alive.status, 200);
    assert.equal(alive.body.state, 'active');
    assert.ok(viewer.ofType('heartbeat').length >= 3);

    viewer.close();
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const ended = await call(server.baseUrl, `/v1/avatar-session/${session.sessionId}`, { method: 'GET', auth: `Bearer ${session.token}` });
    assert.equal(ended.status, 410);
  });

  test('stalled viewer is closed as too slow', async () => {
    const session = await createSession(server);
    const url = await streamUrlOf(server, session);
    const healthy = await TestViewer.connect(url, session.token);
    const stalled = await TestViewer.connect(url, session.token);
    await healthy.waitForMessage('ready');
    await stalled.waitForMessage('ready');
    // Stop reading: the stalled viewer replies to no more pings, and its kernel buffers fill.
    (stalled.socket as unknown as { _socket: { pause(): void } })._socket.pause();

    await call(server.baseUrl, `/v1/avatar-session/${session.sessionId}/say-text`, {
      auth: `Bearer ${session.token}`,
      body: { text: 'A long answer keeps the stream busy for a while. '.repeat(4) },
    });
    await healthy.waitFor('the slow viewer to be dropped', () => server.logs.some((line) => line.includes('viewer too slow')), 10_000);
    await healthy.waitForMessage('turn-end', 30_000);
    assert.equal(healthy.ofType('turn-end')[0]!.reason, 'completed');
    assert.ok(healthy.ofType('heartbeat').length > 0);
    healthy.close();
    stalled.socket.terminate();
  });
});
