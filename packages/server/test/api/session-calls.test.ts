import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createSession, startTestServer, type TestServer } from '../helpers/server.js';

describe('session calls', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const actions = ['init-client', 'say-text', 'interrupt', 'keep-alive', 'end'];

  for (const action of actions) {
    test(`${action} without token is 401`, async () => {
      const { sessionId } = await createSession(server);
      const response = await call(server.baseUrl, `/v1/avatar-session/${sessionId}/${action}`, { body: { text: 'hi' } });
      assert.equal(response.status, 401);
      assert.equal(response.body.error, 'Invalid or expired token');
    });

    test(`${action} with another session's token is 403`, async () => {
      const first = await createSession(server);
      const second = await createSession(server);
      const response = await call(server.baseUrl, `/v1/avatar-session/${first.sessionId}/${action}`, {
        auth: `Bearer ${second.token}`,
        body: { text: 'hi' },
      });
      assert.equal(response.status, 403);
      assert.equal(response.body.error, 'Insufficient permissions');
    });

    test(`${action} after end is 410`, async () => {
      const { sessionId, token } = await createSession(server);
      const end = await call(server.baseUrl, `/v1/avatar-session/${sessionId}/end`, { auth: `Bearer ${token}`, body: {} });
      assert.equal(end.status, 200);
      const response = await call(server.baseUrl, `/v1/avatar-session/${sessionId}/${action}`, {
        auth: `Bearer ${token}`,
        body: { text: 'hi' },
      });
      assert.equal(response.status, 410);
      assert.equal(response.body.error, 'Session ended');
    });
  }

  test('malformed and tampered tokens are 401', async () => {
    const { sessionId, token } = await createSession(server);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const tampered = `${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const bad of ['x', 'a.b.c', tampered, `${token}x`]) {
      const response = await call(server.baseUrl, `/v1/avatar-session/${sessionId}/keep-alive`, { auth: `Bearer ${bad}`, body: {} });
      assert.equal(response.status, 401, bad.slice(0, 12));
      assert.equal(response.body.error, 'Invalid or expired token');
    }
  });

  test('token of a session this server never had is 404', async () => {
    const other = await startTestServer();
    try {
      const { sessionId, token } = await createSession(other);
      const response = await call(server.baseUrl, `/v1/avatar-session/${sessionId}/say-text`, {
        auth: `Bearer ${token}`,
        body: { text: 'hi' },
      });
      assert.equal(response.status, 404);
      assert.equal(response.body.error, 'Session not found');
    } finally {
      await other.close();
    }
  });

  test('say-text without text is 400 Text is required', async () => {
    const { sessionId, token } = await createSession(server);
    for (const body of [{}, { text: '' }, { text: null }, { text: 42 }, { turnId: 't1' }]) {
      const response = await call(server.baseUrl, `/v1/avatar-session/${sessionId}/say-text`, { auth: `Bearer ${token}`, body });
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.equal(response.body.error, 'Text is required');
    }
  });

  test('keep-alive, interrupt and end accept an empty body', async () => {
    const { sessionId, token } = await createSession(server);
    for (const action of ['keep-alive', 'interrupt', 'init-client', 'end']) {
      const response = await fetch(`${server.baseUrl}/v1/avatar-session/${sessionId}/${action}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(response.status, 200, action);
      assert.equal(((await response.json()) as { success: boolean }).success, true);
    }
  });

  test('init-client returns the viewer stream URL without the token', async () => {
    const { sessionId, token } = await createSession(server);
    const response = await call(server.baseUrl, `/v1/avatar-session/${sessionId}/init-client`, { auth: `Bearer ${token}`, body: {} });
    assert.equal(response.status, 200);
    assert.equal(response.body.streamUrl, `${server.baseUrl.replace('http', 'ws')}/v1/avatar-session/${sessionId}/stream`);
    assert.equal(response.body.protocolVersion, 1);
    assert.ok(!(response.body.streamUrl as string).includes(token));
  });
});

describe('request hardening', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  test('non-JSON content type is 415', async () => {
    const { sessionId, token } = await createSession(server);
    const response = await call(server.baseUrl, `/v1/avatar-session/${sessionId}/say-text`, {
      auth: `Bearer ${token}`,
      rawBody: 'text=hi',
      contentType: 'text/plain',
    });
    assert.equal(response.status, 415);
    assert.equal(response.body.success, false);
    assert.match(response.body.error as string, /application\/json/);
  });

  test('malformed JSON is 400', async () => {
    const { sessionId, token } = await createSession(server);
    const response = await call(server.baseUrl, `/v1/avatar-session/${sessionId}/say-text`, {
      auth: `Bearer ${token}`,
      rawBody: '{"text": ',
    });
    assert.equal(response.status, 400);
    assert.equal(response.body.success, false);
    assert.equal(response.body.error, 'Malformed JSON body');
  });

  test('oversized body is 413', async () => {
    const { sessionId, token } = await createSession(server);
    const response = await call(server.baseUrl, `/v1/avatar-session/${sessionId}/say-text`, {
      auth: `Bearer ${token}`,
      body: { text: 'a'.repeat(70 * 1024) },
    });
    assert.equal(response.status, 413);
    assert.equal(response.body.success, false);
  });

  test('unknown route is 404 in the envelope', async () => {
    const response = await call(server.baseUrl, '/v1/nothing-here', { body: {} });
    assert.equal(response.status, 404);
    assert.equal(response.body.success, false);
    assert.match(response.body.error as string, /not found/);
  });

  test('health, readiness and metrics answer', async () => {
    const health = await call(server.baseUrl, '/healthz', { method: 'GET' });
    assert.equal(health.status, 200);
    const ready = await call(server.baseUrl, '/readyz', { method: 'GET' });
    assert.equal(ready.status, 200);

    await createSession(server);
    const metrics = await fetch(`${server.baseUrl}/metrics`);
    const text = await metrics.text();
    assert.match(text, /orator_sessions_created_total [1-9]/);
    assert.match(text, /orator_http_requests_total\{method="POST",route="\/v1\/avatar-session",status="200"\}/);
    assert.match(text, /orator_sessions_active [1-9]/);
  });
});

describe('session lifecycle', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      config: (config) => {
        config.idleTimeoutMs = 600;
      },
      build: { sweepIntervalMs: 50 },
    });
  });
  after(() => server.close());

  test('idle session ends and answers 410', async () => {
    const { sessionId, token } = await createSession(server);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const response = await call(server.baseUrl, `/v1/avatar-session/${sessionId}/keep-alive`, { auth: `Bearer ${token}`, body: {} });
    assert.equal(response.status, 410);
    assert.equal(response.body.error, 'Session ended');
    assert.ok(server.logs.some((line) => line.includes('"reason":"idle_timeout"') && line.includes(sessionId)));
  });

  test('keep-alive holds a session open', async () => {
    const { sessionId, token } = await createSession(server);
    for (let beat = 0; beat < 5; beat++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const response = await call(server.baseUrl, `/v1/avatar-session/${sessionId}/keep-alive`, { auth: `Bearer ${token}`, body: {} });
      assert.equal(response.status, 200, `beat ${beat}`);
    }
  });
});
