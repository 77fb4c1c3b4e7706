import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mintKs } from '../../src/ks/index.js';
import { demoRoutes, type DemoOptions } from '../../src/routes/demo.js';
import { call, PARTNER, startTestServer, type TestServer } from '../helpers/server.js';
import { TestViewer } from '../helpers/viewer.js';

const DEMO_KS = mintKs({ partnerId: PARTNER.id, adminSecret: PARTNER.adminSecrets[0]!, type: 2, userId: 'demo', expirySeconds: 3600 });

/** A real server on loopback with the demo backend registered as main.ts does. */
function startDemoServer(options: DemoOptions): Promise<TestServer> {
  return startTestServer({ build: { plugins: [(app, context) => demoRoutes(app, context, options)] } });
}

async function createDemoSession(
  server: TestServer,
  avatarId = server.server.context.catalog.avatars[0]!.id,
): Promise<{ sessionId: string; token: string }> {
  const response = await call(server.baseUrl, '/api/avatar/create-session', { body: { avatarId } });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return { sessionId: response.body.sessionId as string, token: response.body.token as string };
}

async function endThroughApi(server: TestServer, session: { sessionId: string; token: string }): Promise<void> {
  const response = await call(server.baseUrl, `/v1/avatar-session/${session.sessionId}/end`, { auth: `Bearer ${session.token}`, body: {} });
  assert.equal(response.status, 200);
}

describe('demo backend', () => {
  let server: TestServer;
  before(async () => {
    server = await startDemoServer({ ks: DEMO_KS });
  });
  after(() => server.close());

  test('catalog lists avatars and voices', async () => {
    const response = await call(server.baseUrl, '/api/avatar/catalog', { method: 'GET' });
    assert.equal(response.status, 200);

    const avatars = response.body.avatars as Array<{ id: string; type: string; thumbnailUrl: string }>;
    const voices = response.body.voices as Array<{ id: string; type: string }>;
    assert.equal(avatars.length, server.server.context.catalog.avatars.length);
    assert.ok(voices.length > 0);
    assert.ok(avatars.every((avatar) => avatar.type === 'Visual'));
    assert.ok(voices.every((voice) => voice.type === 'Voice'));

    // Thumbnail links point at the address the client used, and they load.
    const thumbnail = avatars[0]!.thumbnailUrl;
    assert.ok(thumbnail.startsWith(`${server.baseUrl}/`), thumbnail);
    const image = await fetch(thumbnail);
    assert.equal(image.status, 200);
    assert.match(image.headers.get('content-type') ?? '', /image\/svg\+xml/);
  });

  test('create-session returns a working token', async () => {
    const session = await createDemoSession(server);
    assert.match(session.sessionId, /\S/);

    const status = await call(server.baseUrl, `/v1/avatar-session/${session.sessionId}`, {
      method: 'GET',
      auth: `Bearer ${session.token}`,
    });
    assert.equal(status.status, 200);
    assert.equal(status.body.sessionId, session.sessionId);
  });

  test('create-session passes voiceId', async () => {
    const voices = server.server.context.catalog.voices;
    const voiceId = voices[voices.length - 1]!.id;
    const response = await call(server.baseUrl, '/api/avatar/create-session', {
      body: { avatarId: server.server.context.catalog.avatars[0]!.id, voiceId },
    });
    assert.equal(response.status, 200);

    const status = await call(server.baseUrl, `/v1/avatar-session/${response.body.sessionId as string}`, {
      method: 'GET',
      auth: `Bearer ${response.body.token as string}`,
    });
    assert.equal(status.body.voiceId, voiceId);
  });

  const badCreateBodies: Array<{ name: string; body: unknown; status: number; error: RegExp }> = [
    { name: 'missing avatarId', body: {}, status: 400, error: /avatarId is required/ },
    { name: 'numeric avatarId', body: { avatarId: 7 }, status: 400, error: /avatarId is required/ },
    { name: 'empty voiceId', body: { avatarId: 'ava', voiceId: '' }, status: 400, error: /voiceId must be/ },
    { name: 'unknown avatar', body: { avatarId: 'nobody' }, status: 400, error: /Unknown avatar id "nobody"/ },
    { name: 'unknown voice', body: { avatarId: 'ava', voiceId: 'espeak:xx' }, status: 400, error: /Unknown voice id/ },
  ];
  for (const { name, body, status, error } of badCreateBodies) {
    test(`create-session rejects ${name}`, async () => {
      const response = await call(server.baseUrl, '/api/avatar/create-session', { body });
      assert.equal(response.status, status);
      assert.equal(response.body.success, false);
      assert.match(response.body.error as string, error);
    });
  }

  test('say-text speaks on the viewer stream', async () => {
    const session = await createDemoSession(server);
    const init = await call(server.baseUrl, `/v1/avatar-session/${session.sessionId}/init-client`, {
      auth: `Bearer ${session.token}`,
      body: {},
    });
    const viewer = await TestViewer.connect(init.body.streamUrl as string, session.token);
    try {
      await viewer.waitForMessage('ready');
      const response = await call(server.baseUrl, '/api/avatar/say-text', {
        body: { sessionId: session.sessionId, text: 'Hello from the demo.', turnId: 'demo-1' },
      });
      assert.equal(response.status, 200);
      assert.equal(response.body.turnId, 'demo-1');

      await viewer.waitForMessage('turn-end');
      const end = viewer.ofType('turn-end')[0]!;
      assert.equal(end.turnId, 'demo-1');
      assert.equal(end.reason, 'completed');
      assert.ok(viewer.audio.length > 0);
    } finally {
      viewer.close();
    }
  });

  test('say-text streams chunks into one turn', async () => {
    const session = await createDemoSession(server);
    const chunks = ['The quick br', 'own fox jum', 'ps over the lazy dog.'];
    for (const [index, text] of chunks.entries()) {
      const response = await call(server.baseUrl, '/api/avatar/say-text', {
        body: { sessionId: session.sessionId, text, turnId: 'stream-1', isFinal: index === chunks.length - 1 },
      });
      assert.equal(response.status, 200, JSON.stringify(response.body));
    }

    const status = await call(server.baseUrl, `/v1/avatar-session/${session.sessionId}`, {
      method: 'GET',
      auth: `Bearer ${session.token}`,
    });
    const turns = status.body.queuedTurns as Array<{ turnId: string; chars: number; isFinal: boolean }>;
    // The turn may already be spoken and gone. If it is still listed, it contains every chunk.
    for (const turn of turns.filter((t) => t.turnId === 'stream-1')) {
      assert.equal(turn.chars, chunks.join('').length);
      assert.equal(turn.isFinal, true);
    }

    const late = await call(server.baseUrl, '/api/avatar/say-text', {
      body: { sessionId: session.sessionId, text: 'more', turnId: 'stream-1' },
    });
    assert.equal(late.status, 409);
    assert.equal(late.body.code, 'TURN_FINAL');
  });

  const badTexts: Array<{ name: string; text: unknown }> = [
    { name: 'missing', text: undefined },
    { name: 'empty', text: '' },
    { name: 'a number', text: 42 },
    { name: 'an array', text: ['hi'] },
    { name: '1001 characters', text: 'a'.repeat(1001) },
  ];
  for (const { name, text } of badTexts) {
    test(`say-text with text ${name} is 400`, async () => {
      const session = await createDemoSession(server);
      const response = await call(server.baseUrl, '/api/avatar/say-text', { body: { sessionId: session.sessionId, text } });
      assert.equal(response.status, 400);
      assert.equal(response.body.error, 'Invalid text');
    });
  }

  test('say-text accepts 1000 characters', async () => {
    const session = await createDemoSession(server);
    const response = await call(server.baseUrl, '/api/avatar/say-text', {
      body: { sessionId: session.sessionId, text: 'word '.repeat(200) },
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
  });

  const unknownSessions: Array<{ name: string; sessionId: unknown }> = [
    { name: 'unknown id', sessionId: 'no-such-session' },
    { name: 'missing id', sessionId: undefined },
    { name: 'numeric id', sessionId: 12 },
    { name: 'oversized id', sessionId: 'x'.repeat(500) },
  ];
  for (const { name, sessionId } of unknownSessions) {
    test(`say-text with ${name} is 404`, async () => {
      const response = await call(server.baseUrl, '/api/avatar/say-text', { body: { sessionId, text: 'hello' } });
      assert.equal(response.status, 404);
      assert.equal(response.body.error, 'Session not found');
    });
  }

  test('say-text after end is 410, then 404', async () => {
    const session = await createDemoSession(server);
    await endThroughApi(server, session);

    const first = await call(server.baseUrl, '/api/avatar/say-text', { body: { sessionId: session.sessionId, text: 'hello' } });
    assert.equal(first.status, 410);
    assert.equal(first.body.error, 'Session ended');

    // The ended session's token was dropped from the table.
    const second = await call(server.baseUrl, '/api/avatar/say-text', { body: { sessionId: session.sessionId, text: 'hello' } });
    assert.equal(second.status, 404);
    assert.equal(second.body.error, 'Session not found');
  });

  test('responses and logs never contain the KS', async () => {
    await createDemoSession(server);
    await call(server.baseUrl, '/api/avatar/catalog', { method: 'GET' });
    await call(server.baseUrl, '/api/avatar/create-session', { body: { avatarId: 'nobody' } });
    assert.ok(server.logs.length > 0);
    assert.ok(!server.logs.some((line) => line.includes(DEMO_KS)));
  });
});

describe('demo session table bound', () => {
  test('evicts the oldest session when full', async () => {
    const server = await startDemoServer({ ks: DEMO_KS, maxSessions: 2 });
    try {
      const first = await createDemoSession(server);
      const second = await createDemoSession(server);
      const third = await createDemoSession(server);

      const evicted = await call(server.baseUrl, '/api/avatar/say-text', { body: { sessionId: first.sessionId, text: 'hi' } });
      assert.equal(evicted.status, 404);
      for (const kept of [second, third]) {
        const response = await call(server.baseUrl, '/api/avatar/say-text', { body: { sessionId: kept.sessionId, text: 'hi' } });
        assert.equal(response.status, 200);
      }
    } finally {
      await server.close();
    }
  });

  test('evicts ended sessions before open ones', async () => {
    const server = await startDemoServer({ ks: DEMO_KS, maxSessions: 2 });
    try {
      const first = await createDemoSession(server);
      const second = await createDemoSession(server);
      await endThroughApi(server, second);
      const third = await createDemoSession(server);

      // The oldest session survives because the ended one made room.
      for (const kept of [first, third]) {
        const response = await call(server.baseUrl, '/api/avatar/say-text', { body: { sessionId: kept.sessionId, text: 'hi' } });
        assert.equal(response.status, 200);
      }
      const ended = await call(server.baseUrl, '/api/avatar/say-text', { body: { sessionId: second.sessionId, text: 'hi' } });
      assert.equal(ended.status, 404);
    } finally {
      await server.close();
    }
  });
});

describe('demo backend without a KS', () => {
  let server: TestServer;
  before(async () => {
    server = await startDemoServer({ ks: undefined });
  });
  after(() => server.close());

  const routes: Array<{ method: string; path: string; body?: unknown }> = [
    { method: 'GET', path: '/api/avatar/catalog' },
    { method: 'POST', path: '/api/avatar/create-session', body: { avatarId: 'ava' } },
    { method: 'POST', path: '/api/avatar/say-text', body: { sessionId: 'x', text: 'hi' } },
  ];
  for (const { method, path, body } of routes) {
    test(`${method} ${path} is 503`, async () => {
      const response = await call(server.baseUrl, path, { method, body });
      assert.equal(response.status, 503);
      assert.equal(response.body.success, false);
      assert.equal(response.body.code, 'DEMO_DISABLED');
      assert.match(response.body.error as string, /ORATOR_DEMO_KS/);
    });
  }
});
