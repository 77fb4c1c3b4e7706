import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { SessionTokens, TokenError } from '../../src/auth/session-token.js';

const encoder = new TextEncoder();
const OLD_KEY = { kid: '2026-11', secret: encoder.encode('old-key-old-key-old-key-old-key-old!') };
const NEW_KEY = { kid: '2026-12', secret: encoder.encode('new-key-new-key-new-key-new-key-new!') };

async function rejectionCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof TokenError);
    return error.code;
  }
  return 'accepted';
}

test('token carries the session claims', async () => {
  const tokens = new SessionTokens([NEW_KEY]);
  const expiresAt = Date.now() + 60_000;
  const claims = await tokens.verify(await tokens.sign('session-1', 77, expiresAt));
  assert.equal(claims.sessionId, 'session-1');
  assert.equal(claims.partnerId, 77);
  assert.equal(claims.exp, Math.floor(expiresAt / 1000));
  assert.match(claims.jti, /^[0-9a-f-]{36}$/);
});

test('rotation signs with the first key and verifies with any', async () => {
  const before = new SessionTokens([OLD_KEY]);
  const during = new SessionTokens([NEW_KEY, OLD_KEY]);
  const afterRotation = new SessionTokens([NEW_KEY]);

  const oldToken = await before.sign('s', 1, Date.now() + 60_000);
  const newToken = await during.sign('s', 1, Date.now() + 60_000);
  assert.equal(JSON.parse(Buffer.from(newToken.split('.')[0]!, 'base64url').toString()).kid, NEW_KEY.kid);

  assert.equal((await during.verify(oldToken)).sessionId, 's');
  assert.equal((await afterRotation.verify(newToken)).sessionId, 's');
  assert.equal(await rejectionCode(afterRotation.verify(oldToken)), 'TOKEN_UNKNOWN_KEY');
});

test('expired, foreign and malformed tokens are rejected', async () => {
  const tokens = new SessionTokens([NEW_KEY]);
  assert.equal(await rejectionCode(tokens.verify(await tokens.sign('s', 1, Date.now() - 5_000))), 'TOKEN_EXPIRED');

  const wrongAudience = await new SignJWT({ partnerId: 1 })
    .setProtectedHeader({ alg: 'HS256', kid: NEW_KEY.kid })
    .setIssuer('orator')
    .setAudience('someone-else')
    .setSubject('s')
    .setJti('j')
    .setExpirationTime('1m')
    .sign(NEW_KEY.secret);
  assert.equal(await rejectionCode(tokens.verify(wrongAudience)), 'TOKEN_INVALID');

  const noneAlg = `${Buffer.from(JSON.stringify({ alg: 'none', kid: NEW_KEY.kid })).toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 's' })).toString('base64url')}.`;
  assert.equal(await rejectionCode(tokens.verify(noneAlg)), 'TOKEN_INVALID');
  assert.equal(await rejectionCode(tokens.verify('')), 'TOKEN_INVALID');
  assert.equal(await rejectionCode(tokens.verify('x'.repeat(5000))), 'TOKEN_INVALID');
});
