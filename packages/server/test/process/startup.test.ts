import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

/** Start `main.ts` as `npm start` would, on a free port, and collect its output. */
function startOrator(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      ORATOR_SPEECH_ENGINE: 'test',
      ORATOR_PARTNERS: '',
      ORATOR_PARTNERS_FILE: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (data: Buffer) => (output.stdout += data.toString()));
  child.stderr.on('data', (data: Buffer) => (output.stderr += data.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output, exited };
}

async function waitFor(description: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('development start prints a working KS and SIGTERM ends sessions', async () => {
  const orator = startOrator({});
  try {
    await waitFor('the development KS', () => /ADMIN KS[^\n]*\n\s+(\S+)/.test(orator.output.stdout));
    const ks = /ADMIN KS[^\n]*\n\s+(\S+)/.exec(orator.output.stdout)![1]!;
    const baseUrl = /Demo page:\s+(\S+?)\/?\n/.exec(orator.output.stdout)![1]!;
    assert.match(orator.output.stdout, /development only/i);

    // The KS goes to the terminal only, never into a log line.
    await waitFor('the listening log line', () => orator.output.stdout.includes('Server listening'));
    const logLines = orator.output.stdout.split('\n').filter((line) => line.startsWith('{'));
    assert.ok(logLines.length > 0);
    assert.ok(!logLines.some((line) => line.includes(ks)));

    const catalog = await fetch(`${baseUrl}/v1/catalog-item/list`, {
      method: 'POST',
      headers: { authorization: `KS ${ks}`, 'content-type': 'application/json' },
      body: JSON.stringify({ filter: { typeEqual: 'Visual' } }),
    });
    const avatarId = ((await catalog.json()) as { objects: Array<{ id: string }> }).objects[0]!.id;
    const created = await fetch(`${baseUrl}/v1/avatar-session`, {
      method: 'POST',
      headers: { authorization: `KS ${ks}`, 'content-type': 'application/json' },
      body: JSON.stringify({ visualConfig: { avatarId } }),
    });
    assert.equal(created.status, 200);

    orator.child.kill('SIGTERM');
    assert.equal(await orator.exited, 0);
    assert.match(orator.output.stdout, /"reason":"shutdown"/);
    assert.match(orator.output.stdout, /"msg":"server stopped"/);
  } finally {
    orator.child.kill('SIGKILL');
  }
});

test('bad configuration exits with a clear message', async () => {
  const orator = startOrator({ PORT: 'eighty' });
  assert.equal(await orator.exited, 2);
  assert.match(orator.output.stderr, /PORT must be an integer/);
});
