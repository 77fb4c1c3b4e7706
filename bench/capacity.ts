/**
 * Synthesis capacity: how many sessions can speak at once with eSpeak before a viewer's stream
 * falls behind real time. The server runs in a child process with its default worker pool. Each
 * step starts n sessions speaking a long turn at the same moment, each with one viewer, and
 * watches every viewer for a fixed window from its first audio frame.
 */
import { performance } from 'node:perf_hooks';
import { Api, type Session } from './lib/api.js';
import { startServerChild, type ServerChild } from './lib/child.js';
import { processCpuMs } from './lib/cpu.js';
import { median, percentile, round, sleep } from './lib/stats.js';
import { LONG_TURN } from './lib/texts.js';
import { BenchViewer } from './lib/viewer.js';
import type { BenchOptions } from './options.js';

/**
 * A frame may arrive this much after its playback time before the stream counts as behind: the
 * SDK starts playback with a jitter buffer of about this size.
 */
export const LATENESS_BUDGET_MS = 100;

/**
 * Every session's first audio must arrive within this time of its say-text. The server
 * synthesizes every sentence of a turn as soon as the turn arrives. So once a stream starts, it
 * rarely falls behind, and the load shows as a later start instead.
 */
export const FIRST_AUDIO_BUDGET_MS = 1_000;

// A step whose sessions get no audio within this time fails outright.
const FIRST_AUDIO_TIMEOUT_MS = 30_000;

export interface CapacityStep {
  run: number;
  sessions: number;
  /** Lowest over sessions of audio ms received per wall ms in the window after the first frame. */
  minRealTimeFactor: number;
  medianRealTimeFactor: number;
  /** Highest over sessions and frames of arrival minus playback time (negative: ahead). */
  maxLatenessMs: number;
  firstAudioP50Ms: number;
  firstAudioMaxMs: number;
  /** CPU time of the server process (all threads) per wall time in the window, in cores. */
  serverCores: number;
  keptUp: boolean;
}

export interface CapacityResult {
  windowMs: number;
  latenessBudgetMs: number;
  firstAudioBudgetMs: number;
  speechWorkers: number;
  steps: CapacityStep[];
  /** Per run, the largest step where every session kept up. */
  maxSessionsPerRun: number[];
  maxSessions: number;
  sessionsPerCore: number;
}

export async function benchCapacity(options: BenchOptions, log: (line: string) => void): Promise<CapacityResult> {
  const steps: CapacityStep[] = [];
  const maxSessionsPerRun: number[] = [];
  const server = await startServerChild({ engine: 'espeak', maxConcurrentSessions: 1000 });
  try {
    // An untimed step first, so no run pays for loading the speaking path and warming eSpeak's workers.
    await measureStep(server, 1, Math.min(2_000, options.capacityWindowMs), -1);

    for (let run = 0; run < options.capacityRuns; run += 1) {
      let best = 0;
      for (const sessions of options.capacitySteps) {
        const step = await measureStep(server, sessions, options.capacityWindowMs, run);
        steps.push(step);
        log(
          `capacity: run ${run + 1}, ${sessions} sessions: min RTF ${step.minRealTimeFactor.toFixed(3)}, max lateness ${step.maxLatenessMs.toFixed(0)} ms, ${step.keptUp ? 'kept up' : 'fell behind'}`,
        );
        if (!step.keptUp) break;
        best = sessions;
      }
      maxSessionsPerRun.push(best);
    }
  } finally {
    await server.stop();
  }

  const maxSessions = median(maxSessionsPerRun);
  // NOTE: ORATOR_SPEECH_WORKERS defaults to 2, so the server uses at most 2 cores for synthesis.
  const cores = (await import('node:os')).availableParallelism();
  return {
    windowMs: options.capacityWindowMs,
    latenessBudgetMs: LATENESS_BUDGET_MS,
    firstAudioBudgetMs: FIRST_AUDIO_BUDGET_MS,
    speechWorkers: 2,
    steps,
    maxSessionsPerRun,
    maxSessions,
    sessionsPerCore: round(maxSessions / cores, 2),
  };
}

async function measureStep(server: ServerChild, count: number, windowMs: number, run: number): Promise<CapacityStep> {
  const api = new Api(server, Math.max(4, count));
  const viewers: BenchViewer[] = [];
  let sessions: Session[] = [];
  try {
    sessions = await api.createSessions(count, 8);
    for (const session of sessions) viewers.push(await BenchViewer.connect(await api.streamUrl(session), session.token));

    const cpuBefore = processCpuMs(server.pid);
    const sentAt = performance.now();
    await Promise.all(sessions.map((session) => api.sayText(session, LONG_TURN)));
    await Promise.all(viewers.map((viewer) => viewer.until('first audio frame', () => viewer.audio.length > 0, FIRST_AUDIO_TIMEOUT_MS)));
    const lastFirst = Math.max(...viewers.map((viewer) => viewer.audio[0]!.at));
    await sleep(Math.max(0, lastFirst + windowMs - performance.now()) + 50);
    const wallMs = performance.now() - sentAt;
    const cpuMs = processCpuMs(server.pid) - cpuBefore;

    const factors: number[] = [];
    const firstAudio: number[] = [];
    let maxLateness = Number.NEGATIVE_INFINITY;
    for (const viewer of viewers) {
      const first = viewer.audio[0]!;
      firstAudio.push(first.at - sentAt);
      let samples = 0;
      for (const frame of viewer.audio) {
        if (frame.at > first.at + windowMs) break;
        samples += frame.samples;
        // Playback of the turn starts when its first frame arrives; a frame is due at its offset.
        const dueAt = first.at + ((frame.sampleOffset - first.sampleOffset) / viewer.sampleRate) * 1000;
        maxLateness = Math.max(maxLateness, frame.at - dueAt);
      }
      factors.push(((samples / viewer.sampleRate) * 1000) / windowMs);
    }

    const minFactor = Math.min(...factors);
    return {
      run,
      sessions: count,
      minRealTimeFactor: round(minFactor, 3),
      medianRealTimeFactor: round(median(factors), 3),
      maxLatenessMs: round(maxLateness, 1),
      firstAudioP50Ms: round(percentile(firstAudio, 50), 1),
      firstAudioMaxMs: round(Math.max(...firstAudio), 1),
      serverCores: round(cpuMs / wallMs, 2),
      keptUp: minFactor >= 1 && maxLateness <= LATENESS_BUDGET_MS && Math.max(...firstAudio) <= FIRST_AUDIO_BUDGET_MS,
    };
  } finally {
    for (const viewer of viewers) viewer.close();
    for (const session of sessions) await api.end(session).catch(() => undefined);
    api.close();
    // Let the ended sessions' synthesis drain before the next step is timed.
    await sleep(500);
  }
}
