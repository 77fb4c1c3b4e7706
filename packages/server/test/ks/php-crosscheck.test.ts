import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { decodeKsBase64, mintKs, verifyKs } from '../../src/ks/index.js';

// Cross-checks against a KS reference written in PHP, the language of Kaltura's server, so that
// PHP's own http_build_query, parse_str, strict base64_decode and OpenSSL binding are the oracle.
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'php-crosscheck.php');
const phpAvailable = spawnSync('php', ['-r', 'exit(function_exists("openssl_encrypt") ? 0 : 1);']).status === 0;
if (!phpAvailable && process.env.CI === 'true') {
  throw new Error('php with OpenSSL is required in CI for the KS cross-check (Debian package php-cli)');
}

const skip = phpAvailable ? false : 'php-cli with OpenSSL not installed (Debian package php-cli); skipped outside CI';

function runPhp(operations: object[]): unknown[] {
  const output = execFileSync('php', [SCRIPT], { input: JSON.stringify(operations), encoding: 'utf8' });
  return JSON.parse(output) as unknown[];
}

const SECRET = 'cross-check-secret-0f1e2d3c4b5a6978';
const PID = 2_468_024;
const NOW = 1_700_000_000;
const VALID_UNTIL = NOW + 3600;

const samples = [
  { type: 0, userId: 'user@example.com', privileges: 'sview:1_abcd1234,privacycontext:MediaSpace' },
  { type: 2, userId: "Zoë Ünïcode ~*!'()", privileges: '*' },
  { type: 2, userId: '', privileges: 'edit:a,edit:b,list:*' },
  { type: 0, userId: 'a+b&c=d%e', privileges: 'urirestrict:/api_v3/*|/x?y=1,iprestrict:10.0.0.1/10.0.0.2' },
  { type: 0, userId: 'x'.repeat(77), privileges: 'disableentitlementforentry:0_a/0_b,sessionid:abc' },
];

test('PHP mint equals mintKs byte for byte', { skip }, () => {
  const randoms = samples.map(() => randomBytes(16));
  const phpKs = runPhp(
    samples.map((sample, index) => ({
      op: 'mintV2',
      secret: SECRET,
      partnerId: PID,
      validUntil: VALID_UNTIL,
      randomHex: randoms[index]?.toString('hex'),
      ...sample,
    })),
  );

  samples.forEach((sample, index) => {
    const ours = mintKs({
      partnerId: PID,
      adminSecret: SECRET,
      type: sample.type as 0 | 2,
      userId: sample.userId,
      privileges: sample.privileges,
      validUntil: VALID_UNTIL,
      randomBytes: randoms[index],
    });
    assert.equal(ours, phpKs[index], `sample ${index}`);
  });
});

test('PHP-minted v2 verifies with verifyKs', { skip }, () => {
  const phpKs = runPhp(
    samples.map((sample) => ({
      op: 'mintV2',
      secret: SECRET,
      partnerId: PID,
      validUntil: VALID_UNTIL,
      randomHex: randomBytes(16).toString('hex'),
      ...sample,
    })),
  ) as string[];

  samples.forEach((sample, index) => {
    const verified = verifyKs(phpKs[index] as string, { secretsFor: () => [SECRET], nowSeconds: NOW });
    assert.equal(verified.userId, sample.userId);
    assert.equal(verified.type, sample.type);
    assert.equal(verified.validUntil, VALID_UNTIL);
    const expected = sample.privileges === 'edit:a,edit:b,list:*' ? 'edit:b,list:*' : sample.privileges;
    assert.equal(verified.privileges, expected);
  });
});

test('PHP-minted v1 verifies with verifyKs', { skip }, () => {
  const [ks] = runPhp([
    { op: 'mintV1', secret: SECRET, partnerId: PID, validUntil: VALID_UNTIL, type: 2, userId: 'admin', privileges: 'edit:a,edit:b' },
  ]) as string[];
  const verified = verifyKs(ks as string, { secretsFor: () => [SECRET], nowSeconds: NOW });
  assert.equal(verified.version, 1);
  assert.equal(verified.userId, 'admin');
  assert.deepEqual(verified.parsedPrivileges.get('edit'), ['a', 'b']);
});

test('mintKs output verifies in PHP', { skip }, () => {
  const minted = samples.map((sample) =>
    mintKs({
      partnerId: PID,
      adminSecret: SECRET,
      type: sample.type as 0 | 2,
      userId: sample.userId,
      privileges: sample.privileges,
      validUntil: VALID_UNTIL,
    }),
  );
  const results = runPhp(minted.map((ks) => ({ op: 'verifyV2', secret: SECRET, ks }))) as Array<Record<string, unknown> | null>;

  minted.forEach((ks, index) => {
    const php = results[index];
    assert.ok(php, `PHP rejected sample ${index}`);
    const ours = verifyKs(ks, { secretsFor: () => [SECRET], nowSeconds: NOW });
    assert.equal(php.partnerId, ours.partnerId);
    assert.equal(php.validUntil, ours.validUntil);
    assert.equal(php.type, ours.type);
    assert.equal(php.userId, ours.userId);
    assert.equal(php.privileges, ours.privileges);
    assert.equal(php.hash, ours.hash);
  });

  const [wrong] = runPhp([{ op: 'verifyV2', secret: `${SECRET}x`, ks: minted[0] }]);
  assert.equal(wrong, null);
});

test('strict base64 agrees with PHP', { skip }, () => {
  const inputs = [
    'YWJjZA==',
    'YWJjZA',
    'YWJjZA=',
    'YWJjZA===',
    'YWJj=',
    'YWJjZ',
    'YWJjZA==YQ',
    '+/+/',
    ' YW\tJj\r\nZA== ',
    'YWJjZA= =',
    'YWJj\vZA==',
    'YWJj*ZA==',
    'YWJj-ZA',
    'MA==',
    'MDA=',
    '==',
    'QQ',
    'QR',
    'QUI',
    'QUJ',
    '====',
  ];
  // The KS decoder maps - and _ first, so PHP gets the mapped string; PHP's falsy results
  // ("" and "0") are invalid KS as well.
  const php = runPhp(inputs.map((input) => ({ op: 'base64', input: input.replaceAll('-', '+').replaceAll('_', '/') })));
  inputs.forEach((input, index) => {
    const phpHex = php[index] as string | null;
    const phpValid = phpHex !== null && phpHex !== '' && phpHex !== '30';
    let ours: string | null;
    try {
      ours = decodeKsBase64(input).toString('hex');
    } catch {
      ours = null;
    }

    assert.equal(ours, phpValid ? phpHex : null, `input ${JSON.stringify(input)}`);
  });
});
