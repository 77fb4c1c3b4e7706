import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { InMemoryKsRevocationStore, mintKs, revocationKeys, verifyKs } from '../../src/ks/index.js';
import { ksBytes, TEST_SECRET, urlSafe } from './raw-ks.js';

const PID = 55;
const NOW = 1_700_000_000;
const secretsFor = (): string[] => [TEST_SECRET];

test('revocation keys of v2 KS', () => {
  const ks = mintKs({ partnerId: PID, adminSecret: TEST_SECRET, type: 2, validUntil: NOW + 60, privileges: 'sessionid:group-1' });
  const verified = verifyKs(ks, { secretsFor, nowSeconds: NOW });
  const expectedGroupKey = createHash('sha1').update(`${PID}_group-1`).digest('hex');
  assert.deepEqual(revocationKeys(verified), [verified.hash, expectedGroupKey]);
});

test('revocation keys without sessionid', () => {
  const ks = mintKs({ version: 1, partnerId: PID, adminSecret: TEST_SECRET, type: 0, validUntil: NOW + 60 });
  const verified = verifyKs(ks, { secretsFor, nowSeconds: NOW });
  assert.deepEqual(revocationKeys(verified), [verified.hash]);
  assert.equal(verified.hash, ksBytes(ks).toString('latin1').split('|')[0]);
});

test('revocation hash survives re-encoding', () => {
  const ks = mintKs({ partnerId: PID, adminSecret: TEST_SECRET, type: 0, validUntil: NOW + 60 });
  const standard = ksBytes(ks).toString('base64').replace(/=+$/, '');
  assert.notEqual(standard, ks);
  assert.equal(verifyKs(standard, { secretsFor, nowSeconds: NOW }).hash, verifyKs(ks, { secretsFor, nowSeconds: NOW }).hash);
  assert.equal(urlSafe(ksBytes(standard)), ks);
});

test('in-memory store revokes until expiry', async () => {
  let now = 1_000;
  const store = new InMemoryKsRevocationStore(10, () => now);
  await store.revoke(['a', 'b'], 2_000);

  assert.equal(await store.isRevoked(['x', 'b']), true);
  assert.equal(await store.isRevoked(['x']), false);

  now = 2_000;
  assert.equal(await store.isRevoked(['a']), false);
});

test('in-memory store rejects when full', async () => {
  const store = new InMemoryKsRevocationStore(2, () => 0);
  await store.revoke(['a', 'b'], 10);
  await assert.rejects(store.revoke(['c'], 10), /full/);
  await store.revoke(['a'], 20);
  assert.equal(await store.isRevoked(['a']), true);
});
