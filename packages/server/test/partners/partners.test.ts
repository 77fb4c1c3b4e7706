import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  adminSecretsOf,
  createDevelopmentPartner,
  loadPartners,
  PartnerConfigError,
  readPartnersFileForEdit,
  StaticPartnerRegistry,
  writePartnersFile,
  type Partner,
} from '../../src/partners/index.js';

const SECRET = 'partner-secret-0123456789abcdef';
const directory = mkdtempSync(join(tmpdir(), 'orator-partners-test-'));
after(() => rmSync(directory, { recursive: true, force: true }));

function configError(code: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof PartnerConfigError, `expected PartnerConfigError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.ok(!error.message.includes(SECRET), 'message must not contain a secret');
    assert.ok(!error.message.includes('short-secret'), 'message must not contain a secret');
    return true;
  };
}

test('loadPartners fills defaults', () => {
  const partners = loadPartners({ ORATOR_PARTNERS: JSON.stringify([{ id: 123, name: ' Acme ', adminSecrets: [SECRET] }]) });
  assert.deepEqual(partners, [
    { id: 123, name: 'Acme', adminSecrets: [SECRET], enabled: true, maxConcurrentSessions: 10, ksVersion: 2, ksMaxExpirySeconds: 86400 },
  ]);
});

test('loadPartners reads every field', () => {
  const entry = {
    id: 7,
    name: 'B',
    adminSecrets: [SECRET, `${SECRET}2`],
    maxConcurrentSessions: 3,
    enabled: false,
    ksVersion: 1,
    ksMaxExpirySeconds: 60,
  };
  assert.deepEqual(loadPartners({ ORATOR_PARTNERS: JSON.stringify([entry]) }), [entry]);
});

test('loadPartners without configuration', () => {
  assert.deepEqual(loadPartners({}), []);
  assert.deepEqual(loadPartners({ ORATOR_PARTNERS: '  ', ORATOR_PARTNERS_FILE: '' }), []);
});

test('loadPartners reads the file', () => {
  const path = join(directory, 'partners.json');
  writeFileSync(path, JSON.stringify([{ id: 5, name: 'File', adminSecrets: [SECRET] }]));
  assert.equal(loadPartners({ ORATOR_PARTNERS_FILE: path })[0]?.name, 'File');
});

test('loadPartners rejects both sources', () => {
  assert.throws(() => loadPartners({ ORATOR_PARTNERS: '[]', ORATOR_PARTNERS_FILE: '/x' }), configError('PARTNERS_SOURCE_CONFLICT'));
});

test('loadPartners missing file', () => {
  assert.throws(() => loadPartners({ ORATOR_PARTNERS_FILE: join(directory, 'absent.json') }), configError('PARTNERS_FILE_UNREADABLE'));
});

test('invalid JSON does not echo input', () => {
  assert.throws(
    () => loadPartners({ ORATOR_PARTNERS: `[{"id": 1, "adminSecrets": ["${SECRET}"] oops` }),
    configError('PARTNERS_INVALID_JSON'),
  );
});

const valid = { id: 1, name: 'Acme', adminSecrets: [SECRET] };
const invalidEntries: Array<{ name: string; entry: unknown; code?: string; mentions: string }> = [
  { name: 'not an object', entry: 'x', mentions: 'object' },
  { name: 'zero id', entry: { ...valid, id: 0 }, mentions: '"id"' },
  { name: 'string id', entry: { ...valid, id: '1' }, mentions: '"id"' },
  { name: 'empty name', entry: { ...valid, name: ' ' }, mentions: '"name"' },
  { name: 'no secrets', entry: { ...valid, adminSecrets: [] }, mentions: '"adminSecrets"' },
  { name: 'secret not array', entry: { ...valid, adminSecrets: SECRET }, mentions: '"adminSecrets"' },
  { name: 'short secret', entry: { ...valid, adminSecrets: ['short-secret'] }, mentions: '16 to 256' },
  { name: 'secret with space', entry: { ...valid, adminSecrets: ['partner secret 0123456789'] }, mentions: 'printable' },
  { name: 'numeric secret', entry: { ...valid, adminSecrets: [1234567890123456] }, mentions: 'string' },
  { name: 'enabled string', entry: { ...valid, enabled: 'yes' }, mentions: '"enabled"' },
  { name: 'zero sessions', entry: { ...valid, maxConcurrentSessions: 0 }, mentions: '"maxConcurrentSessions"' },
  { name: 'ksVersion 3', entry: { ...valid, ksVersion: 3 }, mentions: '"ksVersion"' },
  { name: 'fractional expiry', entry: { ...valid, ksMaxExpirySeconds: 1.5 }, mentions: '"ksMaxExpirySeconds"' },
  { name: 'unknown field', entry: { ...valid, adminSecret: SECRET }, mentions: 'unknown field "adminSecret"' },
];

for (const row of invalidEntries) {
  test(`partner config rejects ${row.name}`, () => {
    assert.throws(
      () => loadPartners({ ORATOR_PARTNERS: JSON.stringify([row.entry]) }),
      (error) => configError('PARTNER_INVALID_FIELD')(error) && (error as Error).message.includes(row.mentions),
    );
  });
}

test('partner config rejects non-array', () => {
  assert.throws(() => loadPartners({ ORATOR_PARTNERS: JSON.stringify(valid) }), configError('PARTNERS_INVALID'));
});

test('partner config rejects duplicate ids', () => {
  assert.throws(
    () => loadPartners({ ORATOR_PARTNERS: JSON.stringify([valid, { ...valid, name: 'Other' }]) }),
    configError('PARTNER_DUPLICATE_ID'),
  );
});

test('error names the partner', () => {
  assert.throws(
    () => loadPartners({ ORATOR_PARTNERS: JSON.stringify([valid, { ...valid, id: 42, ksVersion: 0 }]) }),
    /partner 42 \(index 1\)/,
  );
});

test('registry lookups', () => {
  const disabled: Partner = {
    id: 2,
    name: 'Off',
    adminSecrets: [SECRET],
    enabled: false,
    maxConcurrentSessions: 1,
    ksVersion: 2,
    ksMaxExpirySeconds: 60,
  };
  const registry = new StaticPartnerRegistry([{ ...disabled, id: 1, enabled: true }, disabled]);

  assert.equal(registry.get(1)?.enabled, true);
  assert.equal(registry.get(3), undefined);
  assert.deepEqual(
    registry.list().map((partner) => partner.id),
    [1, 2],
  );

  const secretsFor = adminSecretsOf(registry);
  assert.deepEqual(secretsFor(1), [SECRET]);
  assert.equal(secretsFor(2), undefined);
  assert.equal(secretsFor(3), undefined);
});

test('registry copies are frozen', () => {
  const source: Partner = {
    id: 1,
    name: 'A',
    adminSecrets: [SECRET],
    enabled: true,
    maxConcurrentSessions: 1,
    ksVersion: 2,
    ksMaxExpirySeconds: 60,
  };
  const registry = new StaticPartnerRegistry([source]);
  source.adminSecrets.push('changed-after-construction');

  assert.deepEqual(registry.get(1)?.adminSecrets, [SECRET]);
  assert.throws(() => (registry.get(1) as Partner).adminSecrets.push('x'));
});

test('registry rejects duplicate ids', () => {
  const partner = loadPartners({ ORATOR_PARTNERS: JSON.stringify([valid]) })[0] as Partner;
  assert.throws(() => new StaticPartnerRegistry([partner, partner]), configError('PARTNER_DUPLICATE_ID'));
});

test('development partner', () => {
  const first = createDevelopmentPartner();
  const second = createDevelopmentPartner();

  assert.equal(first.id, 100);
  assert.equal(first.name, 'Development partner');
  assert.equal(first.enabled, true);
  assert.equal(first.adminSecrets.length, 1);
  assert.match(first.adminSecrets[0] as string, /^[0-9a-f]{32}$/);
  assert.notEqual(first.adminSecrets[0], second.adminSecrets[0]);
});

test('partners file written with mode 0600', () => {
  const path = join(directory, 'written.json');
  assert.deepEqual(readPartnersFileForEdit(path), []);

  const partners = loadPartners({ ORATOR_PARTNERS: JSON.stringify([valid]) });
  writePartnersFile(path, partners);

  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.deepEqual(readPartnersFileForEdit(path), partners);
  assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), partners);
});

test('partners file write validates', () => {
  const path = join(directory, 'never.json');
  const bad = [
    { ...valid, adminSecrets: ['short-secret'], enabled: true, maxConcurrentSessions: 1, ksVersion: 2, ksMaxExpirySeconds: 1 },
  ] as Partner[];
  assert.throws(() => writePartnersFile(path, bad), configError('PARTNER_INVALID_FIELD'));
  assert.throws(() => readFileSync(path));
});
