/**
 * Time to first audio: from sending say-text to the first binary audio frame at a connected
 * viewer, with eSpeak, for a short and a long first sentence. In the same loop an eSpeak engine in
 * this process synthesizes the same first sentence, so the report gives the server's time as a
 * multiple of the bare synthesis time.
 */
import { performance } from 'node:perf_hooks';
import { EspeakEngine } from '../packages/server/dist/speech/index.js';
import { Api } from './lib/api.js';
import { startServerChild } from './lib/child.js';
import { percentiles, round, sleep, type Percentiles } from './lib/stats.js';
import { LONG_FIRST_SENTENCE, SHORT_FIRST_SENTENCE, turnStartingWith } from './lib/texts.js';
import { BenchViewer } from './lib/viewer.js';
import type { BenchOptions } from './options.js';

const FIRST_AUDIO_TIMEOUT_MS = 15_000;

export interface TtfaRow {
  firstSentence: 'short' | 'long';
  characters: number;
  samples: number;
  ttfaMs: Percentiles;
  engineMs: Percentiles;
  /** TTFA p50 divided by the in-process synthesis p50. */
  ratioP50: number;
}

export interface TtfaResult {
  rows: TtfaRow[];
  raw: Array<{ firstSentence: string; ttfaMs: number; engineMs: number }>;
}

export async function benchTimeToFirstAudio(options: BenchOptions, log: (line: string) => void): Promise<TtfaResult> {
  const server = await startServerChild({ engine: 'espeak', maxConcurrentSessions: 100 });
  const engine = new EspeakEngine({ poolSize: 1 });
  const api = new Api(server, 4);
  const raw: TtfaResult['raw'] = [];
  let viewer: BenchViewer | undefined;

  try {
    await engine.start();
    const session = await api.createSession();
    viewer = await BenchViewer.connect(await api.streamUrl(session), session.token);
    const cases = [
      { firstSentence: 'short' as const, text: SHORT_FIRST_SENTENCE },
      { firstSentence: 'long' as const, text: LONG_FIRST_SENTENCE },
    ];

    // One warm-up turn so the first sample does not include JIT compilation of the speaking path.
    await sampleOnce(api, session, viewer, turnStartingWith(SHORT_FIRST_SENTENCE));

    for (let index = 0; index < options.ttfaSamples; index += 1) {
      for (const item of cases) {
        const ttfaMs = await sampleOnce(api, session, viewer, turnStartingWith(item.text));

        const started = performance.now();
        await engine.synthesize({ text: item.text, voiceId: server.voiceId, speed: 1 });
        const engineMs = performance.now() - started;
        raw.push({ firstSentence: item.firstSentence, ttfaMs, engineMs });
      }
    }
    log(`time to first audio: ${raw.length} samples`);

    const rows = cases.map((item): TtfaRow => {
      const samples = raw.filter((entry) => entry.firstSentence === item.firstSentence);
      const ttfaMs = roundAll(percentiles(samples.map((entry) => entry.ttfaMs)));
      const engineMs = roundAll(percentiles(samples.map((entry) => entry.engineMs)));
      return {
        firstSentence: item.firstSentence,
        characters: item.text.length,
        samples: samples.length,
        ttfaMs,
        engineMs,
        ratioP50: round(ttfaMs.p50 / engineMs.p50, 2),
      };
    });
    return { rows, raw };
  } finally {
    viewer?.close();
    api.close();
    await engine.close();
    await server.stop();
  }
}

/** Time one say-text to the first audio frame of its turn, then interrupt the turn. */
async function sampleOnce(api: Api, session: { sessionId: string; token: string }, viewer: BenchViewer, text: string): Promise<number> {
  const previousTurn = viewer.lastTurnNumber();
  const interruptsBefore = viewer.messages.filter((message) => message.type === 'interrupted').length;

  const sent = performance.now();
  await api.sayText(session, text);
  await viewer.until('first audio frame', () => viewer.lastTurnNumber() > previousTurn, FIRST_AUDIO_TIMEOUT_MS);
  const first = viewer.audio.find((frame) => frame.turnNumber > previousTurn)!;

  await api.interrupt(session);
  await viewer.until(
    'interrupted message',
    () => viewer.messages.filter((message) => message.type === 'interrupted').length > interruptsBefore,
    FIRST_AUDIO_TIMEOUT_MS,
  );
  // Let frames already in flight arrive so they are not taken for the next turn's audio.
  await sleep(100);
  return first.at - sent;
}

export function roundAll(value: Percentiles, digits = 1): Percentiles {
  return {
    count: value.count,
    p50: round(value.p50, digits),
    p95: round(value.p95, digits),
    p99: round(value.p99, digits),
    max: round(value.max, digits),
  };
}
