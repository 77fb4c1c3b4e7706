import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { mintKs, verifyKs } from '../../src/ks/index.js';
import { loadPartners } from '../../src/partners/index.js';

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const MAIN = join(repositoryRoot, 'packages/server/src/cli/main.ts');
// The CLI runs in a temporary directory, where a bare "tsx" would not resolve.
const TSX = import.meta.resolve('tsx');
const SECRET = 'cli-test-admin-secret-0123456789';
const directory = mkdtempSync(join(tmpdir(), 'orator-cli-test-'));
after(() => rmSync(directory, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI from source through tsx, with a clean environment plus `env`. */
function runCli(args: string[], env: Record<string, string> = {}, input?: string): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
      cwd: directory,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

for (const version of ['1', '2']) {
  test(`mint then inspect, v${version}`, async () => {
    const minted = await runCli(
      [
        'ks',
        'mint',
        '--partner',
        '321',
        '--type',
        'user',
        '--user',
        'alice@example.com',
        '--expiry',
        '600',
        '--privileges',
        'sessionid:s1',
        '--version',
        version,
      ],
      { ORATOR_ADMIN_SECRET: SECRET },
    );
    assert.equal(minted.code, 0, minted.stderr);
    assert.equal(minted.stderr, '');
    assert.match(minted.stdout, /^[A-Za-z0-9+/_=-]+\n$/);
    const ks = minted.stdout.trim();

    const verified = verifyKs(ks, { secretsFor: () => [SECRET] });
    assert.equal(verified.version, Number(version));
    assert.equal(verified.userId, 'alice@example.com');
    assert.equal(verified.type, 0);

    const inspected = await runCli(['ks', 'inspect', ks], { ORATOR_ADMIN_SECRET: SECRET });
    assert.equal(inspected.code, 0, inspected.stderr);
    assert.match(inspected.stdout, new RegExp(`^Version: +${version}$`, 'm'));
    assert.match(inspected.stdout, /^Partner: +321$/m);
    assert.match(inspected.stdout, /^Signature: +verified$/m);
    assert.match(inspected.stdout, /^Type: +user \(0\)$/m);
    assert.match(inspected.stdout, /^User: +"alice@example.com"$/m);
    assert.match(inspected.stdout, /^Privileges: +sessionid:s1$/m);
    assert.match(inspected.stdout, /^Expires: +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z \(expires in (10m|9m \d+s)\)$/m);
    assert.match(inspected.stdout, new RegExp(`^Hash: +${verified.hash}$`, 'm'));
    assert.ok(!inspected.stdout.includes(SECRET));
  });
}

test('inspect v1 without secret', async () => {
  // 1 d 1 h plus ten minutes, so the seconds the CLI takes to start cannot change the rounded output.
  const ks = mintKs({ version: 1, partnerId: 9, adminSecret: SECRET, type: 2, userId: 'bob', expirySeconds: 90_000 + 600 });
  const result = await runCli(['ks', 'inspect', ks]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^Signature: +not checked/m);
  assert.match(result.stdout, /^User: +"bob"$/m);
  assert.match(result.stdout, /expires in 1d 1h\)$/m);
});

test('inspect v2 without secret', async () => {
  const ks = mintKs({ partnerId: 9, adminSecret: SECRET, type: 2, userId: 'bob', expirySeconds: 60 });
  const result = await runCli(['ks', 'inspect', ks]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^Partner: +9$/m);
  assert.doesNotMatch(result.stdout, /bob/);
  assert.match(result.stdout, /encrypted/);
});

test('inspect with wrong secret', async () => {
  const ks = mintKs({ partnerId: 9, adminSecret: SECRET, type: 2, expirySeconds: 60 });
  const wrong = 'wrong-secret-for-this-partner-00';
  const result = await runCli(['ks', 'inspect', ks, '--secret', wrong]);
  assert.equal(result.code, 1);
  assert.match(result.stdout, /^Signature: +signature does not match$/m);
  assert.ok(!result.stdout.includes(wrong));
  assert.ok(!result.stderr.includes(wrong));
});

test('inspect expired KS from stdin', async () => {
  const now = Math.floor(Date.now() / 1000);
  const ks = mintKs({ partnerId: 9, adminSecret: SECRET, type: 2, validUntil: now - 7_300 });
  const result = await runCli(['ks', 'inspect', '-'], { ORATOR_ADMIN_SECRET: SECRET }, `${ks}\n`);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^Signature: +verified$/m);
  assert.match(result.stdout, /\(expired 2h \d+m ago\)$/m);
});

test('inspect malformed KS', async () => {
  const result = await runCli(['ks', 'inspect', 'not*a*ks']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /not a valid KS/);
});

const usageErrors: Array<{ name: string; args: string[]; env?: Record<string, string>; message: RegExp }> = [
  { name: 'no command', args: [], message: /Usage: orator/ },
  { name: 'unknown command', args: ['nope'], message: /unknown command "nope"/ },
  { name: 'unknown subcommand', args: ['ks', 'sign'], message: /unknown command "ks sign"/ },
  { name: 'missing partner', args: ['ks', 'mint'], env: { ORATOR_ADMIN_SECRET: SECRET }, message: /--partner is required/ },
  { name: 'missing secret', args: ['ks', 'mint', '--partner', '1'], message: /admin secret is required/ },
  {
    name: 'bad type',
    args: ['ks', 'mint', '--partner', '1', '--type', 'root'],
    env: { ORATOR_ADMIN_SECRET: SECRET },
    message: /--type must be admin or user/,
  },
  {
    name: 'bad version',
    args: ['ks', 'mint', '--partner', '1', '--version', '3'],
    env: { ORATOR_ADMIN_SECRET: SECRET },
    message: /--version must be 1 or 2/,
  },
  {
    name: 'bad expiry',
    args: ['ks', 'mint', '--partner', '1', '--expiry', '0'],
    env: { ORATOR_ADMIN_SECRET: SECRET },
    message: /--expiry must be an integer/,
  },
  {
    name: 'bad privilege',
    args: ['ks', 'mint', '--partner', '1', '--privileges', 'actionslimit:0'],
    env: { ORATOR_ADMIN_SECRET: SECRET },
    message: /actionslimit/,
  },
  {
    name: 'unknown option',
    args: ['ks', 'mint', '--partner', '1', '--colour', 'x'],
    env: { ORATOR_ADMIN_SECRET: SECRET },
    message: /Unknown option '--colour'/,
  },
  { name: 'inspect without KS', args: ['ks', 'inspect'], message: /KS to inspect is required/ },
  { name: 'partner add without name', args: ['partner', 'add'], message: /--name is required/ },
];

for (const row of usageErrors) {
  test(`usage error: ${row.name}`, async () => {
    const result = await runCli(row.args, row.env);
    assert.equal(result.code, 2);
    assert.match(result.stderr, row.message);
    assert.equal(result.stdout, '');
    assert.ok(!result.stderr.includes(SECRET));
  });
}

const helps: string[][] = [
  ['--help'],
  ['ks', '--help'],
  ['ks', 'mint', '--help'],
  ['ks', 'inspect', '-h'],
  ['partner', 'add', '--help'],
  ['partner', 'list', '--help'],
];
for (const args of helps) {
  test(`help: ${args.join(' ')}`, async () => {
    const result = await runCli(args);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Usage: orator/);
  });
}

test('partner add and list', async () => {
  const file = join(directory, 'partners.json');
  const added = await runCli(['partner', 'add', '--name', 'Acme Corp', '--max-sessions', '4', '--file', file]);
  assert.equal(added.code, 0, added.stderr);
  assert.match(added.stdout, /^Partner id: +1000$/m);
  const secret = /^Admin secret: +([0-9a-f]{64})$/m.exec(added.stdout)?.[1];
  assert.ok(secret, 'a 64-hex-digit secret is printed');
  assert.match(added.stderr, /Store the admin secret now/);
  assert.equal(statSync(file).mode & 0o777, 0o600);

  const second = await runCli(['partner', 'add', '--name', 'Beta', '--file', file]);
  assert.match(second.stdout, /^Partner id: +1001$/m);
  const explicit = await runCli(['partner', 'add', '--name', 'Gamma', '--id', '77', '--file', file]);
  assert.match(explicit.stdout, /^Partner id: +77$/m);
  const duplicate = await runCli(['partner', 'add', '--name', 'Again', '--id', '77', '--file', file]);
  assert.equal(duplicate.code, 2);
  assert.match(duplicate.stderr, /partner id 77 already exists/);

  const listed = await runCli(['partner', 'list', '--file', file]);
  assert.equal(listed.code, 0, listed.stderr);
  const lines = listed.stdout.trim().split('\n');
  assert.match(lines[0] as string, /^ID +NAME +ENABLED +MAX SESSIONS +SECRETS$/);
  assert.match(lines[1] as string, /^1000 +Acme Corp +yes +4 +1$/);
  assert.equal(lines.length, 4);
  assert.ok(!listed.stdout.includes(secret));

  // The file is what the server loads, and the printed secret mints a KS it accepts.
  const partners = loadPartners({ ORATOR_PARTNERS_FILE: file });
  assert.deepEqual(
    partners.map((partner) => partner.id),
    [1000, 1001, 77],
  );
  assert.equal(partners[0]?.adminSecrets[0], secret);
  const ks = mintKs({ partnerId: 1000, adminSecret: secret, type: 2, expirySeconds: 60 });
  assert.equal(verifyKs(ks, { secretsFor: (id) => partners.find((partner) => partner.id === id)?.adminSecrets }).partnerId, 1000);
  assert.ok(readFileSync(file, 'utf8').includes(secret));
});

test('partner list of missing file', async () => {
  const result = await runCli(['partner', 'list', '--file', join(directory, 'absent.json')]);
  assert.equal(result.code, 0);
  assert.match(result.stdout, /No partners in/);
});

test('partner list of invalid file', async () => {
  const result = await runCli(['partner', 'list', '--file', directory]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /cannot read partners file/);
});
