/**
 * Interrupt to silence: from sending interrupt to the last audio frame of the cut turn at a
 * connected viewer, with eSpeak. Each sample interrupts a long turn after about one second of audio.
 */
import { performance } from 'node:perf_hooks';
import { Api } from './lib/api.js';
import { startServerChild } from './lib/child.js';
import { percentiles, sleep, type Percentiles } from './lib/stats.js';
import { LONG_TURN } from './lib/texts.js';
import { BenchViewer } from './lib/viewer.js';
import { roundAll } from './time-to-first-audio.js';
import type { BenchOptions } from './options.js';

const AUDIO_BEFORE_INTERRUPT_MS = 1_000;
// Frames that arrive later than this after the interrupt would be a failure of interrupt itself.
const SETTLE_MS = 1_000;
const WAIT_TIMEOUT_MS = 15_000;

export interface InterruptSample {
  /** Last audio frame of the turn minus the moment interrupt was sent; 0 when none arrived after it. */
  lastFrameMs: number;
  /** Frames of the cut turn that arrived after interrupt was sent. */
  framesAfter: number;
  interruptedMessageMs: number;
  responseMs: number;
  /** Audio the viewer held beyond its playback position when interrupt was sent (the SDK drops it locally). */
  bufferedAheadMs: number;
}

export interface InterruptResult {
  samples: InterruptSample[];
  lastFrameMs: Percentiles;
  interruptedMessageMs: Percentiles;
  responseMs: Percentiles;
  bufferedAheadMs: Percentiles;
}

export async function benchInterrupt(options: BenchOptions, log: (line: string) => void): Promise<InterruptResult> {
  const server = await startServerChild({ engine: 'espeak', maxConcurrentSessions: 100 });
  const api = new Api(server, 4);
  let viewer: BenchViewer | undefined;
  const samples: InterruptSample[] = [];
  try {
    const session = await api.createSession();
    viewer = await BenchViewer.connect(await api.streamUrl(session), session.token);
    const current = viewer;

    for (let index = 0; index < options.interruptSamples; index += 1) {
      const previousTurn = current.lastTurnNumber();
      const interruptsBefore = current.messages.filter((message) => message.type === 'interrupted').length;
      await api.sayText(session, LONG_TURN);
      await current.until('one second of audio', () => current.audioMs(previousTurn) >= AUDIO_BEFORE_INTERRUPT_MS, WAIT_TIMEOUT_MS);
      const turn = current.lastTurnNumber();
      const firstAt = current.audio.find((frame) => frame.turnNumber === turn)!.at;

      const sent = performance.now();
      const bufferedAheadMs = current.audioMs(previousTurn) - (sent - firstAt);
      await api.interrupt(session);
      const responseMs = performance.now() - sent;
      await current.until(
        'interrupted message',
        () => current.messages.filter((message) => message.type === 'interrupted').length > interruptsBefore,
        WAIT_TIMEOUT_MS,
      );
      const interruptedAt = current.messages.filter((message) => message.type === 'interrupted')[interruptsBefore]!.at;
      await sleep(SETTLE_MS);

      const after = current.audio.filter((frame) => frame.turnNumber === turn && frame.at >= sent);
      samples.push({
        lastFrameMs: after.length === 0 ? 0 : after[after.length - 1]!.at - sent,
        framesAfter: after.length,
        interruptedMessageMs: interruptedAt - sent,
        responseMs,
        bufferedAheadMs,
      });
    }
    log(`interrupt: ${samples.length} samples`);
  } finally {
    viewer?.close();
    api.close();
    await server.stop();
  }

  return {
    samples,
    lastFrameMs: roundAll(percentiles(samples.map((sample) => sample.lastFrameMs))),
    interruptedMessageMs: roundAll(percentiles(samples.map((sample) => sample.interruptedMessageMs))),
    responseMs: roundAll(percentiles(samples.map((sample) => sample.responseMs))),
    bufferedAheadMs: roundAll(percentiles(samples.map((sample) => sample.bufferedAheadMs))),
  };
}
