import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mintKs } from '../../src/ks/index.js';
import { call, createSession, DISABLED_PARTNER, firstAvatarId, PARTNER, startTestServer, type TestServer } from '../helpers/server.js';

const secret = PARTNER.adminSecrets[0]!;

function ks(overrides: Partial<Parameters<typeof mintKs>[0]> = {}): string {
  const expiry = overrides.validUntil === undefined ? { expirySeconds: 600 } : {};
  return mintKs({ partnerId: PARTNER.id, adminSecret: secret, type: 2, userId: 'tester', ...expiry, ...overrides } as Parameters<
    typeof mintKs
  >[0]);
}

function flipByte(value: string, index: number): string {
  const chars = [...value];
  chars[index] = chars[index] === 'A' ? 'B' : 'A';
  return chars.join('');
}

describe('create session', () => {
  let server: TestServer;
  let avatarId: string;
  before(async () => {
    server = await startTestServer();
    avatarId = firstAvatarId(server);
  });
  after(() => server.close());

  for (const path of ['/v1/avatar-session', '/v1/avatar-session/create']) {
    test(`create via ${path} returns session and token`, async () => {
      const response = await call(server.baseUrl, path, { auth: `KS ${server.adminKs}`, body: { visualConfig: { avatarId } } });
      assert.equal(response.status, 200);
      assert.equal(response.body.success, true);
      assert.match(response.body.sessionId as string, /^[0-9a-f-]{36}$/);
      assert.equal((response.body.token as string).split('.').length, 3);
    });
  }

  test('scheme word is case-insensitive', async () => {
    for (const scheme of ['ks', 'Ks', 'KS']) {
      const response = await call(server.baseUrl, '/v1/avatar-session', {
        auth: `${scheme} ${server.adminKs}`,
        body: { visualConfig: { avatarId } },
      });
      assert.equal(response.status, 200, scheme);
    }
  });

  test('visualConfig.id is an alias of avatarId', async () => {
    const response = await call(server.baseUrl, '/v1/avatar-session', {
      auth: `KS ${server.adminKs}`,
      body: { visualConfig: { id: avatarId } },
    });
    assert.equal(response.status, 200);
  });

  const invalidKsCases: Array<[string, () => string | undefined]> = [
    ['missing header', () => undefined],
    ['Bearer scheme', () => `Bearer ${server.adminKs}`],
    ['garbage', () => 'KS not-a-ks!!'],
    ['flipped byte', () => `KS ${flipByte(server.adminKs, 40)}`],
    ['wrong secret', () => `KS ${ks({ adminSecret: 'ffffffffffffffffffffffffffffffff' })}`],
    ['unknown partner', () => `KS ${ks({ partnerId: 999 })}`],
    ['expired', () => `KS ${ks({ validUntil: Math.floor(Date.now() / 1000) - 1 })}`],
    ['v1 with wrong secret', () => `KS ${ks({ version: 1, adminSecret: 'ffffffffffffffffffffffffffffffff' })}`],
  ];
  for (const [name, header] of invalidKsCases) {
    test(`create rejects KS: ${name}`, async () => {
      const auth = header();
      const response = await call(server.baseUrl, '/v1/avatar-session', {
        ...(auth ? { auth } : {}),
        body: { visualConfig: { avatarId } },
      });
      assert.equal(response.status, 401);
      assert.deepEqual(
        { success: response.body.success, error: response.body.error },
        { success: false, error: 'Invalid Kaltura Session' },
      );
    });
  }

  test('v1 KS and second admin secret are accepted', async () => {
    for (const token of [ks({ version: 1 }), ks({ adminSecret: PARTNER.adminSecrets[1]! })]) {
      const response = await call(server.baseUrl, '/v1/avatar-session', { auth: `KS ${token}`, body: { visualConfig: { avatarId } } });
      assert.equal(response.status, 200);
    }
  });

  test('missing KS has its own code and a request id', async () => {
    const response = await call(server.baseUrl, '/v1/avatar-session', { body: { visualConfig: { avatarId } } });
    assert.equal(response.status, 401);
    assert.equal(response.body.error, 'Invalid Kaltura Session');
    assert.equal(response.body.code, 'KS_MISSING');
    const requestId = response.headers.get('x-request-id');
    assert.match(requestId ?? '', /^[0-9a-f-]{36}$/);
    assert.ok(server.logs.some((line) => line.includes(requestId!) && line.includes('KS rejected')));
  });

  test('USER KS and disabled partner get 403', async () => {
    const user = await call(server.baseUrl, '/v1/avatar-session', { auth: `KS ${ks({ type: 0 })}`, body: { visualConfig: { avatarId } } });
    assert.equal(user.status, 403);
    assert.equal(user.body.error, 'Kaltura Session not authorized');

    const disabledKs = mintKs({ partnerId: DISABLED_PARTNER.id, adminSecret: secret, type: 2, expirySeconds: 600 });
    const disabled = await call(server.baseUrl, '/v1/avatar-session', { auth: `KS ${disabledKs}`, body: { visualConfig: { avatarId } } });
    assert.equal(disabled.status, 403);
    assert.equal(disabled.body.error, 'Kaltura Session not authorized');
  });

  test('unknown avatar and voice name the id and the catalog', async () => {
    const avatar = await call(server.baseUrl, '/v1/avatar-session', {
      auth: `KS ${server.adminKs}`,
      body: { visualConfig: { avatarId: 'nobody' } },
    });
    assert.equal(avatar.status, 400);
    assert.match(avatar.body.error as string, /"nobody".*visualConfig\.avatarId.*catalog-item\/list/);

    const voice = await call(server.baseUrl, '/v1/avatar-session', {
      auth: `KS ${server.adminKs}`,
      body: { visualConfig: { avatarId }, voiceConfig: { id: 'espeak:xx' } },
    });
    assert.equal(voice.status, 400);
    assert.match(voice.body.error as string, /"espeak:xx".*voiceConfig\.id.*catalog-item\/list/);
  });

  test('missing avatar and bad speed are 400', async () => {
    const missing = await call(server.baseUrl, '/v1/avatar-session', { auth: `KS ${server.adminKs}`, body: {} });
    assert.equal(missing.status, 400);
    assert.match(missing.body.error as string, /visualConfig\.avatarId is required/);

    for (const speed of [0.1, 2.5]) {
      const response = await call(server.baseUrl, '/v1/avatar-session', {
        auth: `KS ${server.adminKs}`,
        body: { visualConfig: { avatarId }, voiceConfig: { speed } },
      });
      assert.equal(response.status, 400, String(speed));
      assert.match(response.body.error as string, /speed must be from 0.5 to 2/);
    }

    const wrongType = await call(server.baseUrl, '/v1/avatar-session', {
      auth: `KS ${server.adminKs}`,
      body: { visualConfig: { avatarId: 7 } },
    });
    assert.equal(wrongType.status, 400);
  });

  test('token expires no later than the session', async () => {
    const { token } = await createSession(server);
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    assert.equal(payload.iss, 'orator');
    assert.equal(payload.aud, 'orator:avatar-session');
    assert.equal(payload.partnerId, PARTNER.id);
    assert.equal(typeof payload.jti, 'string');
    const status = await call(server.baseUrl, `/v1/avatar-session/${payload.sub as string}`, { method: 'GET', auth: `Bearer ${token}` });
    assert.equal(status.status, 200);
    assert.ok((payload.exp as number) * 1000 <= Date.parse(status.body.expiresAt as string));
  });

  test('logs never contain a KS or a token', async () => {
    const { token } = await createSession(server);
    await call(server.baseUrl, '/v1/avatar-session', { auth: 'KS bogus', body: {} });
    const logs = server.logs.join('');
    assert.ok(logs.length > 0, 'the server logged nothing');
    assert.ok(!logs.includes(server.adminKs), 'a KS appears in the logs');
    assert.ok(!logs.includes(token), 'a token appears in the logs');
    assert.ok(!logs.includes(secret), 'a secret appears in the logs');
  });
});

describe('partner quota', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ partners: [{ ...PARTNER, maxConcurrentSessions: 2 }] });
  });
  after(() => server.close());

  test('third concurrent session is 429 until one ends', async () => {
    const first = await createSession(server);
    await createSession(server);

    const third = await call(server.baseUrl, '/v1/avatar-session', {
      auth: `KS ${server.adminKs}`,
      body: { visualConfig: { avatarId: firstAvatarId(server) } },
    });
    assert.equal(third.status, 429);
    assert.match(third.body.error as string, /maximum of 2 concurrent sessions/);

    await call(server.baseUrl, `/v1/avatar-session/${first.sessionId}/end`, { auth: `Bearer ${first.token}`, body: {} });
    await createSession(server);
  });
});

describe('failed authentication throttling', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ config: (config) => (config.limits.authFailuresPerAddress = 3) });
  });
  after(() => server.close());

  test('address is throttled with Retry-After', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      const response = await call(server.baseUrl, '/v1/avatar-session', { auth: 'KS bogus', body: {} });
      statuses.push(response.status);
      if (response.status === 429) {
        assert.match(response.headers.get('retry-after') ?? '', /^\d+$/);
        assert.equal(response.body.success, false);
      }
    }
    assert.deepEqual(statuses, [401, 401, 401, 429, 429]);

    // A valid KS from the throttled address waits too, so guessing cannot continue through it.
    const valid = await call(server.baseUrl, '/v1/avatar-session', {
      auth: `KS ${server.adminKs}`,
      body: { visualConfig: { avatarId: firstAvatarId(server) } },
    });
    assert.equal(valid.status, 429);
  });
});
