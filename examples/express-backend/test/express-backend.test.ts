import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createApp } from '../app.js';
import { call, startTestServer, type TestServer } from '../../../packages/server/test/helpers/server.js';
import { TestViewer } from '../../../packages/server/test/helpers/viewer.js';

const SERVER_JS = fileURLToPath(new URL('../server.js', import.meta.url));

/** Start the example on a free loopback port; returns its base URL and a close function. */
async function startExample(options: {
  ks: string;
  oratorUrl: string;
  maxSessions?: number;
}): Promise<{ baseUrl: string; logs: string[]; close(): Promise<void> }> {
  const logs: string[] = [];
  const app = createApp({ ...options, log: (line: string) => logs.push(line) });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    logs,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('express example backend', () => {
  let orator: TestServer;
  let example: Awaited<ReturnType<typeof startExample>>;
  let avatarId: string;

  before(async () => {
    orator = await startTestServer();
    example = await startExample({ ks: orator.adminKs, oratorUrl: orator.baseUrl });
    avatarId = orator.server.context.catalog.avatars[0]!.id;
  });
  after(async () => {
    await example.close();
    await orator.close();
  });

  async function createThroughExample(): Promise<{ sessionId: string; token: string }> {
    const response = await call(example.baseUrl, '/api/avatar/create-session', { body: { avatarId } });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return { sessionId: response.body.sessionId as string, token: response.body.token as string };
  }

  test('lists avatars', async () => {
    const response = await call(example.baseUrl, '/api/avatar/avatars', { method: 'GET' });
    assert.equal(response.status, 200);
    const avatars = response.body.avatars as Array<{ id: string }>;
    assert.deepEqual(
      avatars.map((avatar) => avatar.id),
      orator.server.context.catalog.avatars.map((avatar) => avatar.id),
    );
  });

  test('config names the avatar service', async () => {
    const response = await call(example.baseUrl, '/api/avatar/config', { method: 'GET' });
    assert.equal(response.body.oratorUrl, orator.baseUrl);
  });

  test('create-session returns a working token', async () => {
    const session = await createThroughExample();
    const status = await call(orator.baseUrl, `/v1/avatar-session/${session.sessionId}`, {
      method: 'GET',
      auth: `Bearer ${session.token}`,
    });
    assert.equal(status.status, 200);
    assert.equal(status.body.avatarId, avatarId);
  });

  test('create-session rejects a bad avatarId', async () => {
    for (const body of [{}, { avatarId: '' }, { avatarId: 3 }]) {
      const response = await call(example.baseUrl, '/api/avatar/create-session', { body });
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.equal(response.body.error, 'Invalid avatarId');
    }
  });

  test('create-session forwards an unknown avatar', async () => {
    const response = await call(example.baseUrl, '/api/avatar/create-session', { body: { avatarId: 'nobody' } });
    assert.equal(response.status, 400);
    assert.match(response.body.error as string, /Unknown avatar id "nobody"/);
  });

  test('say-text makes the avatar speak', async () => {
    const session = await createThroughExample();
    const init = await call(orator.baseUrl, `/v1/avatar-session/${session.sessionId}/init-client`, {
      auth: `Bearer ${session.token}`,
      body: {},
    });
    const viewer = await TestViewer.connect(init.body.streamUrl as string, session.token);
    try {
      await viewer.waitForMessage('ready');
      const response = await call(example.baseUrl, '/api/avatar/say-text', {
        body: { sessionId: session.sessionId, text: 'Hello from Express.' },
      });
      assert.equal(response.status, 200);
      assert.equal(typeof response.body.turnId, 'string');

      await viewer.waitForMessage('turn-end');
      const end = viewer.ofType('turn-end')[0]!;
      assert.equal(end.turnId, response.body.turnId);
      assert.equal(end.reason, 'completed');
      assert.ok(viewer.ofType('speaking-start').length > 0);
    } finally {
      viewer.close();
    }
  });

  test('say-text passes turnId and isFinal', async () => {
    const session = await createThroughExample();
    const first = await call(example.baseUrl, '/api/avatar/say-text', {
      body: { sessionId: session.sessionId, text: 'One half ', turnId: 'answer-1', isFinal: false },
    });
    assert.equal(first.status, 200);
    assert.equal(first.body.turnId, 'answer-1');
    const last = await call(example.baseUrl, '/api/avatar/say-text', {
      body: { sessionId: session.sessionId, text: 'and the other.', turnId: 'answer-1', isFinal: true },
    });
    assert.equal(last.status, 200);

    const closed = await call(example.baseUrl, '/api/avatar/say-text', {
      body: { sessionId: session.sessionId, text: 'late', turnId: 'answer-1' },
    });
    assert.equal(closed.status, 409);
  });

  const invalidTexts: Array<{ name: string; text: unknown }> = [
    { name: 'missing', text: undefined },
    { name: 'empty', text: '' },
    { name: 'a number', text: 5 },
    { name: 'null', text: null },
    { name: '1001 characters', text: 'x'.repeat(1001) },
  ];
  for (const { name, text } of invalidTexts) {
    test(`say-text with text ${name} is 400 Invalid text`, async () => {
      const session = await createThroughExample();
      const response = await call(example.baseUrl, '/api/avatar/say-text', { body: { sessionId: session.sessionId, text } });
      assert.equal(response.status, 400);
      assert.deepEqual(response.body, { success: false, error: 'Invalid text' });
    });
  }

  test('say-text accepts 1000 characters', async () => {
    const session = await createThroughExample();
    const response = await call(example.baseUrl, '/api/avatar/say-text', {
      body: { sessionId: session.sessionId, text: 'talk '.repeat(200) },
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
  });

  for (const sessionId of ['no-such-session', undefined, 42]) {
    test(`say-text with session ${String(sessionId)} is 404`, async () => {
      const response = await call(example.baseUrl, '/api/avatar/say-text', { body: { sessionId, text: 'hello' } });
      assert.equal(response.status, 404);
      assert.deepEqual(response.body, { success: false, error: 'Session not found' });
    });
  }

  test('say-text after end is 410, then 404', async () => {
    const session = await createThroughExample();
    const end = await call(orator.baseUrl, `/v1/avatar-session/${session.sessionId}/end`, { auth: `Bearer ${session.token}`, body: {} });
    assert.equal(end.status, 200);

    const ended = await call(example.baseUrl, '/api/avatar/say-text', { body: { sessionId: session.sessionId, text: 'hello' } });
    assert.equal(ended.status, 410);
    assert.equal(ended.body.error, 'Session ended');
    const forgotten = await call(example.baseUrl, '/api/avatar/say-text', { body: { sessionId: session.sessionId, text: 'hello' } });
    assert.equal(forgotten.status, 404);
    assert.equal(forgotten.body.error, 'Session not found');
  });

  test('malformed JSON is 400', async () => {
    const response = await call(example.baseUrl, '/api/avatar/say-text', { rawBody: '{"text": ' });
    assert.equal(response.status, 400);
    assert.equal(response.body.error, 'Malformed JSON body');
  });

  test('logs never contain the KS or a token', async () => {
    const session = await createThroughExample();
    assert.ok(example.logs.length > 0);
    assert.ok(!example.logs.some((line) => line.includes(orator.adminKs)));
    assert.ok(!example.logs.some((line) => line.includes(session.token)));
  });
});

describe('express example failures', () => {
  test('a bad KS is 401 Invalid Kaltura Session', async () => {
    const orator = await startTestServer();
    const example = await startExample({ ks: 'not-a-ks', oratorUrl: orator.baseUrl });
    try {
      const response = await call(example.baseUrl, '/api/avatar/create-session', {
        body: { avatarId: orator.server.context.catalog.avatars[0]!.id },
      });
      assert.equal(response.status, 401);
      assert.equal(response.body.error, 'Invalid Kaltura Session');
    } finally {
      await example.close();
      await orator.close();
    }
  });

  test('an unreachable avatar service is 502', async () => {
    // A port that was just freed on loopback: nothing listens there.
    const orator = await startTestServer();
    const deadUrl = orator.baseUrl;
    await orator.close();
    const example = await startExample({ ks: 'any', oratorUrl: deadUrl });
    try {
      const response = await call(example.baseUrl, '/api/avatar/create-session', { body: { avatarId: 'ava' } });
      assert.equal(response.status, 502);
      assert.equal(response.body.error, 'Avatar service unavailable');
    } finally {
      await example.close();
    }
  });

  test('the oldest session is dropped past the bound', async () => {
    const orator = await startTestServer();
    const example = await startExample({ ks: orator.adminKs, oratorUrl: orator.baseUrl, maxSessions: 2 });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const response = await call(example.baseUrl, '/api/avatar/create-session', {
          body: { avatarId: orator.server.context.catalog.avatars[0]!.id },
        });
        ids.push(response.body.sessionId as string);
      }
      const statuses = [];
      for (const sessionId of ids)
        statuses.push((await call(example.baseUrl, '/api/avatar/say-text', { body: { sessionId, text: 'hi' } })).status);
      assert.deepEqual(statuses, [404, 200, 200]);
    } finally {
      await example.close();
      await orator.close();
    }
  });

  test('server.js exits without AVATAR_KS', () => {
    const result = spawnSync(process.execPath, [SERVER_JS], { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8', timeout: 10_000 });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /AVATAR_KS is not set/);
  });

  test('non-JSON body is 415 and unknown route is JSON 404', async () => {
    const orator = await startTestServer();
    const example = await startExample({ ks: orator.adminKs, oratorUrl: orator.baseUrl });
    try {
      const form = await call(example.baseUrl, '/api/avatar/create-session', {
        rawBody: 'avatarId=ava',
        contentType: 'application/x-www-form-urlencoded',
      });
      assert.equal(form.status, 415);
      assert.match(form.body.error as string, /application\/json/);

      const missing = await call(example.baseUrl, '/api/avatar/end', { body: {} });
      assert.equal(missing.status, 404);
      assert.equal(missing.body.success, false);
    } finally {
      await example.close();
      await orator.close();
    }
  });
});
