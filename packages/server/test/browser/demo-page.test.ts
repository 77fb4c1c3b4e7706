import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { mintKs } from '../../src/ks/index.js';
import { demoRoutes } from '../../src/routes/demo.js';
import { PARTNER, startTestServer, type TestServer } from '../helpers/server.js';
import {
  assertBrowserSetup,
  browserSkipReason,
  collectPageErrors,
  launchChromium,
  saveScreenshot,
  waitWithoutGesture,
} from './chromium.js';
import {
  AVATAR_DRAWN,
  READ_EVENT_NAMES,
  READ_OUTPUT_LEVEL,
  READ_TURNS,
  START_MOUTH_SAMPLER,
  STOP_MOUTH_SAMPLER,
  type MouthFrame,
} from './page-scripts.js';

const DEMO_KS = mintKs({
  partnerId: PARTNER.id,
  adminSecret: PARTNER.adminSecrets[0]!,
  type: 2,
  userId: 'browser-test',
  expirySeconds: 3600,
});

/** Vector avatar used for the pixel checks: its open mouth shows a dark interior. */
const VECTOR_AVATAR = 'ava';

/** RMS output level (0 to 1) counted as sound; silence measures 0. */
const AUDIBLE_LEVEL = 0.005;

/** Orator with the demo backend on loopback; `espeak` picks the real engine instead of the test engine. */
function startDemoServer(options: { espeak: boolean }): Promise<TestServer> {
  return startTestServer({
    build: {
      plugins: [(app, context) => demoRoutes(app, context, { ks: DEMO_KS })],
      // No engine option means buildServer creates the configured one, eSpeak by default.
      ...(options.espeak ? { engine: undefined } : {}),
    },
  });
}

async function eventNames(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(READ_EVENT_NAMES);
}

/** Wait until the demo page's event log has `count` entries named `name`. */
async function waitForEvent(page: Page, name: string, count = 1, timeout = 20_000): Promise<void> {
  try {
    await page.waitForFunction(
      `window.oratorDemo.log.filter((entry) => entry.name === ${JSON.stringify(name)}).length >= ${count}`,
      undefined,
      { timeout },
    );
  } catch (error) {
    throw new Error(`"${name}" x${count} did not appear in the event log; it has: ${(await eventNames(page)).join(', ')}`, {
      cause: error,
    });
  }
}

/** Open the demo page, pick an avatar, start a session and wait until the avatar is drawn. */
async function openSession(page: Page, baseUrl: string, avatarId = VECTOR_AVATAR): Promise<void> {
  await page.goto(`${baseUrl}/?avatar=${encodeURIComponent(avatarId)}`);
  await page.waitForFunction('window.oratorDemo && window.oratorDemo.ready === true');
  await page.click('#start');
  await page.waitForFunction(`window.oratorDemo.session && window.oratorDemo.session.getConnectionState() === 'CONNECTED'`, undefined, {
    timeout: 15_000,
  });
  await page.waitForFunction(AVATAR_DRAWN, undefined, { timeout: 15_000 });
}

/** Pearson correlation of two equally long series. */
function correlation(xs: number[], ys: number[]): number {
  const n = xs.length;
  const meanX = xs.reduce((a, b) => a + b, 0) / n;
  const meanY = ys.reduce((a, b) => a + b, 0) / n;
  let covariance = 0;
  let varianceX = 0;
  let varianceY = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - meanX;
    const dy = ys[i]! - meanY;
    covariance += dx * dy;
    varianceX += dx * dx;
    varianceY += dy * dy;
  }
  return covariance / Math.sqrt(varianceX * varianceY);
}

/** Viseme of the last cue starting at or before `ms`, as the SDK's timeline defines it. */
function visemeAt(cues: Array<{ startMs: number; viseme: string }>, ms: number): string {
  let viseme = 'sil';
  for (const cue of cues) {
    if (cue.startMs > ms) break;
    viseme = cue.viseme;
  }
  return viseme;
}

describe('demo page in Chromium', { skip: browserSkipReason() }, () => {
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    assertBrowserSetup();
    server = await startDemoServer({ espeak: true });
    browser = await launchChromium({ autoplay: true });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('page loads the catalog and the SDK', async () => {
    const page = await browser.newPage();
    const errors = collectPageErrors(page);
    try {
      await page.goto(`${server.baseUrl}/`);
      await page.waitForFunction('window.oratorDemo && window.oratorDemo.ready === true');

      const options = await page
        .locator('.avatar-option input')
        .evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value));
      assert.deepEqual(
        options,
        server.server.context.catalog.avatars.map((avatar) => avatar.id),
      );
      assert.equal(await page.locator('#start').isEnabled(), true);
      assert.equal(await page.locator('#speak').isEnabled(), false);
      assert.equal(await page.locator('#session-state').textContent(), 'IDLE');

      // Every thumbnail decodes, image avatars' SVG included.
      for (const { id } of server.server.context.catalog.avatars) {
        const image = page.locator(`.avatar-option:has(input[value="${id}"]) img`);
        await image.scrollIntoViewIfNeeded();
        await page.waitForFunction((element) => (element as HTMLImageElement).complete, await image.elementHandle());
        assert.ok((await image.evaluate((element) => (element as HTMLImageElement).naturalWidth)) > 0, `thumbnail of ${id}`);
      }
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  test('speech moves the mouth with the visemes and plays audio (eSpeak)', async (t) => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = collectPageErrors(page);
    try {
      await openSession(page, server.baseUrl);
      assert.equal(await page.locator('#session-state').textContent(), 'READY');
      assert.equal(await page.locator('#connection-state').textContent(), 'CONNECTED');

      await page.evaluate(START_MOUTH_SAMPLER);
      await page.fill('#text', 'Hello there! My mouth opens wide for every vowel, and closes for bees and peas.');
      await page.click('#speak');
      await waitForEvent(page, 'speakingStart');

      // Mid-speech screenshot for people reviewing the run.
      await page.waitForFunction(`window.oratorDemo.session.debug.mouthOpen > 0.2`, undefined, { timeout: 10_000 });
      await saveScreenshot(page, 'demo-page-speaking');

      await waitForEvent(page, 'speakingEnd', 1, 30_000);
      const frames = await page.evaluate<MouthFrame[]>(STOP_MOUTH_SAMPLER);
      const turns =
        await page.evaluate<Array<{ turnNumber: number; cues: Array<{ startMs: number; viseme: string }>; endMs: number | null }>>(
          READ_TURNS,
        );

      const names = await eventNames(page);
      assert.ok(names.indexOf('speakingEnd') > names.indexOf('speakingStart'), names.join(', '));
      assert.match((await page.locator('#first-audio').textContent()) ?? '', /\d+ ms to playback/);

      const turn = turns.at(-1)!;
      assert.ok(turn.cues.length >= 10, `cues received: ${turn.cues.length}`);
      const speaking = frames.filter(
        (frame) => frame.turnNumber === turn.turnNumber && frame.turnMs !== null && frame.turnMs < (turn.endMs ?? Infinity),
      );
      assert.ok(speaking.length >= 30, `frames during the turn: ${speaking.length}`);

      // When audio arrives late, the SDK shifts the turn's clock back, so some playback positions
      // are shown twice. The first time, their segment may not have arrived yet: the mouth is closed.
      const stalled = new Set(speaking.filter((frame, index) => speaking.slice(index + 1).some((later) => later.turnMs! < frame.turnMs!)));

      // The drawn viseme is the timeline's cue at the playback position of every frame.
      const mismatched = speaking.filter(
        (frame) => frame.viseme !== visemeAt(turn.cues, frame.turnMs!) && !(stalled.has(frame) && frame.viseme === 'sil'),
      );
      const describeFrames = (list: MouthFrame[]) =>
        list.map((frame) => `${frame.turnMs!.toFixed(0)}ms:${frame.viseme}/${visemeAt(turn.cues, frame.turnMs!)}`).join(' ');
      assert.ok(
        mismatched.length <= speaking.length * 0.02,
        `frames off the timeline: ${mismatched.length} of ${speaking.length}: ${describeFrames(mismatched)} (end ${turn.endMs})`,
      );
      assert.ok(new Set(speaking.map((frame) => frame.viseme)).size >= 4, 'several visemes shown');

      // The mouth opens and closes, and the pixels in the mouth box follow it: an open mouth is darker.
      const openings = speaking.map((frame) => frame.mouthOpen);
      assert.ok(Math.max(...openings) - Math.min(...openings) > 0.3, `jaw range ${Math.min(...openings)}..${Math.max(...openings)}`);
      const lit = speaking.filter((frame) => frame.luminance !== null);
      const luminances = lit.map((frame) => frame.luminance!);
      assert.ok(
        Math.max(...luminances) - Math.min(...luminances) > 0.02,
        `mouth box luminance range ${Math.min(...luminances)}..${Math.max(...luminances)}`,
      );
      const r = correlation(
        lit.map((frame) => frame.mouthOpen),
        luminances,
      );
      t.diagnostic(
        `frames ${speaking.length}, cues ${turn.cues.length}, luminance range ${(Math.max(...luminances) - Math.min(...luminances)).toFixed(3)}, r ${r.toFixed(2)}`,
      );
      assert.ok(r < -0.4, `correlation of jaw opening and mouth-box luminance: ${r.toFixed(2)}`);

      // Sound reaches the output while the mouth moves, and none before the turn. The audio thread
      // renders a little ahead of the clock the page reads, so the last 100 ms before are left out.
      const before = frames.filter((frame) => frame.turnNumber === null && frame.time < speaking[0]!.time - 100);
      assert.ok(before.length > 0);
      assert.ok(
        before.every((frame) => frame.level < AUDIBLE_LEVEL),
        `silent before speech: ${before.map((frame) => `${(speaking[0]!.time - frame.time).toFixed(0)}ms:${frame.level.toFixed(3)}`).join(' ')}`,
      );
      const loud = speaking.filter((frame) => frame.level > AUDIBLE_LEVEL);
      t.diagnostic(
        `audible frames ${loud.length} of ${speaking.length}, off-timeline frames ${mismatched.length}, stalled frames ${stalled.size}`,
      );
      assert.ok(loud.length > speaking.length * 0.3, `audible frames: ${loud.length} of ${speaking.length}`);

      await page.click('#end');
      await page.waitForFunction(`window.oratorDemo.session.getSessionState() === 'ENDED'`);
      assert.equal(await page.locator('#session-state').textContent(), 'ENDED');
      assert.equal(await page.locator('#connection-state').textContent(), 'CLOSED');
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });
});

describe('demo page controls in Chromium', { skip: browserSkipReason() }, () => {
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    assertBrowserSetup();
    server = await startDemoServer({ espeak: false });
    browser = await launchChromium({ autoplay: true });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('interrupt silences a streamed answer', async () => {
    const page = await browser.newPage();
    const errors = collectPageErrors(page);
    try {
      await openSession(page, server.baseUrl);
      await page.click('#stream');
      await waitForEvent(page, 'speakingStart');
      await page.waitForFunction(`${READ_OUTPUT_LEVEL} > ${AUDIBLE_LEVEL}`, undefined, { timeout: 10_000 });

      await page.click('#interrupt');
      await waitForEvent(page, 'speakingEnd');
      await waitForEvent(page, 'interrupt');
      // Scheduled audio is stopped at once, so the analyser drains to silence within its window.
      await page.waitForFunction(`${READ_OUTPUT_LEVEL} === 0`, undefined, { timeout: 3_000 });
      const names = await eventNames(page);
      assert.ok(names.includes('turnEnd'), names.join(', '));

      // Nothing starts again, because the remaining chunks of the streamed turn were dropped.
      await page.waitForTimeout(1_000);
      assert.equal(await page.evaluate<number>(READ_OUTPUT_LEVEL), 0);
      assert.equal((await eventNames(page)).filter((name) => name === 'speakingStart').length, 1);

      await page.click('#end');
      await page.waitForFunction(`window.oratorDemo.session.getSessionState() === 'ENDED'`);
      assert.equal(await page.locator('#speak').isEnabled(), false);
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  test('streamed answer arrives as one turn', async () => {
    const page = await browser.newPage();
    const errors = collectPageErrors(page);
    try {
      await openSession(page, server.baseUrl);
      await page.click('#stream');
      await waitForEvent(page, 'stream sent', 1, 30_000);
      await waitForEvent(page, 'speakingEnd', 1, 60_000);

      const names = await eventNames(page);
      assert.equal(names.filter((name) => name === 'turnStart').length, 1, names.join(', '));
      assert.equal(names.filter((name) => name === 'speakingStart').length, 1);
      assert.match((await page.locator('#first-audio').textContent()) ?? '', /\d+ ms to playback/);
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });
});

describe('demo page autoplay in Chromium', { skip: browserSkipReason() }, () => {
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    assertBrowserSetup();
    server = await startDemoServer({ espeak: false });
    browser = await launchChromium({ autoplay: false });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('blocked audio unlocks on a click', async () => {
    const page = await browser.newPage();
    const errors = collectPageErrors(page);
    try {
      // autostart creates the session without any user gesture, so the browser blocks sound.
      await page.goto(`${server.baseUrl}/?avatar=${VECTOR_AVATAR}&autostart`);
      await waitWithoutGesture(page, `Boolean(window.oratorDemo && window.oratorDemo.log.some((entry) => entry.name === 'audioBlocked'))`);
      assert.equal(await page.locator('#audio-banner').isVisible(), true);
      assert.equal(await page.evaluate<boolean>('window.oratorDemo.session.debug.audioBlocked'), true);

      await page.click('#unlock-audio');
      await page.locator('#event-log li[data-event="audioUnlocked"]').waitFor({ timeout: 10_000 });
      assert.equal(await page.locator('#audio-banner').isVisible(), false);

      // Sound now reaches the output.
      await page.click('#speak');
      await waitForEvent(page, 'speakingStart');
      await page.waitForFunction(`${READ_OUTPUT_LEVEL} > ${AUDIBLE_LEVEL}`, undefined, { timeout: 10_000 });
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });
});
