/**
 * Browser: frames per second, main-thread time per frame and the offset between the viseme
 * schedule and the audio clock, measured with the SDK's debug API in headless Chromium while the
 * avatar speaks an eSpeak turn. Skipped with a printed reason when Chromium is missing.
 */
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Api } from './lib/api.js';
import { startServerChild } from './lib/child.js';
import { median, percentiles, round, sleep, type Percentiles } from './lib/stats.js';
import { LONG_TURN } from './lib/texts.js';
import type { BenchOptions } from './options.js';
import { roundAll } from './time-to-first-audio.js';
import type { Browser } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // The page starts audio without a click, as a page does after the user's first interaction.
  '--autoplay-policy=no-user-gesture-required',
];
const START_TIMEOUT_MS = 20_000;

/**
 * The page imports the SDK the Orator server serves and attaches the avatar with the session token.
 * It is served from its own loopback origin, as a customer's page is: a page that Playwright
 * fulfils itself has no address, and Chromium's local network access checks then block its
 * WebSocket to 127.0.0.1.
 */
const pageHtml = (baseUrl: string) => `<!doctype html>
<html><body style="margin:0">
<div id="avatar" style="width:640px;height:480px"></div>
<script type="module">
  import { KalturaAvatarSession } from '${baseUrl}/sdk/orator-sdk.js';
  window.benchAttach = async (token) => {
    const session = new KalturaAvatarSession(token, { baseUrl: '${baseUrl}' });
    await session.attachAvatar('avatar');
    window.benchSession = session;
  };
</script>
</body></html>`;

interface DebugFrame {
  time: number;
  audioTime: number;
  turnNumber: number | undefined;
  turnMs: number | undefined;
  viseme: string;
}

interface DebugTurn {
  turnNumber: number;
  cues: Array<{ viseme: string; startMs: number }>;
}

export interface BrowserRun {
  run: number;
  frames: number;
  windowMs: number;
  framesPerSecond: number;
  frameIntervalMs: Percentiles;
  mainThreadMsPerFrame: number;
  scriptMsPerFrame: number;
  /** Per viseme cue, the turn time of the first frame drawing it minus the cue's start (ms of audio clock). */
  visemeOffsetMs: Percentiles;
  /** Frames whose drawn viseme is not the cue scheduled at that frame's audio-clock time. */
  mismatchedFrames: number;
  baseLatencyMs: number;
  outputLatencyMs: number;
  audioBlocked: boolean;
}

export type BrowserResult =
  | { skipped: string }
  | {
      runs: BrowserRun[];
      framesPerSecond: number;
      mainThreadMsPerFrame: number;
      visemeOffsetP50Ms: number;
      visemeOffsetP95Ms: number;
      visemeOffsetMaxMs: number;
      outputLatencyMs: number;
    };

export async function benchBrowser(options: BenchOptions, log: (line: string) => void): Promise<BrowserResult> {
  if (!options.browser) return { skipped: 'not part of quick mode' };
  if (!existsSync(CHROMIUM)) {
    const reason = `${CHROMIUM} not found (install Debian's chromium package)`;
    if (process.env.CI === 'true') log(`WARNING: browser benchmark skipped in CI: ${reason}`);
    else log(`browser: skipped: ${reason}`);
    return { skipped: reason };
  }

  const { chromium } = await import('playwright-core');
  const server = await startServerChild({ engine: 'espeak', maxConcurrentSessions: 100 });
  const html = pageHtml(server.baseUrl);
  const pageServer = http.createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(html);
  });
  await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
  const pageUrl = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}/`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const runs: BrowserRun[] = [];
  try {
    for (let run = 0; run < options.browserRuns; run += 1) {
      runs.push(await measureRun(browser, server, pageUrl, run, options.browserWindowMs));
      log(
        `browser: run ${run + 1}: ${runs[run]!.framesPerSecond} fps, ${runs[run]!.mainThreadMsPerFrame} ms main thread per frame, viseme offset p50 ${runs[run]!.visemeOffsetMs.p50} ms`,
      );
    }
  } finally {
    await browser.close();
    await new Promise((resolve) => pageServer.close(resolve));
    await server.stop();
  }

  return {
    runs,
    framesPerSecond: round(median(runs.map((entry) => entry.framesPerSecond)), 1),
    mainThreadMsPerFrame: round(median(runs.map((entry) => entry.mainThreadMsPerFrame)), 2),
    visemeOffsetP50Ms: round(median(runs.map((entry) => entry.visemeOffsetMs.p50)), 1),
    visemeOffsetP95Ms: round(median(runs.map((entry) => entry.visemeOffsetMs.p95)), 1),
    visemeOffsetMaxMs: round(median(runs.map((entry) => entry.visemeOffsetMs.max)), 1),
    outputLatencyMs: round(median(runs.map((entry) => entry.outputLatencyMs)), 1),
  };
}

async function measureRun(
  browser: Browser,
  server: Awaited<ReturnType<typeof startServerChild>>,
  pageUrl: string,
  run: number,
  windowMs: number,
): Promise<BrowserRun> {
  const api = new Api(server, 4);
  const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
  try {
    const page = await context.newPage();
    await page.goto(pageUrl);
    await page.waitForFunction(() => typeof (window as unknown as { benchAttach?: unknown }).benchAttach === 'function', undefined, {
      timeout: START_TIMEOUT_MS,
    });

    const session = await api.createSession();
    await page.evaluate((token) => (window as unknown as { benchAttach(token: string): Promise<void> }).benchAttach(token), session.token);

    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    await api.sayText(session, LONG_TURN);
    // The window starts once the mouth follows a playing turn.
    await page.waitForFunction(
      () =>
        (window as unknown as { benchSession: { debug: { frames: DebugFrame[] } } }).benchSession.debug.frames.some(
          (frame) => frame.turnNumber !== undefined,
        ),
      undefined,
      { timeout: START_TIMEOUT_MS },
    );

    const before = metricsOf(await cdp.send('Performance.getMetrics'));
    const firstFrame = await page.evaluate(() => performance.now());
    await sleep(windowMs);
    const after = metricsOf(await cdp.send('Performance.getMetrics'));

    const state = await page.evaluate(() => {
      const debug = (
        window as unknown as {
          benchSession: { debug: { frames: DebugFrame[]; turns: DebugTurn[]; audioBlocked: boolean; audioContext: AudioContext | null } };
        }
      ).benchSession.debug;
      return {
        frames: debug.frames,
        turns: debug.turns.map((turn) => ({
          turnNumber: turn.turnNumber,
          cues: turn.cues.map((cue) => ({ viseme: cue.viseme, startMs: cue.startMs })),
        })),
        audioBlocked: debug.audioBlocked,
        baseLatency: debug.audioContext?.baseLatency ?? Number.NaN,
        outputLatency: debug.audioContext?.outputLatency ?? Number.NaN,
        now: performance.now(),
      };
    });
    await api.interrupt(session).catch(() => undefined);
    await api.end(session).catch(() => undefined);

    const frames = state.frames.filter((frame) => frame.time >= firstFrame && frame.time <= state.now);
    const span = frames.length > 1 ? frames[frames.length - 1]!.time - frames[0]!.time : Number.NaN;
    const intervals = frames.slice(1).map((frame, index) => frame.time - frames[index]!.time);
    const sync = visemeSync(frames, state.turns);
    return {
      run,
      frames: frames.length,
      windowMs: round(span, 0),
      framesPerSecond: round(((frames.length - 1) / span) * 1000, 1),
      frameIntervalMs: roundAll(percentiles(intervals)),
      mainThreadMsPerFrame: round(((after.TaskDuration! - before.TaskDuration!) * 1000) / frames.length, 2),
      scriptMsPerFrame: round(((after.ScriptDuration! - before.ScriptDuration!) * 1000) / frames.length, 2),
      visemeOffsetMs: roundAll(percentiles(sync.offsets)),
      mismatchedFrames: sync.mismatched,
      baseLatencyMs: round(state.baseLatency * 1000, 1),
      outputLatencyMs: round(state.outputLatency * 1000, 1),
      audioBlocked: state.audioBlocked,
    };
  } finally {
    api.close();
    await context.close();
  }
}

function metricsOf(reply: { metrics: Array<{ name: string; value: number }> }): Record<string, number> {
  return Object.fromEntries(reply.metrics.map((metric) => [metric.name, metric.value]));
}

/**
 * Compare the drawn visemes with the cue schedule on the audio clock. For each cue that starts
 * inside the window, the offset is the turn time of the first frame at or after the cue's start
 * that draws it. One frame interval is the floor of what a 60 Hz loop can do.
 */
export function visemeSync(frames: readonly DebugFrame[], turns: readonly DebugTurn[]): { offsets: number[]; mismatched: number } {
  const offsets: number[] = [];
  let mismatched = 0;
  for (const turn of turns) {
    const played = frames.filter((frame) => frame.turnNumber === turn.turnNumber && frame.turnMs !== undefined);
    if (played.length < 2) continue;
    const from = played[0]!.turnMs!;
    const to = played[played.length - 1]!.turnMs!;

    for (const frame of played) {
      const scheduled = activeCue(turn.cues, frame.turnMs!);
      if (scheduled && scheduled.viseme !== frame.viseme) mismatched += 1;
    }
    for (let index = 0; index < turn.cues.length; index += 1) {
      const cue = turn.cues[index]!;
      const next = turn.cues[index + 1];
      if (cue.startMs <= from || cue.startMs > to) continue;
      const drawn = played.find(
        (frame) => frame.turnMs! >= cue.startMs && frame.viseme === cue.viseme && (!next || frame.turnMs! < next.startMs),
      );
      if (drawn) offsets.push(drawn.turnMs! - cue.startMs);
    }
  }
  return { offsets, mismatched };
}

function activeCue(cues: DebugTurn['cues'], turnMs: number): DebugTurn['cues'][number] | undefined {
  let active: DebugTurn['cues'][number] | undefined;
  for (const cue of cues) {
    if (cue.startMs > turnMs) break;
    active = cue;
  }
  return active;
}
