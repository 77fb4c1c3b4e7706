import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createKalturaClient } from '../helpers/kaltura-client.js';
import { call, firstAvatarId, PARTNER, startTestServer, type TestServer } from '../helpers/server.js';
import { TestViewer } from '../helpers/viewer.js';

describe('official kaltura-client against Orator', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  test('session.start KS creates a session that speaks; session.end revokes it', async () => {
    const { client, session } = createKalturaClient(server.baseUrl);

    const ks = await session.start(PARTNER.adminSecrets[0]!, 'backend', 2, PARTNER.id, 600).execute(client);
    assert.equal(typeof ks, 'string');

    const created = await call(server.baseUrl, '/v1/avatar-session', {
      auth: `KS ${ks}`,
      body: { visualConfig: { avatarId: firstAvatarId(server) } },
    });
    assert.equal(created.status, 200);
    const sessionId = created.body.sessionId as string;
    const token = created.body.token as string;

    const init = await call(server.baseUrl, `/v1/avatar-session/${sessionId}/init-client`, { auth: `Bearer ${token}`, body: {} });
    const viewer = await TestViewer.connect(init.body.streamUrl as string, token);
    await viewer.waitForMessage('ready');
    await call(server.baseUrl, `/v1/avatar-session/${sessionId}/say-text`, {
      auth: `Bearer ${token}`,
      body: { text: 'Minted by the Kaltura client.' },
    });
    await viewer.waitForMessage('turn-end');
    assert.ok(viewer.audio.length > 0);
    viewer.close();

    client.setKs(ks);
    const info = await session.get().execute(client);
    assert.equal(info.partnerId, PARTNER.id);
    assert.equal(info.userId, 'backend');
    assert.equal(info.sessionType, 2);

    await session.end().execute(client);
    const afterEnd = await call(server.baseUrl, '/v1/avatar-session', {
      auth: `KS ${ks}`,
      body: { visualConfig: { avatarId: firstAvatarId(server) } },
    });
    assert.equal(afterEnd.status, 401);
    assert.equal(afterEnd.body.error, 'Invalid Kaltura Session');
  });
});

describe('session service throttling', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ config: (config) => (config.limits.authFailuresPerAddress = 2) });
  });
  after(() => server.close());

  test('wrong secrets are throttled with Retry-After', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      const response = await call(server.baseUrl, '/api_v3/service/session/action/start', {
        body: { format: 1, secret: 'wrong-secret-wrong-secret', partnerId: PARTNER.id, type: 2 },
      });
      statuses.push(response.status);
      if (response.status === 200) assert.equal(response.body.code, 'START_SESSION_ERROR');
      else assert.match(response.headers.get('retry-after') ?? '', /^\d+$/);
    }
    assert.deepEqual(statuses, [200, 200, 429, 429]);
  });
});
