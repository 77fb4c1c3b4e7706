import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { createApp } from '../../../../examples/express-backend/app.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { assertBrowserSetup, browserSkipReason, collectPageErrors, launchChromium, saveScreenshot } from './chromium.js';

const EXAMPLE_PUBLIC_DIR = fileURLToPath(new URL('../../../../examples/express-backend/public/', import.meta.url));

/** Wait until the example page has logged `count` events named `name`. */
async function waitForExampleEvent(page: Page, name: string, count = 1, timeout = 20_000): Promise<void> {
  try {
    await page.waitForFunction(
      `window.example.events.filter((event) => event.name === ${JSON.stringify(name)}).length >= ${count}`,
      undefined,
      { timeout },
    );
  } catch (error) {
    const events = await page.evaluate<string[]>(
      'window.example.events.map((event) => event.detail ? event.name + ": " + event.detail : event.name)',
    );
    throw new Error(`"${name}" did not appear in the example's events; it has: ${events.join(' | ')}`, { cause: error });
  }
}

// The example runs on its own port, so its page reaches Orator cross-origin, as a customer's does.
describe('express example page in Chromium', { skip: browserSkipReason() }, () => {
  let orator: TestServer;
  let example: Server;
  let exampleUrl: string;
  let browser: Browser;

  before(async () => {
    assertBrowserSetup();
    orator = await startTestServer();
    const app = createApp({ ks: orator.adminKs, oratorUrl: orator.baseUrl, publicDir: EXAMPLE_PUBLIC_DIR, log: () => {} });
    example = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    exampleUrl = `http://127.0.0.1:${(example.address() as AddressInfo).port}`;
    browser = await launchChromium({ autoplay: false });
  });
  after(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (example ? example.close(() => resolve()) : resolve()));
    await orator?.close();
  });

  test('session through the example backend speaks and ends', async () => {
    const page = await browser.newPage();
    const errors = collectPageErrors(page);
    try {
      await page.goto(`${exampleUrl}/`);
      await page.waitForFunction('window.example && window.example.ready === true');
      assert.equal(await page.locator('#avatar option').count(), orator.server.context.catalog.avatars.length);

      // The Start click is the user gesture that lets the SDK start audio.
      await page.click('#start');
      await waitForExampleEvent(page, 'connectionChange');
      await page.waitForFunction(`window.example.session.getConnectionState() === 'CONNECTED'`, undefined, { timeout: 15_000 });
      assert.match((await page.locator('#status').textContent()) ?? '', /Session: READY/);

      await page.click('#speak');
      await waitForExampleEvent(page, 'say-text');
      await waitForExampleEvent(page, 'speakingStart');
      await saveScreenshot(page, 'example-page-speaking');
      await waitForExampleEvent(page, 'speakingEnd', 1, 30_000);

      await page.click('#end');
      await page.waitForFunction(`window.example.session.getSessionState() === 'ENDED'`);
      assert.match((await page.locator('#status').textContent()) ?? '', /Session: ENDED · Connection: CLOSED/);

      // The backend still has the token, but Orator rejects the ended session and its 410 reaches the caller.
      const sessionId = await page.evaluate<string>('window.example.sessionId');
      const response = await fetch(`${exampleUrl}/api/avatar/say-text`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sessionId, text: 'Are you there?' }),
      });
      assert.equal(response.status, 410);

      const events = await page.evaluate<string[]>('window.example.events.map((event) => event.name)');
      assert.ok(!events.includes('error'), events.join(', '));
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });
});
