/** Renders docs/benchmarks.md from the results of one run. */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BrowserResult } from './browser.js';
import type { CapacityResult } from './capacity.js';
import type { ControlPlaneResult } from './control-plane.js';
import type { InterruptResult } from './interrupt.js';
import type { MachineInfo } from './lib/machine.js';
import type { MemoryResult } from './memory.js';
import type { BenchOptions } from './options.js';
import type { TtfaResult } from './time-to-first-audio.js';

type Results = Record<string, unknown>;

const MIB = 2 ** 20;

const TARGET_NAMES: Record<ControlPlaneResult['rows'][number]['target'], string> = {
  'bare-fastify': 'bare Fastify',
  memory: 'Orator, memory store',
  redis: 'Orator, Redis store',
};

function command(section: string): string {
  return `\`npm run bench -- --only=${section}\``;
}

function failed(value: unknown): string | undefined {
  if (value === undefined) return 'not run';
  if (typeof value === 'object' && value !== null && 'error' in value)
    return `failed: ${String((value as { error: string }).error).split('\n')[0]}`;
  if (typeof value === 'object' && value !== null && 'skipped' in value) return `skipped: ${(value as { skipped: string }).skipped}`;
  return undefined;
}

function num(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

export function renderReport(results: Results, rawFile: string): string {
  const machine = results.machine as MachineInfo;
  const options = results.options as BenchOptions;
  const lines: string[] = [];
  const push = (...more: string[]) => lines.push(...more);

  push(
    '# Benchmarks',
    '',
    `Measured with \`npm run bench\` (${options.mode} mode) on ${String(results.startedAt).slice(0, 10)}. Raw results: \`${rawFile}\`.`,
    'Every server listens on 127.0.0.1 and runs in a child process; the load generator, the viewers and the browser run in the',
    'benchmark process on the same machine, so they compete with the server for its cores. Each row names the command that',
    'measures it again (add `--quick` for the small CI counts; a partial run prints its tables instead of rewriting this page).',
    '',
    '| machine | |',
    '|---|---|',
    `| cores (\`nproc\`) | ${machine.nproc} |`,
    `| CPU | ${machine.cpuModel} |`,
    `| memory | ${machine.memoryGiB} GiB |`,
    `| Node.js | ${machine.node} |`,
    `| OS | ${machine.platform} |`,
    '',
    'The machine is shared and noisy: compare the ratios, which come from measurements taken side by side in one run, rather',
    'than absolute numbers across runs.',
    '',
  );

  renderControl(results.control, options, push);
  renderTtfa(results.ttfa, options, push);
  renderCapacity(results.capacity, options, push);
  renderMemory(results.memory, push);
  renderInterrupt(results.interrupt, push);
  renderBrowser(results.browser, push);
  renderHistory(push);
  return `${lines.join('\n')}\n`;
}

/** Append the hand-kept before/after record of fixed bottlenecks, when it exists. */
function renderHistory(push: (...lines: string[]) => void): void {
  const historyFile = fileURLToPath(new URL('./history.md', import.meta.url));
  if (!existsSync(historyFile)) return;
  push('', readFileSync(historyFile, 'utf8').trimEnd());
}

function renderControl(value: unknown, options: BenchOptions, push: (...lines: string[]) => void): void {
  push('## Control plane', '');
  const problem = failed(value);
  if (problem) return void push(problem, '');
  const result = value as ControlPlaneResult;
  push(
    `Closed-loop load from one client process over keep-alive HTTP/1.1 (node:http): each of *c* workers sends its next request when the`,
    `previous one returns, ${result.requestsPerRun} timed requests per row and run, median of ${result.runs} runs. The Orator servers use the`,
    'test speech engine and log at `info` to discarded standard output. say-text goes to one session per worker; after every 10th',
    'say-text the worker sends an untimed interrupt so the 20-turn queue limit never rejects, and that time counts in the wall time.',
    '"bare Fastify" is one trivial POST JSON route on the same Fastify version, measured by the same client in the same run;',
    `"vs bare" is the median over runs of the row's req/s divided by bare Fastify's req/s at the same concurrency. Redis: ${result.redis}.`,
    '',
    '| target | operation | c | req/s | p50 ms | p95 ms | p99 ms | vs bare | errors | command |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---|',
  );
  for (const row of result.rows) {
    const target = TARGET_NAMES[row.target];
    push(
      `| ${target} | ${row.operation} | ${row.concurrency} | ${row.requestsPerSecond} | ${num(row.p50Ms, 2)} | ${num(row.p95Ms, 2)} | ${num(row.p99Ms, 2)} | ${num(row.ratioToBare ?? Number.NaN, 2)} | ${row.errors} | ${command('control')} |`,
    );
  }
  push('', `Concurrency levels: ${options.concurrencyLevels.join(', ')}.`, '');
}

function renderTtfa(value: unknown, options: BenchOptions, push: (...lines: string[]) => void): void {
  push('## Time to first audio', '');
  const problem = failed(value);
  if (problem) return void push(problem, '');
  const result = value as TtfaResult;
  push(
    'From sending say-text to the first binary audio frame at a connected viewer (eSpeak, default worker pool of 2, one session,',
    `${options.ttfaSamples} samples per case, each turn interrupted after its first frame). "engine" is an eSpeak engine in the benchmark`,
    'process (one worker thread) synthesizing the same first sentence in the same loop; "ratio" is TTFA p50 over engine p50.',
    '',
    '| first sentence | chars | TTFA p50 | p95 | p99 | engine p50 | p95 | p99 | ratio p50 | command |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  );
  for (const row of result.rows) {
    push(
      `| ${row.firstSentence} | ${row.characters} | ${row.ttfaMs.p50} ms | ${row.ttfaMs.p95} ms | ${row.ttfaMs.p99} ms | ${row.engineMs.p50} ms | ${row.engineMs.p95} ms | ${row.engineMs.p99} ms | ${row.ratioP50} | ${command('ttfa')} |`,
    );
  }
  push('');
}

function renderCapacity(value: unknown, options: BenchOptions, push: (...lines: string[]) => void): void {
  push('## Synthesis capacity', '');
  const problem = failed(value);
  if (problem) return void push(problem, '');
  const result = value as CapacityResult;
  push(
    `n sessions, each with one viewer, receive a long say-text at the same moment (eSpeak, ${result.speechWorkers} speech workers). Each viewer`,
    `is watched for ${result.windowMs / 1000} s from its first audio frame. RTF is audio ms received per wall ms in that window; the server`,
    "sends up to 300 ms ahead of playback, so a stream that keeps up shows an RTF a little above 1. Lateness is a frame's arrival",
    'minus its playback time when playback starts at the first frame. A step keeps up when every session has RTF >= 1, lateness',
    `<= ${result.latenessBudgetMs} ms and first audio within ${result.firstAudioBudgetMs} ms of its say-text. The ramp stops at the first step`,
    `that does not keep up. Steps: ${options.capacitySteps.join(', ')}; ${options.capacityRuns} run(s).`,
    '',
    `**Sessions speaking at once that kept up: ${result.maxSessions}** (median over runs; per run: ${result.maxSessionsPerRun.join(', ')}),`,
    `that is **${result.sessionsPerCore} per core** on this ${Math.round(result.maxSessions / result.sessionsPerCore) || ''}-core machine. Command: ${command('capacity')}.`,
    '',
    '| run | sessions | min RTF | median RTF | max lateness ms | first audio p50 ms | first audio max ms | server CPU (cores) | kept up | command |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---|---|',
  );
  for (const step of result.steps) {
    push(
      `| ${step.run + 1} | ${step.sessions} | ${num(step.minRealTimeFactor, 3)} | ${num(step.medianRealTimeFactor, 3)} | ${num(step.maxLatenessMs, 0)} | ${num(step.firstAudioP50Ms, 0)} | ${num(step.firstAudioMaxMs, 0)} | ${num(step.serverCores, 2)} | ${step.keptUp ? 'yes' : 'no'} | ${command('capacity')} |`,
    );
  }
  push('');
}

function renderMemory(value: unknown, push: (...lines: string[]) => void): void {
  push('## Memory', '');
  const problem = failed(value);
  if (problem) return void push(problem, '');
  const result = value as MemoryResult;
  push(
    'Resident set size (RSS) of the server child process, read in the child after a full garbage collection, with the in-memory',
    'store. Per-session numbers are the RSS growth over the RSS with one session, divided by the sessions added. Speaking sessions',
    "have one viewer each and a long say-text, measured 3 s after it was sent, with the test speech engine (eSpeak's worker memory",
    `is fixed per worker, not per session). Median of ${result.runs.length} run(s). The first rows include the heap growth that`,
    'serving the creation requests causes, so the row between the two largest counts is the better estimate of one idle session.',
    '',
    '| case | sessions | RSS MiB | bytes per session | command |',
    '|---|---:|---:|---:|---|',
  );
  for (const point of result.idleBytesPerSession) {
    push(`| idle, no viewer | ${point.sessions} | ${point.rssMiB} | ${point.bytesPerSession} | ${command('memory')} |`);
  }
  // Between the two largest counts the request-handling warm-up of the heap is already paid, so the
  // difference is the cost of the sessions themselves.
  const counts = result.idleBytesPerSession.map((point) => point.sessions);
  if (counts.length >= 2) {
    const [low, high] = [counts[counts.length - 2]!, counts[counts.length - 1]!];
    const marginal = (field: 'rssMiB' | 'heapUsedMiB') =>
      result.runs
        .map((run) => {
          const a = run.idle.find((point) => point.sessions === low)!;
          const b = run.idle.find((point) => point.sessions === high)!;
          return ((b[field] - a[field]) * MIB) / (high - low);
        })
        .sort((x, y) => x - y)[Math.floor((result.runs.length - 1) / 2)]!;
    push(
      `| idle, no viewer, from ${low} to ${high} (RSS / JS heap) | ${high - low} | | ${Math.round(marginal('rssMiB'))} / ${Math.round(marginal('heapUsedMiB'))} | ${command('memory')} |`,
    );
  }
  const speaking = result.runs.map((run) => run.speaking.speakingRssMiB).sort((a, b) => a - b)[Math.floor((result.runs.length - 1) / 2)];
  push(`| idle, one viewer each | ${result.speaking.sessions} | | ${result.speaking.bytesPerViewerSession} | ${command('memory')} |`);
  push(
    `| speaking, one viewer each | ${result.speaking.sessions} | ${speaking ?? ''} | ${result.speaking.bytesPerSpeakingSession} (${num(result.speaking.bytesPerSpeakingSession / MIB, 2)} MiB) | ${command('memory')} |`,
  );
  push('');
}

function renderInterrupt(value: unknown, push: (...lines: string[]) => void): void {
  push('## Interrupt to silence', '');
  const problem = failed(value);
  if (problem) return void push(problem, '');
  const result = value as InterruptResult;
  push(
    'A viewer receives a long eSpeak turn; after 1 s of audio the client sends interrupt. "Last frame" is the arrival of the cut',
    'turn\'s last audio frame minus the moment interrupt was sent (0 when no frame arrived after it). "Buffered ahead" is audio the',
    'viewer had received beyond its playback position at that moment: a player that ignored the `interrupted` message would play',
    `it; the SDK drops it when the message arrives. ${result.samples.length} samples.`,
    '',
    '| measure | p50 ms | p95 ms | p99 ms | max ms | command |',
    '|---|---:|---:|---:|---:|---|',
  );
  const rows: Array<[string, InterruptResult['lastFrameMs']]> = [
    ['last audio frame after interrupt', result.lastFrameMs],
    ['`interrupted` message at the viewer', result.interruptedMessageMs],
    ['interrupt HTTP response', result.responseMs],
    ['audio buffered ahead at the viewer', result.bufferedAheadMs],
  ];
  for (const [name, value] of rows)
    push(`| ${name} | ${value.p50} | ${value.p95} | ${value.p99} | ${value.max} | ${command('interrupt')} |`);
  const after = result.samples.reduce((sum, sample) => sum + sample.framesAfter, 0);
  push('', `Audio frames of the cut turn that arrived after interrupt was sent, over all samples: ${after}.`, '');
}

function renderBrowser(value: unknown, push: (...lines: string[]) => void): void {
  push('## Browser', '');
  const problem = failed(value);
  if (problem) return void push(problem, '');
  const result = value as Exclude<BrowserResult, { skipped: string }>;
  push(
    'Headless Chromium (software rendering, `--disable-gpu`) loads a page from its own loopback origin that imports',
    '`/sdk/orator-sdk.js` and attaches the avatar; the avatar speaks a long eSpeak turn and the window starts at the first frame',
    'of its playback. Frames and visemes come from `session.debug.frames`; main-thread time is the change of the DevTools',
    '`Performance.getMetrics` TaskDuration (all main-thread tasks of the page) divided by the frames drawn. The viseme offset is,',
    "for each cue, the audio-clock time of the first frame that draws it minus the cue's start; a 60 Hz loop adds up to one frame",
    '(16.7 ms). The audio clock itself runs ahead of the speaker by the AudioContext output latency.',
    '',
    '| run | fps | frame interval p50 / p95 ms | main thread ms per frame | script ms per frame | viseme offset p50 / p95 / max ms | frames off schedule | output latency ms | command |',
    '|---:|---:|---|---:|---:|---|---:|---:|---|',
  );
  for (const run of result.runs) {
    push(
      `| ${run.run + 1} | ${run.framesPerSecond} | ${run.frameIntervalMs.p50} / ${run.frameIntervalMs.p95} | ${run.mainThreadMsPerFrame} | ${run.scriptMsPerFrame} | ${run.visemeOffsetMs.p50} / ${run.visemeOffsetMs.p95} / ${run.visemeOffsetMs.max} | ${run.mismatchedFrames} of ${run.frames} | ${run.outputLatencyMs} | ${command('browser')} |`,
    );
  }
  push(
    '',
    `Median over runs: ${result.framesPerSecond} fps, ${result.mainThreadMsPerFrame} ms main thread per frame, viseme offset p50 ${result.visemeOffsetP50Ms} ms, p95 ${result.visemeOffsetP95Ms} ms.`,
    '',
  );
}
