import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeKsUnverified, KsError, mintKs, verifyKs, type MintKsOptions } from '../../src/ks/index.js';
import { ksBytes, TEST_SECRET } from './raw-ks.js';

const PID = 777;
const NOW = 1_700_000_000;
const secretsFor = (id: number): string[] | undefined => (id === PID ? [TEST_SECRET] : undefined);
const base: MintKsOptions = { partnerId: PID, adminSecret: TEST_SECRET, type: 0, expirySeconds: 600, nowSeconds: NOW };

const invalidInput = (error: unknown): boolean => {
  assert.ok(error instanceof KsError);
  assert.equal(error.code, 'KS_INVALID_MINT_INPUT');
  assert.ok(!error.message.includes(TEST_SECRET));
  return true;
};

const roundTrips: Array<{ name: string; options: Partial<MintKsOptions> }> = [
  { name: 'v2 user', options: { version: 2, userId: 'user@example.com', privileges: 'sview:1_abcd,privacycontext:MS' } },
  { name: 'v2 admin unicode user', options: { version: 2, type: 2, userId: 'Zoë Ünïcode ~*', privileges: 'edit:*' } },
  { name: 'v2 without user', options: { version: 2, userId: undefined, privileges: '' } },
  { name: 'v2 master and data', options: { version: 2, masterPartnerId: '99', additionalData: 'a b&c=d' } },
  { name: 'v1 server form', options: { version: 1, type: 2, userId: 'admin', privileges: 'disableentitlement,sessionid:s1' } },
  { name: 'v1 client form', options: { version: 1, v1Form: 'client', userId: 'u1', privileges: 'sview:*' } },
  { name: 'v1 server form master', options: { version: 1, masterPartnerId: '55', additionalData: 'extra' } },
];

for (const row of roundTrips) {
  test(`mint then verify: ${row.name}`, () => {
    const options = { ...base, ...row.options };
    const ks = mintKs(options);
    const verified = verifyKs(ks, { secretsFor, nowSeconds: NOW });

    assert.equal(verified.version, options.version ?? 2);
    assert.equal(verified.partnerId, PID);
    assert.equal(verified.validUntil, NOW + 600);
    assert.equal(verified.type, options.type);
    assert.equal(verified.isAdmin, options.type === 2);
    const expectedUser = options.userId ?? (options.version === 1 ? '' : null);
    assert.equal(verified.userId, expectedUser);
    assert.equal(verified.privileges, options.privileges ?? '');
    const expectedMaster = options.masterPartnerId ?? (options.version === 1 && options.v1Form !== 'client' ? '' : null);
    assert.equal(verified.masterPartnerId, expectedMaster);
    assert.match(verified.hash, /^[0-9a-f]{40}$/);
    assert.throws(() => verifyKs(ks, { secretsFor, nowSeconds: NOW + 600 }), /expired/);
  });
}

test('v2 is the default version', () => {
  const ks = mintKs(base);
  assert.ok(ks.startsWith('djJ8'));
  assert.equal(decodeKsUnverified(ks).version, 2);
});

test('v2 keeps = padding and url-safe alphabet', () => {
  let sawPadding = false;
  for (let length = 0; length < 48; length++) {
    const ks = mintKs({ ...base, userId: 'x'.repeat(length) });
    assert.match(ks, /^[A-Za-z0-9_-]+={0,2}$/);
    assert.equal(ks.length % 4, 0);
    sawPadding ||= ks.endsWith('=');
  }

  assert.ok(sawPadding);
});

test('v1 uses standard base64 with padding', () => {
  for (let length = 0; length < 6; length++) {
    const ks = mintKs({ ...base, version: 1, userId: '?>'.repeat(length + 20) });
    assert.match(ks, /^[A-Za-z0-9+/]+={0,2}$/);
    assert.equal(ks.length % 4, 0);
  }
});

test('v1 field layouts', () => {
  const random = Buffer.from([0x12, 0x34]);
  const server = mintKs({ ...base, version: 1, userId: 'u', privileges: 'p', randomBytes: random });
  const serverInfo = ksBytes(server).toString('utf8').split('|')[1];
  assert.equal(serverInfo, `${PID};${PID};${NOW + 600};0;${NOW}.${0x1234 % 10000};u;p;;`);

  const client = mintKs({ ...base, version: 1, v1Form: 'client', userId: 'u', privileges: 'p', randomBytes: random });
  const clientInfo = ksBytes(client).toString('utf8').split('|')[1];
  assert.equal(clientInfo, `${PID};${PID};${NOW + 600};0;${0x1234};u;p`);
});

test('v2 fresh random bytes each mint', () => {
  const first = mintKs(base);
  const second = mintKs(base);
  assert.notEqual(first, second);
  assert.notEqual(verifyKs(first, { secretsFor, nowSeconds: NOW }).hash, verifyKs(second, { secretsFor, nowSeconds: NOW }).hash);
});

test('privilege items form', () => {
  const ks = mintKs({ ...base, privileges: [{ name: 'sview', value: '0_a/0_b' }, { name: 'list', value: '*' }, { name: 'edituser' }] });
  const verified = verifyKs(ks, { secretsFor, nowSeconds: NOW });
  assert.equal(verified.privileges, 'sview:0_a/0_b,list:*,edituser');
  assert.deepEqual(verified.parsedPrivileges.get('sview'), ['0_a', '0_b']);
  assert.deepEqual(verified.parsedPrivileges.get('edituser'), []);
});

const rejected: Array<{ name: string; options: Partial<MintKsOptions> }> = [
  { name: 'semicolon in v1 user', options: { version: 1, userId: 'a;b' } },
  { name: 'semicolon in v1 privileges', options: { version: 1, privileges: 'edit:a;b' } },
  { name: 'comma in privilege value', options: { privileges: [{ name: 'edit', value: 'a,b' }] } },
  { name: 'colon in privilege name', options: { privileges: [{ name: 'ed:it', value: 'a' }] } },
  { name: 'empty privilege name', options: { privileges: ':value' } },
  { name: 'reserved name', options: { privileges: '_e:1' } },
  { name: 'dot in name', options: { privileges: 'a.b:1' } },
  { name: 'iprestrict hostname', options: { privileges: 'iprestrict:example.com' } },
  { name: 'iprestrict IPv6', options: { privileges: 'iprestrict:::1' } },
  { name: 'iprestrict octet 256', options: { privileges: 'iprestrict:10.0.0.256' } },
  { name: 'iprestrict empty part', options: { privileges: 'iprestrict:10.0.0.1/' } },
  { name: 'actionslimit zero', options: { privileges: 'actionslimit:0' } },
  { name: 'actionslimit negative', options: { privileges: 'actionslimit:-3' } },
  { name: 'actionslimit text', options: { privileges: 'actionslimit:ten' } },
  { name: 'NUL in user', options: { userId: 'a\0' } },
  { name: 'type 1', options: { type: 1 as 0 } },
  { name: 'version 3', options: { version: 3 as 2 } },
  { name: 'fractional partner', options: { partnerId: 1.5 } },
  { name: 'empty secret', options: { adminSecret: '' } },
  { name: 'zero expiry', options: { expirySeconds: 0 } },
  { name: 'both expiries', options: { validUntil: NOW + 10 } },
  { name: 'no expiry', options: { expirySeconds: undefined } },
  { name: 'short random', options: { randomBytes: Buffer.alloc(8) } },
  { name: 'user too long', options: { userId: 'u'.repeat(1025) } },
];

for (const row of rejected) {
  test(`mint rejects ${row.name}`, () => {
    assert.throws(() => mintKs({ ...base, ...row.options }), invalidInput);
  });
}

test('mint accepts valid restrictions', () => {
  const ks = mintKs({ ...base, privileges: 'iprestrict:10.0.0.1/192.168.1.255,actionslimit:5' });
  const verified = verifyKs(ks, { secretsFor, nowSeconds: NOW });
  assert.deepEqual(verified.parsedPrivileges.get('iprestrict'), ['10.0.0.1', '192.168.1.255']);
  assert.deepEqual(verified.parsedPrivileges.get('actionslimit'), ['5']);
});

test('v2 accepts semicolon where v1 rejects', () => {
  const ks = mintKs({ ...base, userId: 'a;b' });
  assert.equal(verifyKs(ks, { secretsFor, nowSeconds: NOW }).userId, 'a;b');
});
