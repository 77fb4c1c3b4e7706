import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyCredential, decodeBase64Url, isJwt } from '../src/credentials.js';

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (payload: Record<string, unknown>, header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' }): string =>
  `${b64url(header)}.${b64url(payload)}.c2lnbmF0dXJl`;

// A v2 KS: "v2|" + partner id + "|" + encrypted bytes, URL-safe base64 with "=" padding kept.
const ksV2 = Buffer.concat([Buffer.from('v2|12345|'), Buffer.alloc(48, 7)])
  .toString('base64')
  .replace(/\+/g, '-')
  .replace(/\//g, '_');
// A v1 KS: base64("<sha1 hex>|<info>").
const ksV1 = Buffer.from('0123456789abcdef0123456789abcdef01234567|12345;12345;1999999999;2;1234;user;privileges').toString('base64');

test('KS v1 and v2 are not JWTs', () => {
  for (const ks of [ksV1, ksV2]) {
    assert.equal(isJwt(ks), false, ks);
    assert.deepEqual(classifyCredential(ks), { kind: 'ks', ks });
  }
});

test('JWT gives session id from sub', () => {
  const token = jwt({ sub: 'sess_abc', exp: 1_900_000_000, scope: 'session' });
  assert.equal(isJwt(token), true);
  assert.deepEqual(classifyCredential(token), { kind: 'jwt', token, sessionId: 'sess_abc', expiresAt: 1_900_000_000 });
});

test('JWT without sub has no session id', () => {
  const result = classifyCredential(jwt({ exp: 5 }));
  assert.equal(result.kind, 'jwt');
  assert.equal(result.kind === 'jwt' ? result.sessionId : 'ks', undefined);
});

test('three parts without alg header are not a JWT', () => {
  const cases = [
    `${b64url({ typ: 'JWT' })}.${b64url({ sub: 'x' })}.sig`,
    `${b64url([1, 2])}.${b64url({})}.sig`,
    'not.a.jwt',
    `${b64url({ alg: 'HS256' })}.${b64url({})}`,
    `${b64url({ alg: 'HS256' })}.${b64url({})}.sig.extra`,
    `${b64url({ alg: 'HS256' })}.pay load.sig`,
  ];
  for (const value of cases) assert.equal(isJwt(value), false, value);
});

test('credential whitespace is trimmed', () => {
  const token = jwt({ sub: 's1' });
  const result = classifyCredential(`  ${token}\n`);
  assert.equal(result.kind, 'jwt');
});

test('empty or huge credential is rejected', () => {
  assert.throws(() => classifyCredential('   '), TypeError);
  assert.throws(() => classifyCredential('a'.repeat(20_000)), TypeError);
});

test('base64url decoding with and without padding', () => {
  assert.equal(decodeBase64Url('aGVsbG8'), 'hello');
  assert.equal(decodeBase64Url('aGVsbG8='), 'hello');
  assert.equal(decodeBase64Url(Buffer.from('ünï?>').toString('base64url')), 'ünï?>');
  assert.throws(() => decodeBase64Url('a'));
});
