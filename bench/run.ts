/**
 * Benchmark entry point: `npm run bench` (full, the published numbers) or `npm run bench -- --quick`
 * (the CI smoke run). Every server listens on 127.0.0.1 only. Raw results go to
 * bench/results/<date>-<mode>.json; a full run also rewrites docs/benchmarks.md.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { benchOptions } from './options.js';
import { describeMachine } from './lib/machine.js';
import { benchControlPlane } from './control-plane.js';
import { benchTimeToFirstAudio } from './time-to-first-audio.js';
import { benchCapacity } from './capacity.js';
import { benchMemory } from './memory.js';
import { benchInterrupt } from './interrupt.js';
import { benchBrowser } from './browser.js';
import { renderReport } from './report.js';

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));
const REPORT_FILE = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));

type Section = 'control' | 'ttfa' | 'capacity' | 'memory' | 'interrupt' | 'browser';
const SECTIONS: Section[] = ['control', 'ttfa', 'capacity', 'memory', 'interrupt', 'browser'];

interface Args {
  mode: 'quick' | 'full';
  only: Section[];
  writeDocs: boolean;
  /** Raw results file to render docs/benchmarks.md from, without measuring. */
  render?: string;
}

function parseArgs(argv: string[]): Args {
  let mode: 'quick' | 'full' = 'full';
  let render: string | undefined;
  let only = SECTIONS;
  let writeDocs: boolean | undefined;
  for (const arg of argv) {
    if (arg === '--quick') mode = 'quick';
    else if (arg === '--full') mode = 'full';
    else if (arg === '--no-docs') writeDocs = false;
    else if (arg.startsWith('--render=')) render = arg.slice('--render='.length);
    else if (arg.startsWith('--only=')) {
      only = arg.slice('--only='.length).split(',') as Section[];
      const unknown = only.filter((name) => !SECTIONS.includes(name));
      if (unknown.length > 0) throw new Error(`unknown section in --only: ${unknown.join(', ')}; known: ${SECTIONS.join(', ')}`);
    } else
      throw new Error(
        `unknown argument ${arg}; use --quick, --full, --only=${SECTIONS.join(',')}, --no-docs or --render=bench/results/FILE.json`,
      );
  }
  // Quick numbers are a smoke test, not published; a partial run would drop the other tables.
  return { mode, only, writeDocs: writeDocs ?? (mode === 'full' && only.length === SECTIONS.length), ...(render ? { render } : {}) };
}

function log(line: string): void {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.render) {
    const saved = JSON.parse(readFileSync(args.render, 'utf8')) as Record<string, unknown>;
    writeFileSync(REPORT_FILE, renderReport(saved, args.render));
    log(`report: ${REPORT_FILE} from ${args.render}`);
    return;
  }
  const options = benchOptions(args.mode);
  const machine = describeMachine();
  const startedAt = new Date();
  log(`mode ${args.mode}; ${machine.nproc} cores, ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}`);

  const results: Record<string, unknown> = { mode: args.mode, startedAt: startedAt.toISOString(), machine, options };
  const failures: string[] = [];
  const sections: Array<[Section, () => Promise<unknown>]> = [
    ['control', () => benchControlPlane(options, log)],
    ['ttfa', () => benchTimeToFirstAudio(options, log)],
    ['capacity', () => benchCapacity(options, log)],
    ['memory', () => benchMemory(options, log)],
    ['interrupt', () => benchInterrupt(options, log)],
    ['browser', () => benchBrowser(options, log)],
  ];

  for (const [name, run] of sections) {
    if (!args.only.includes(name)) continue;
    const started = Date.now();
    log(`${name}: start`);
    try {
      results[name] = await run();
    } catch (error) {
      // A failed benchmark is recorded and the others still run; the exit code reports it at the end.
      failures.push(name);
      results[name] = { error: (error as Error).stack ?? String(error) };
      log(`${name}: FAILED: ${(error as Error).message}`);
    }
    log(`${name}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  results.finishedAt = new Date().toISOString();

  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = startedAt.toISOString().slice(0, 19).replace(/:/g, '-');
  const file = `${RESULTS_DIR}${stamp}-${args.mode}.json`;
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  log(`raw results: ${file}`);

  const report = renderReport(results, `bench/results/${stamp}-${args.mode}.json`);
  if (args.writeDocs) {
    writeFileSync(REPORT_FILE, report);
    log(`report: ${REPORT_FILE}`);
  } else {
    process.stdout.write(`\n${report}`);
  }

  if (failures.length > 0) {
    log(`failed: ${failures.join(', ')}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
