import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeKsUnverified, KsError, mintKs, verifyKs } from '../../src/ks/index.js';
import { loadKsVectors } from './fixture.js';

const { fixture, skip } = loadKsVectors();
const vectors = fixture?.vectors ?? [];
const secret = fixture?.adminSecret ?? '';
const partnerId = fixture?.partnerId ?? 0;
const verifyAt = fixture?.verifyAt ?? 0;

function rejectsWith(code: string): (error: unknown) => boolean {
  return (error) => error instanceof KsError && error.code === code;
}

test('golden vector file is present', { skip }, () => {
  assert.ok(vectors.length >= 2);
});

for (const vector of vectors) {
  test(`vector verifies: ${vector.name}`, () => {
    const verified = verifyKs(vector.ks, {
      secretsFor: (id) => (id === partnerId ? [secret] : undefined),
      nowSeconds: verifyAt,
    });

    assert.equal(verified.version, vector.expect.version);
    assert.equal(verified.partnerId, vector.expect.partnerId);
    assert.equal(verified.validUntil, vector.expect.validUntil);
    assert.equal(verified.type, vector.expect.type);
    assert.equal(verified.isAdmin, vector.expect.type >= 1);
    assert.equal(verified.userId, vector.expect.userId);
    assert.equal(verified.privileges, vector.expect.privileges);
    assert.equal(verified.hash, vector.expect.hash);
  });

  test(`vector expired at validUntil: ${vector.name}`, () => {
    const options = { secretsFor: () => [secret] };
    assert.throws(() => verifyKs(vector.ks, { ...options, nowSeconds: vector.expect.validUntil }), rejectsWith('KS_EXPIRED'));
    assert.doesNotThrow(() => verifyKs(vector.ks, { ...options, nowSeconds: vector.expect.validUntil - 1 }));
  });

  test(`vector rejects wrong secret: ${vector.name}`, () => {
    const wrong = secret.slice(0, -1) + (secret.endsWith('0') ? '1' : '0');
    assert.throws(() => verifyKs(vector.ks, { secretsFor: () => [wrong], nowSeconds: verifyAt }), rejectsWith('KS_SIGNATURE_MISMATCH'));
  });

  test(`vector matches second admin secret: ${vector.name}`, () => {
    const verified = verifyKs(vector.ks, {
      secretsFor: () => ['another-admin-secret-aaaaaaaaaaaa', secret],
      nowSeconds: verifyAt,
    });
    assert.equal(verified.hash, vector.expect.hash);
  });

  test(`vector of unknown partner rejected: ${vector.name}`, () => {
    assert.throws(() => verifyKs(vector.ks, { secretsFor: () => undefined, nowSeconds: verifyAt }), rejectsWith('KS_UNKNOWN_PARTNER'));
    assert.throws(() => verifyKs(vector.ks, { secretsFor: () => [], nowSeconds: verifyAt }), rejectsWith('KS_UNKNOWN_PARTNER'));
  });

  test(`vector decodes unverified: ${vector.name}`, () => {
    const decoded = decodeKsUnverified(vector.ks);
    assert.equal(decoded.version, vector.expect.version);
    assert.equal(decoded.partnerId, vector.expect.partnerId);
    if (decoded.version === 1) {
      assert.equal(decoded.userId, vector.expect.userId);
      assert.equal(decoded.privileges, vector.expect.privileges);
      assert.equal(decoded.validUntil, vector.expect.validUntil);
      assert.equal(decoded.hash, vector.expect.hash);
    } else {
      assert.deepEqual(Object.keys(decoded).sort(), ['partnerId', 'version']);
    }
  });
}

test('mintKs reproduces v2 vector byte for byte', { skip }, () => {
  const vector = vectors.find((candidate) => candidate.expect.version === 2);
  assert.ok(vector?.randomHex, 'fixture has a v2 vector with randomHex');

  const minted = mintKs({
    version: 2,
    partnerId: vector.expect.partnerId,
    adminSecret: secret,
    type: vector.expect.type as 0 | 2,
    userId: vector.expect.userId,
    privileges: vector.expect.privileges,
    validUntil: vector.expect.validUntil,
    randomBytes: Buffer.from(vector.randomHex, 'hex'),
  });
  assert.equal(minted, vector.ks);
});

test('mintKs reproduces v1 client vector', { skip }, () => {
  const vector = vectors.find((candidate) => candidate.expect.version === 1);
  assert.ok(vector);

  // The vector's rand field is 4242, which is 0x1092 read as a 16-bit big-endian value.
  const minted = mintKs({
    version: 1,
    v1Form: 'client',
    partnerId: vector.expect.partnerId,
    adminSecret: secret,
    type: vector.expect.type as 0 | 2,
    userId: vector.expect.userId,
    privileges: vector.expect.privileges,
    validUntil: vector.expect.validUntil,
    randomBytes: Buffer.from('1092', 'hex'),
  });
  assert.equal(minted, vector.ks);
});
