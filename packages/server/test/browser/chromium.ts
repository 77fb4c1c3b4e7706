import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium; CHROMIUM_PATH overrides it for other systems. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Folder for screenshots and other outputs of browser tests; the repository ignores it. */
export const ARTIFACTS_DIR = fileURLToPath(new URL('../../../../test-artifacts/', import.meta.url));

const SDK_BUNDLE = fileURLToPath(new URL('../../../sdk/dist/esm/orator-sdk.js', import.meta.url));

// Flags for a headless run that contacts no other host (no field trials, updates or sync).
const BASE_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * `skip` option for browser suites: the reason when Chromium is missing outside CI, else false.
 * In CI (CI=true) a missing Chromium is a failure, raised by `assertBrowserSetup`.
 */
export function browserSkipReason(): string | false {
  if (existsSync(CHROMIUM_PATH) || process.env.CI === 'true') return false;
  return `Chromium not found at ${CHROMIUM_PATH}: install the Debian package "chromium" or set CHROMIUM_PATH`;
}

/** Throw a clear error when Chromium or the built SDK is missing. */
export function assertBrowserSetup(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH} (CI=true makes this a failure): install the Debian package "chromium" or set CHROMIUM_PATH`,
    );
  }
  if (!existsSync(SDK_BUNDLE)) {
    throw new Error(
      `the SDK bundle ${SDK_BUNDLE} does not exist: run "npm run build -w packages/sdk" first (the root "npm test" builds it)`,
    );
  }
}

/**
 * Launch headless Chromium. With `autoplay` the page may start audio without a user gesture,
 * which the audio tests need. Without it Chromium keeps an AudioContext suspended until the user
 * interacts with the page: that is its default policy, `document-user-activation-required`.
 * (The older `user-gesture-required` policy applies to media elements only and lets Web Audio
 * run, as Chromium 156 shows.)
 */
export function launchChromium(options: { autoplay: boolean }): Promise<Browser> {
  assertBrowserSetup();
  const policy = options.autoplay ? 'no-user-gesture-required' : 'document-user-activation-required';
  const args = [...BASE_ARGS, `--autoplay-policy=${policy}`];
  return chromium.launch({ executablePath: CHROMIUM_PATH, args, timeout: 30_000 });
}

/** Collect uncaught page errors and console errors, so a test can assert there were none. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return errors;
}

/** Save a full-page screenshot under test-artifacts/ and return its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = `${ARTIFACTS_DIR}${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Wait until `expression` is truthy in the page, polling through the DevTools protocol with
 * `userGesture: false`. Playwright's own evaluate and wait helpers count as a user gesture, which
 * would let the page start audio and defeat an autoplay test.
 */
export async function waitWithoutGesture(page: Page, expression: string, timeoutMs = 15_000): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const result = (await cdp.send('Runtime.evaluate', { expression, returnByValue: true, userGesture: false })) as {
        result: { value?: unknown };
      };
      if (result.result.value) return;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${expression}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await cdp.detach();
  }
}
