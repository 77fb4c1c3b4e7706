import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KsError, mintKs, verifyKs, verifyKsSignature, type VerifyKsOptions } from '../../src/ks/index.js';
import { ksBytes, rawKsV1, rawKsV2, TEST_SECRET, urlSafe } from './raw-ks.js';

const PID = 4321;
const NOW = 1_700_000_000;
const LATER = NOW + 3600;
const options: VerifyKsOptions = { secretsFor: (id) => (id === PID ? [TEST_SECRET] : undefined), nowSeconds: NOW };

function rejectsWith(code: string, ks?: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof KsError, `expected KsError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.ok(!error.message.includes(TEST_SECRET), 'message must not contain the secret');
    if (ks !== undefined) {
      assert.ok(!error.message.includes(ks), 'message must not contain the KS');
    }

    return true;
  };
}

function mintV2(extra: Partial<Parameters<typeof mintKs>[0]> = {}): string {
  return mintKs({ partnerId: PID, adminSecret: TEST_SECRET, type: 2, userId: 'alice', validUntil: LATER, ...extra });
}

test('v2 flipped ciphertext byte rejected', () => {
  const bytes = ksBytes(mintV2());
  const last = bytes.length - 5;
  bytes[last] = (bytes[last] as number) ^ 0x01;
  const ks = urlSafe(bytes);
  assert.throws(() => verifyKs(ks, options), rejectsWith('KS_SIGNATURE_MISMATCH', ks));
});

test('v1 flipped info byte rejected', () => {
  const ks = rawKsV1(`${PID};${PID};${LATER};2;1;alice;`);
  const bytes = ksBytes(ks);
  bytes[bytes.length - 3] = (bytes[bytes.length - 3] as number) ^ 0x01;
  const flipped = bytes.toString('base64');
  assert.throws(() => verifyKs(flipped, options), rejectsWith('KS_SIGNATURE_MISMATCH', flipped));
});

test('v2 mixed alphabet accepted', () => {
  // Look for random bytes whose KS contains both url-safe characters, then undo one of each kind.
  for (let seed = 0; seed < 256; seed++) {
    const ks = mintV2({ randomBytes: Buffer.alloc(16, seed) });
    if (!ks.includes('-') || !ks.includes('_')) {
      continue;
    }

    const mixed = ks.replace('-', '+');
    assert.ok(mixed.includes('+'));
    assert.ok(mixed.includes('_'));
    assert.equal(verifyKs(mixed, options).hash, verifyKs(ks, options).hash);
    const otherMix = ks.replace('_', '/');
    assert.equal(verifyKs(otherMix, options).hash, verifyKs(ks, options).hash);
    return;
  }

  assert.fail('no seed gave a KS with both - and _');
});

test('KS without padding accepted', () => {
  for (let length = 1; length <= 48; length++) {
    const userId = 'u'.repeat(length);
    const ks = mintV2({ userId });
    if (!ks.endsWith('=')) {
      continue;
    }

    const unpadded = ks.replace(/=+$/, '');
    assert.equal(verifyKs(unpadded, options).userId, userId);
    return;
  }

  assert.fail('no user id gave a padded KS');
});

test('KS with len%4==1 rejected', () => {
  for (let length = 1; length <= 48; length++) {
    const userId = 'u'.repeat(length);
    const ks = mintV2({ userId });
    if (ks.endsWith('=')) {
      continue;
    }

    assert.throws(() => verifyKs(`${ks}A`, options), rejectsWith('KS_MALFORMED'));
    return;
  }

  assert.fail('no user id gave an unpadded KS');
});

test('KS with data after padding rejected', () => {
  for (let length = 1; length <= 48; length++) {
    const userId = 'u'.repeat(length);
    const ks = mintV2({ userId });
    if (!ks.endsWith('=')) {
      continue;
    }

    assert.throws(() => verifyKs(`${ks}AAAA`, options), rejectsWith('KS_MALFORMED'));
    return;
  }

  assert.fail('no user id gave a padded KS');
});

test('v1 upper-case hash rejected', () => {
  const info = `${PID};${PID};${LATER};2;1;alice;`;
  const lower = rawKsV1(info);
  assert.equal(verifyKs(lower, options).userId, 'alice');

  const signature = ksBytes(lower).toString('latin1').split('|')[0] as string;
  assert.match(signature, /[a-f]/, 'the signature has letters to upper-case');
  const upper = rawKsV1(info, TEST_SECRET, signature.toUpperCase());
  assert.throws(() => verifyKs(upper, options), rejectsWith('KS_SIGNATURE_MISMATCH', upper));
});

test('v2 ciphertext not a multiple of 16 rejected', () => {
  const bytes = ksBytes(mintV2());
  for (const cut of [1, 15]) {
    const ks = urlSafe(bytes.subarray(0, bytes.length - cut));
    assert.throws(() => verifyKs(ks, options), rejectsWith('KS_SIGNATURE_MISMATCH', ks));
  }

  const extended = urlSafe(Buffer.concat([bytes, Buffer.from([1])]));
  assert.throws(() => verifyKs(extended, options), rejectsWith('KS_SIGNATURE_MISMATCH'));
});

test('v2 ciphertext shorter than SHA-1 rejected', () => {
  const ks = urlSafe(Buffer.concat([Buffer.from(`v2|${PID}|`), Buffer.alloc(16)]));
  assert.throws(() => verifyKs(ks, options), rejectsWith('KS_SIGNATURE_MISMATCH'));

  const empty = urlSafe(Buffer.from(`v2|${PID}|`));
  assert.throws(() => verifyKs(empty, options), rejectsWith('KS_SIGNATURE_MISMATCH'));
});

test('v2 missing _e is expired', () => {
  const ks = rawKsV2(PID, '_t=2&_u=alice');
  assert.throws(() => verifyKs(ks, options), rejectsWith('KS_EXPIRED', ks));

  const fields = verifyKsSignature(ks, options.secretsFor);
  assert.equal(fields.validUntil, null);
  assert.equal(fields.userId, 'alice');
});

test('v2 missing _t and _u', () => {
  const verified = verifyKs(rawKsV2(PID, `_e=${LATER}`), options);
  assert.equal(verified.type, 0);
  assert.equal(verified.isAdmin, false);
  assert.equal(verified.userId, null);
  assert.equal(verified.privileges, '');
});

test('type 1 counts as admin', () => {
  assert.equal(verifyKs(rawKsV2(PID, `_e=${LATER}&_t=1`), options).isAdmin, true);
  assert.equal(verifyKs(rawKsV1(`${PID};${PID};${LATER};1;0;;`), options).isAdmin, true);
});

test('v1 merges duplicate privileges', () => {
  const verified = verifyKs(rawKsV1(`${PID};${PID};${LATER};0;1;bob;edit:a,list:*,edit:b/c`), options);
  assert.equal(verified.privileges, 'edit:a,list:*,edit:b/c');
  assert.deepEqual(verified.parsedPrivileges.get('edit'), ['a', 'b', 'c']);
  assert.deepEqual(verified.parsedPrivileges.get('list'), ['*']);
});

test('v2 collapses duplicate privileges', () => {
  const minted = verifyKs(mintV2({ privileges: 'edit:a,list:*,edit:b' }), options);
  assert.equal(minted.privileges, 'edit:b,list:*');
  assert.deepEqual(minted.parsedPrivileges.get('edit'), ['b']);

  // parse_str: a later duplicate key wins, at the position of the first one.
  const raw = verifyKs(rawKsV2(PID, `edit=a&view=x&edit=b%2Fc&_e=${LATER}&_t=2&_u=bob`), options);
  assert.equal(raw.privileges, 'edit:b/c,view:x');
  assert.deepEqual(raw.parsedPrivileges.get('edit'), ['b', 'c']);
});

test('v2 later duplicate reserved key wins', () => {
  const verified = verifyKs(rawKsV2(PID, `_e=1&_u=a&_e=${LATER}&_u=b`), options);
  assert.equal(verified.validUntil, LATER);
  assert.equal(verified.userId, 'b');
});

test('star privilege round trip', () => {
  const v2 = mintV2({ privileges: '*' });
  assert.equal(verifyKs(v2, options).privileges, '*');
  assert.deepEqual(verifyKs(v2, options).parsedPrivileges.get('all'), ['*']);

  // The server stores "*" as all=%2A; a KS written that way by another minter reads the same.
  assert.equal(verifyKs(rawKsV2(PID, `all=%2A&_e=${LATER}&_t=2`), options).privileges, '*');
  assert.equal(verifyKs(rawKsV2(PID, `all=%2A&x=1&_e=${LATER}&_t=2`), options).privileges, 'all:*,x:1');

  const v1 = mintKs({ version: 1, partnerId: PID, adminSecret: TEST_SECRET, type: 2, validUntil: LATER, privileges: '*' });
  assert.equal(verifyKs(v1, options).privileges, '*');
});

test('v2 parse_str decoding rules', () => {
  const verified = verifyKs(rawKsV2(PID, `a+b=1&c.d=2&e[f]=3&noeq&sp=x+y%7E&_e=${LATER}&_u=u%40x.io`), options);
  assert.equal(verified.privileges, 'noeq,sp:x y~');
  assert.equal(verified.userId, 'u@x.io');
});

test('v2 non-integer partner id is unknown', () => {
  const ks = rawKsV2('12ab', `_e=${LATER}`);
  assert.throws(() => verifyKs(ks, { ...options, secretsFor: () => [TEST_SECRET] }), rejectsWith('KS_UNKNOWN_PARTNER'));
});

test('v2 without second pipe malformed', () => {
  const ks = urlSafe(Buffer.from(`v2|${PID}`));
  assert.throws(() => verifyKs(ks, options), rejectsWith('KS_MALFORMED'));
});

test('v2 ciphertext containing pipe', () => {
  for (let seed = 0; seed < 256; seed++) {
    const ks = mintV2({ randomBytes: Buffer.alloc(16, seed) });
    const bytes = ksBytes(ks);
    if (bytes.indexOf(0x7c, `v2|${PID}|`.length) === -1) {
      continue;
    }

    assert.equal(verifyKs(ks, options).userId, 'alice');
    return;
  }

  assert.fail('no seed gave a ciphertext with "|"');
});

test('v1 structural errors', () => {
  const noPipe = Buffer.from('abcdef;1;2').toString('base64');
  assert.throws(() => verifyKs(noPipe, options), rejectsWith('KS_MALFORMED'));

  const twoFields = rawKsV1(`${PID};${PID}`);
  assert.throws(() => verifyKs(twoFields, options), rejectsWith('KS_MALFORMED'));

  const badPartner = rawKsV1(`x${PID};${PID};${LATER}`);
  assert.throws(() => verifyKs(badPartner, options), rejectsWith('KS_UNKNOWN_PARTNER'));
});

test('v1 with three fields verifies', () => {
  const verified = verifyKs(rawKsV1(`${PID};${PID};${LATER}`), options);
  assert.equal(verified.userId, null);
  assert.equal(verified.privileges, '');
  assert.equal(verified.type, 0);
});

test('v1 server form fields', () => {
  const verified = verifyKs(rawKsV1(`${PID};${PID};${LATER};2;1699913600.5123;;view:*;-2;extra`), options);
  assert.equal(verified.userId, '');
  assert.equal(verified.masterPartnerId, '-2');
  assert.equal(verified.additionalData, 'extra');
});

test('negative partner id', () => {
  const ks = rawKsV1(`-5;-5;${LATER};2;14591;MediaServer;disableentitlement`);
  const verified = verifyKs(ks, { ...options, secretsFor: (id) => (id === -5 ? [TEST_SECRET] : undefined) });
  assert.equal(verified.partnerId, -5);
});

test('v1 non-numeric expiry is expired', () => {
  const ks = rawKsV1(`${PID};${PID};soon;2;1;alice;`);
  assert.throws(() => verifyKs(ks, options), rejectsWith('KS_EXPIRED'));
});

test('iprestrict enforced when client IP given', () => {
  const ks = mintV2({ privileges: 'iprestrict:10.0.0.1/10.0.0.2' });
  assert.equal(verifyKs(ks, { ...options, clientIp: '10.0.0.2' }).userId, 'alice');
  assert.equal(verifyKs(ks, { ...options, clientIp: '::ffff:10.0.0.1' }).userId, 'alice');
  assert.throws(() => verifyKs(ks, { ...options, clientIp: '10.0.0.3' }), rejectsWith('KS_IP_RESTRICTED'));
  assert.throws(() => verifyKs(ks, { ...options, clientIp: '::1' }), rejectsWith('KS_IP_RESTRICTED'));
  assert.doesNotThrow(() => verifyKs(ks, options));

  const unrestricted = mintV2();
  assert.doesNotThrow(() => verifyKs(unrestricted, { ...options, clientIp: '10.0.0.3' }));
});

test('v1 iprestrict items merge', () => {
  const ks = rawKsV1(`${PID};${PID};${LATER};2;1;a;iprestrict:10.0.0.1,iprestrict:10.0.0.2`);
  assert.doesNotThrow(() => verifyKs(ks, { ...options, clientIp: '10.0.0.2' }));
  assert.throws(() => verifyKs(ks, { ...options, clientIp: '10.0.0.9' }), rejectsWith('KS_IP_RESTRICTED'));
});

test('urirestrict enforced when request URI given', () => {
  const ks = mintV2({ privileges: 'urirestrict:/api_v3/service/session/*|/exact/path' });
  const allowed = ['/api_v3/service/session/action/get', '/api_v3/service/session/', '/exact/path'];
  for (const requestUri of allowed) {
    assert.doesNotThrow(() => verifyKs(ks, { ...options, requestUri }), requestUri);
  }

  const rejected = ['/exact/path/more', '/exact', '/api_v3/service/media', ''];
  for (const requestUri of rejected) {
    assert.throws(() => verifyKs(ks, { ...options, requestUri }), rejectsWith('KS_URI_RESTRICTED'));
  }

  assert.doesNotThrow(() => verifyKs(ks, options));
});

test('expiry checked before restrictions', () => {
  const ks = mintV2({ privileges: 'iprestrict:10.0.0.1', validUntil: NOW });
  assert.throws(() => verifyKs(ks, { ...options, clientIp: '10.0.0.9' }), rejectsWith('KS_EXPIRED'));
});

test('non-string KS is malformed', () => {
  assert.throws(() => verifyKs(undefined as unknown as string, options), rejectsWith('KS_MALFORMED'));
});
