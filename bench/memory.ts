/**
 * Memory: resident set size of a server child process per idle session (1,000 and 10,000
 * sessions) and per speaking session with one viewer each. RSS is read in the child after a full
 * garbage collection. Speaking sessions use the test speech engine, so the numbers cover session
 * state, queued turns, synthesized PCM and viewer buffers, and not eSpeak's fixed per-worker memory.
 */
import { Api } from './lib/api.js';
import { startServerChild } from './lib/child.js';
import { median, round, sleep } from './lib/stats.js';
import { LONG_TURN } from './lib/texts.js';
import { BenchViewer } from './lib/viewer.js';
import type { BenchOptions } from './options.js';

const MIB = 2 ** 20;
const CREATE_CONCURRENCY = 16;
// Time for every speaking session to have synthesized its first sentences and filled its send buffer.
const SPEAKING_SETTLE_MS = 3_000;

export interface MemoryRun {
  run: number;
  baselineRssMiB: number;
  /** Idle sessions: count, RSS after creating them, bytes of RSS per session over the baseline. */
  idle: Array<{ sessions: number; rssMiB: number; heapUsedMiB: number; bytesPerSession: number }>;
  speaking: {
    sessions: number;
    idleWithViewerRssMiB: number;
    speakingRssMiB: number;
    bytesPerSpeakingSession: number;
    bytesPerViewerSession: number;
  };
}

export interface MemoryResult {
  engine: 'test';
  runs: MemoryRun[];
  idleBytesPerSession: Array<{ sessions: number; bytesPerSession: number; rssMiB: number }>;
  speaking: { sessions: number; bytesPerSpeakingSession: number; bytesPerViewerSession: number };
}

export async function benchMemory(options: BenchOptions, log: (line: string) => void): Promise<MemoryResult> {
  const runs: MemoryRun[] = [];
  const largest = Math.max(...options.memorySessionCounts);
  for (let run = 0; run < options.memoryRuns; run += 1) {
    const idle = await measureIdle(options.memorySessionCounts, largest);
    const speaking = await measureSpeaking(options.memorySpeakingSessions);
    runs.push({ run, baselineRssMiB: idle.baseline, idle: idle.points, speaking });
    log(
      `memory: run ${run + 1}/${options.memoryRuns}: ${idle.points.map((point) => `${point.sessions} idle: ${Math.round(point.bytesPerSession)} B each`).join(', ')}; speaking: ${Math.round(speaking.bytesPerSpeakingSession)} B each`,
    );
  }

  return {
    engine: 'test',
    runs,
    idleBytesPerSession: options.memorySessionCounts.map((sessions) => ({
      sessions,
      bytesPerSession: round(median(runs.map((entry) => entry.idle.find((point) => point.sessions === sessions)!.bytesPerSession)), 0),
      rssMiB: round(median(runs.map((entry) => entry.idle.find((point) => point.sessions === sessions)!.rssMiB)), 1),
    })),
    speaking: {
      sessions: options.memorySpeakingSessions,
      bytesPerSpeakingSession: round(median(runs.map((entry) => entry.speaking.bytesPerSpeakingSession)), 0),
      bytesPerViewerSession: round(median(runs.map((entry) => entry.speaking.bytesPerViewerSession)), 0),
    },
  };
}

async function measureIdle(counts: number[], largest: number): Promise<{ baseline: number; points: MemoryRun['idle'] }> {
  const server = await startServerChild({ engine: 'test', maxConcurrentSessions: largest + 100, logLevel: 'warn' });
  const api = new Api(server, CREATE_CONCURRENCY);
  try {
    // One session first so lazily loaded code paths are in the baseline, not in the per-session cost.
    await api.createSession();
    const baseline = (await server.memory()).rss;
    const points: MemoryRun['idle'] = [];
    let created = 1;
    for (const count of [...counts].sort((a, b) => a - b)) {
      await api.createSessions(count - created, CREATE_CONCURRENCY);
      created = count;
      const memory = await server.memory();
      points.push({
        sessions: count,
        rssMiB: round(memory.rss / MIB, 1),
        heapUsedMiB: round(memory.heapUsed / MIB, 1),
        bytesPerSession: (memory.rss - baseline) / (count - 1),
      });
    }
    return { baseline: round(baseline / MIB, 1), points };
  } finally {
    api.close();
    await server.stop();
  }
}

async function measureSpeaking(count: number): Promise<MemoryRun['speaking']> {
  const server = await startServerChild({ engine: 'test', maxConcurrentSessions: count + 10, logLevel: 'warn' });
  const api = new Api(server, 8);
  const viewers: BenchViewer[] = [];
  try {
    await api.createSession();
    const baseline = (await server.memory()).rss;
    const sessions = await api.createSessions(count, 8);
    for (const session of sessions) viewers.push(await BenchViewer.connect(await api.streamUrl(session), session.token));
    const idleWithViewer = (await server.memory()).rss;

    await Promise.all(sessions.map((session) => api.sayText(session, LONG_TURN)));
    await sleep(SPEAKING_SETTLE_MS);
    const speaking = (await server.memory()).rss;
    return {
      sessions: count,
      idleWithViewerRssMiB: round(idleWithViewer / MIB, 1),
      speakingRssMiB: round(speaking / MIB, 1),
      bytesPerSpeakingSession: (speaking - baseline) / count,
      bytesPerViewerSession: (idleWithViewer - baseline) / count,
    };
  } finally {
    for (const viewer of viewers) viewer.close();
    api.close();
    await server.stop();
  }
}
