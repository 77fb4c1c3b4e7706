import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { InMemoryKsRevocationStore, mintKs, verifyKs, type VerifiedKs } from '../../src/ks/index.js';
import { StaticPartnerRegistry, type Partner } from '../../src/partners/index.js';
import { kalturaSessionRoutes } from '../../src/routes/kaltura-session.js';
import { createKalturaClient } from '../helpers/kaltura-client.js';

const SECRET = 'primary-admin-secret-0123456789ab';
const SECOND_SECRET = 'second-admin-secret-0123456789ab';
const V1_SECRET = 'v1-partner-admin-secret-01234567';
const START = 1_700_000_000;

const partners: Partner[] = [
  {
    id: 1001,
    name: 'V2',
    adminSecrets: [SECRET, SECOND_SECRET],
    enabled: true,
    maxConcurrentSessions: 5,
    ksVersion: 2,
    ksMaxExpirySeconds: 3600,
  },
  { id: 1002, name: 'V1', adminSecrets: [V1_SECRET], enabled: true, maxConcurrentSessions: 5, ksVersion: 1, ksMaxExpirySeconds: 86400 },
  { id: 1003, name: 'Off', adminSecrets: [SECRET], enabled: false, maxConcurrentSessions: 5, ksVersion: 2, ksMaxExpirySeconds: 86400 },
];
const secretsFor = (id: number): string[] | undefined => partners.find((partner) => partner.id === id)?.adminSecrets;

const clock = START;
let app: FastifyInstance;
let baseUrl = '';

before(async () => {
  app = Fastify();
  await app.register(kalturaSessionRoutes, {
    partners: new StaticPartnerRegistry(partners),
    revocations: new InMemoryKsRevocationStore(1000, () => clock * 1000),
    nowSeconds: () => clock,
  });
  // A sibling route outside the plugin, to show the form parser stays inside the plugin's scope.
  app.post('/outside', async () => ({ ok: true }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

after(async () => {
  await app.close();
});

async function call(action: string, params: Record<string, unknown>, form = false): Promise<unknown> {
  const response = await app.inject({
    method: 'POST',
    url: `/api_v3/service/session/action/${action}`,
    ...(form
      ? {
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams(Object.entries(params).map(([key, value]): [string, string] => [key, String(value)])).toString(),
        }
      : { payload: { format: 1, ...params } }),
  });
  assert.equal(response.statusCode, 200, response.body);
  assert.match(response.headers['content-type'] as string, /^application\/json/);
  return response.json();
}

function assertException(body: unknown, code: string, message: string, args?: Record<string, string>): void {
  assert.equal((body as { objectType?: string }).objectType, 'KalturaAPIException');
  assert.equal((body as { code?: string }).code, code);
  assert.equal((body as { message?: string }).message, message);
  if (args) {
    assert.deepEqual((body as { args?: unknown }).args, args);
  }
}

function verifyAt(ks: string, now = clock): VerifiedKs {
  return verifyKs(ks, { secretsFor, nowSeconds: now });
}

test('start mints v2 KS from JSON', async () => {
  const ks = await call('start', { secret: SECRET, userId: 'alice', type: 2, partnerId: 1001, expiry: 600, privileges: 'sessionid:s1' });
  assert.equal(typeof ks, 'string');
  const verified = verifyAt(ks as string);
  assert.equal(verified.version, 2);
  assert.equal(verified.partnerId, 1001);
  assert.equal(verified.userId, 'alice');
  assert.equal(verified.type, 2);
  assert.equal(verified.validUntil, START + 600);
  assert.equal(verified.privileges, 'sessionid:s1');
});

test('start accepts form-encoded body', async () => {
  const ks = await call('start', { secret: SECRET, userId: 'bob', type: '0', partnerId: '1001', expiry: '60', format: '1' }, true);
  const verified = verifyAt(ks as string);
  assert.equal(verified.userId, 'bob');
  assert.equal(verified.type, 0);
  assert.equal(verified.validUntil, START + 60);
});

test('form parser scoped to plugin', async () => {
  const response = await app.inject({
    method: 'POST',
    url: '/outside',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'a=1',
  });
  assert.equal(response.statusCode, 415);
});

test('start defaults and expiry cap', async () => {
  const capped = verifyAt((await call('start', { secret: SECRET, partnerId: 1001, expiry: 999999 })) as string);
  assert.equal(capped.validUntil, START + 3600);
  assert.equal(capped.type, 0);
  assert.equal(capped.userId, '');

  const defaulted = verifyAt((await call('start', { secret: V1_SECRET, partnerId: 1002 })) as string);
  assert.equal(defaulted.validUntil, START + 86400);
});

test('start mints v1 for v1 partner', async () => {
  const ks = await call('start', { secret: V1_SECRET, partnerId: 1002, userId: 'carol', type: 2 });
  assert.equal(verifyAt(ks as string).version, 1);
});

test('start signs with matching additional secret', async () => {
  const ks = await call('start', { secret: SECOND_SECRET, partnerId: 1001, type: 2 });
  assert.equal(verifyKs(ks as string, { secretsFor: () => [SECOND_SECRET], nowSeconds: clock }).partnerId, 1001);
  assert.throws(() => verifyKs(ks as string, { secretsFor: () => [SECRET], nowSeconds: clock }));
});

const startFailures: Array<{ name: string; params: Record<string, unknown>; pid: string }> = [
  { name: 'wrong secret', params: { secret: `${SECRET}x`, partnerId: 1001 }, pid: '1001' },
  { name: 'missing secret', params: { partnerId: 1001 }, pid: '1001' },
  { name: 'unknown partner', params: { secret: SECRET, partnerId: 4242 }, pid: '4242' },
  { name: 'disabled partner', params: { secret: SECRET, partnerId: 1003 }, pid: '1003' },
  { name: 'missing partner', params: { secret: SECRET }, pid: '' },
  { name: 'non-numeric partner', params: { secret: SECRET, partnerId: 'abc' }, pid: '' },
  { name: 'type 1', params: { secret: SECRET, partnerId: 1001, type: 1 }, pid: '1001' },
  { name: 'negative expiry', params: { secret: SECRET, partnerId: 1001, expiry: -5 }, pid: '1001' },
  { name: 'invalid privilege', params: { secret: SECRET, partnerId: 1001, privileges: 'iprestrict:host' }, pid: '1001' },
];

for (const row of startFailures) {
  test(`start fails: ${row.name}`, async () => {
    const body = await call('start', row.params);
    assertException(body, 'START_SESSION_ERROR', `Error while starting session for partner [${row.pid}]`, { PID: row.pid });
    assert.ok(!JSON.stringify(body).includes(SECRET.slice(0, 12)));
  });
}

test('get returns session info', async () => {
  const ks = (await call('start', { secret: SECRET, partnerId: 1001, userId: 'dave', type: 2, expiry: 120, privileges: '*' })) as string;
  const info = await call('get', { ks });
  assert.deepEqual(info, {
    objectType: 'KalturaSessionInfo',
    ks,
    partnerId: 1001,
    userId: 'dave',
    expiry: START + 120,
    sessionType: 2,
    privileges: '*',
  });

  const other = mintKs({ partnerId: 1002, adminSecret: V1_SECRET, type: 0, userId: 'erin', validUntil: START + 10 });
  const otherInfo = (await call('get', { ks, session: other })) as { userId: string; ks: string; partnerId: number };
  assert.equal(otherInfo.userId, 'erin');
  assert.equal(otherInfo.ks, other);
  assert.equal(otherInfo.partnerId, 1002);
});

test('get without KS', async () => {
  assertException(await call('get', {}), 'MISSING_KS', 'Missing KS, session not established', {});
});

test('get rejects invalid KS without echoing it', async () => {
  const wrongSecret = mintKs({ partnerId: 1001, adminSecret: 'not-the-partner-secret-000', type: 2, validUntil: START + 60 });
  const cases: Array<{ ks: string; reason: string }> = [
    { ks: 'not base64 !!', reason: 'INVALID_STR' },
    { ks: wrongSecret, reason: 'INVALID_STR' },
    { ks: mintKs({ partnerId: 1001, adminSecret: SECRET, type: 2, validUntil: START }), reason: 'EXPIRED' },
    { ks: mintKs({ partnerId: 1003, adminSecret: SECRET, type: 2, validUntil: START + 60 }), reason: 'INVALID_STR' },
    {
      ks: mintKs({ partnerId: 1001, adminSecret: SECRET, type: 2, validUntil: START + 60, privileges: 'iprestrict:10.9.9.9' }),
      reason: 'EXCEEDED_RESTRICTED_IP',
    },
    {
      ks: mintKs({ partnerId: 1001, adminSecret: SECRET, type: 2, validUntil: START + 60, privileges: 'urirestrict:/other/*' }),
      reason: 'EXCEEDED_RESTRICTED_URI',
    },
  ];

  for (const row of cases) {
    const body = await call('get', { ks: row.ks });
    assertException(body, 'INVALID_KS', `Invalid KS "${row.reason}", Error "-1,INVALID_STR"`, {
      KSID: row.reason,
      ERR_CODE: '-1',
      ERR_DESC: 'INVALID_STR',
    });
    assert.ok(!JSON.stringify(body).includes(row.ks), 'error must not echo the KS');
  }
});

test('restrictions pass for matching request', async () => {
  const ks = mintKs({
    partnerId: 1001,
    adminSecret: SECRET,
    type: 2,
    validUntil: START + 60,
    privileges: 'iprestrict:127.0.0.1,urirestrict:/api_v3/service/session/*',
  });
  const info = (await call('get', { ks })) as { objectType: string };
  assert.equal(info.objectType, 'KalturaSessionInfo');
});

test('end revokes the KS', async () => {
  const ks = (await call('start', { secret: SECRET, partnerId: 1001, type: 2 })) as string;
  const unrelated = (await call('start', { secret: SECRET, partnerId: 1001, type: 2 })) as string;

  assert.equal(await call('end', { ks }), null);
  assertException(await call('get', { ks }), 'INVALID_KS', 'Invalid KS "LOGOUT", Error "-1,INVALID_STR"');
  assertException(await call('end', { ks }), 'INVALID_KS', 'Invalid KS "LOGOUT", Error "-1,INVALID_STR"');
  assert.equal(((await call('get', { ks: unrelated })) as { objectType: string }).objectType, 'KalturaSessionInfo');

  // Re-encoding with the other base64 alphabet does not escape revocation.
  const standard = Buffer.from(ks.replaceAll('-', '+').replaceAll('_', '/'), 'base64').toString('base64');
  assertException(await call('get', { ks: standard }), 'INVALID_KS', 'Invalid KS "LOGOUT", Error "-1,INVALID_STR"');
});

test('end revokes the sessionid group', async () => {
  const first = (await call('start', { secret: SECRET, partnerId: 1001, type: 2, privileges: 'sessionid:group-7' })) as string;
  const second = (await call('start', { secret: SECRET, partnerId: 1001, type: 0, privileges: 'sessionid:group-7' })) as string;
  const otherGroup = (await call('start', { secret: SECRET, partnerId: 1001, type: 0, privileges: 'sessionid:group-8' })) as string;

  assert.equal(await call('end', { ks: first }), null);
  assertException(await call('get', { ks: second }), 'INVALID_KS', 'Invalid KS "LOGOUT", Error "-1,INVALID_STR"');
  assert.equal(((await call('get', { ks: otherGroup })) as { objectType: string }).objectType, 'KalturaSessionInfo');
});

test('end without KS', async () => {
  assertException(await call('end', {}), 'MISSING_KS', 'Missing KS, session not established');
});

test('unknown action', async () => {
  assertException(await call('impersonate', {}), 'ACTION_DOES_NOT_EXISTS', 'Action "impersonate" does not exists for service "session"');
});

test('malformed body answered in Kaltura shape', async () => {
  const response = await app.inject({
    method: 'POST',
    url: '/api_v3/service/session/action/start',
    headers: { 'content-type': 'application/json' },
    payload: `{"secret": "${SECRET}", `,
  });
  assert.equal(response.statusCode, 400);
  assert.equal(response.json().objectType, 'KalturaAPIException');
  assert.ok(!response.body.includes(SECRET));
});

test('kaltura-client start, get and end over HTTP', async () => {
  const { client, session } = createKalturaClient(baseUrl);

  const ks = await session.start(SECRET, 'frank', 2, 1001, 300, 'sessionid:kc').execute(client);
  assert.equal(verifyAt(ks).userId, 'frank');

  client.setKs(ks);
  const info = await session.get().execute(client);
  assert.equal(info.objectType, 'KalturaSessionInfo');
  assert.equal(info.partnerId, 1001);
  assert.equal(info.userId, 'frank');
  assert.equal(info.expiry, START + 300);
  assert.equal(info.sessionType, 2);
  assert.equal(info.privileges, 'sessionid:kc');

  const other = await session.start(SECRET, 'grace', 0, 1001).execute(client);
  const otherInfo = await session.get(other).execute(client);
  assert.equal(otherInfo.userId, 'grace');

  await session.end().execute(client);
  await assert.rejects(session.get().execute(client), (error: { code?: string; message?: string }) => {
    assert.equal(error.code, 'INVALID_KS');
    assert.equal(error.message, 'Invalid KS "LOGOUT", Error "-1,INVALID_STR"');
    return true;
  });

  await assert.rejects(session.start('wrong-secret-value-000000', 'x', 0, 1001).execute(client), (error: { code?: string }) => {
    assert.equal(error.code, 'START_SESSION_ERROR');
    return true;
  });
});
