import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../helpers/server.js';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const skip = hasOpenssl() ? false : 'openssl is not installed, so no test certificate can be made';
if (skip && process.env.CI === 'true') throw new Error('the HTTPS test needs openssl in CI');

describe('HTTPS', { skip }, () => {
  let server: TestServer;
  let dir: string;
  let cert: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orator-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    server = await startTestServer({ env: { ORATOR_TLS_CERT: join(dir, 'cert.pem'), ORATOR_TLS_KEY: join(dir, 'key.pem') } });
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('server speaks HTTPS with the configured certificate', async () => {
    assert.match(server.baseUrl, /^https:\/\//);
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(`${server.baseUrl}/healthz`, { ca: cert }, (response) => {
        let data = '';
        response.on('data', (chunk: Buffer) => (data += chunk.toString()));
        response.on('end', () => resolve(data));
      });
      req.on('error', reject);
      req.end();
    });
    assert.deepEqual(JSON.parse(body), { success: true, status: 'ok' });
  });
});
