import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Partner } from '../../src/partners/partner.js';
import { TEST_REDIS_URL } from '../store/redis-harness.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

// How long a node may take to start listening, in ms; tsx compiles the sources on first start.
const START_TIMEOUT_MS = 30_000;

/** One Orator process started with `node --import tsx packages/server/src/main.ts`. */
export interface OratorNode {
  name: string;
  baseUrl: string;
  /** Parsed JSON log lines, in order. */
  logs: Array<Record<string, unknown>>;
  process: ChildProcess;
  /** Send a signal and wait for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface ClusterOptions {
  partner: Partner;
  prefix: string;
  jwtSecret: string;
  env?: Record<string, string>;
}

// Every process still running when the test process exits is killed, even after a crash.
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Start one node sharing Redis with the others. Its address comes from Fastify's
 * "Server listening at" log line, so PORT=0 works and main.ts needs no port file.
 */
export function startNode(name: string, options: ClusterOptions): Promise<OratorNode> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      REDIS_URL: TEST_REDIS_URL,
      ORATOR_REDIS_PREFIX: options.prefix,
      ORATOR_JWT_SECRET: options.jwtSecret,
      ORATOR_PARTNERS: JSON.stringify([options.partner]),
      ORATOR_SPEECH_ENGINE: 'test',
      ...options.env,
    },
  });
  running.add(child);

  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  let pendingText = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  exited.then(() => running.delete(child));

  return new Promise<OratorNode>((resolve, reject) => {
    let started = false;
    const timer = setTimeout(
      () => fail(new Error(`node ${name} did not start within ${START_TIMEOUT_MS} ms; stderr: ${stderr}`)),
      START_TIMEOUT_MS,
    );

    function fail(error: Error): void {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    }

    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.once('exit', (code, signal) => {
      if (!started) fail(new Error(`node ${name} exited before listening (code ${code}, signal ${signal}); stderr: ${stderr}`));
    });

    child.stdout!.on('data', (chunk: Buffer) => {
      pendingText += chunk.toString('utf8');
      const lines = pendingText.split('\n');
      pendingText = lines.pop() ?? '';
      for (const line of lines) {
        let entry: Record<string, unknown>;
        try {
          entry = JSON.parse(line) as Record<string, unknown>;
        } catch {
          continue;
        }
        logs.push(entry);

        const match = typeof entry.msg === 'string' ? /^Server listening at (http:\/\/127\.0\.0\.1:\d+)$/.exec(entry.msg) : null;
        if (!match) continue;
        started = true;
        clearTimeout(timer);
        resolve({
          name,
          baseUrl: match[1]!,
          logs,
          process: child,
          async kill(signal: NodeJS.Signals = 'SIGKILL') {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            await exited;
          },
        });
      }
    });
  });
}

/** Start `count` nodes; if one fails to start, the others are killed before the error is thrown. */
export async function startCluster(count: number, options: ClusterOptions): Promise<OratorNode[]> {
  const names = ['A', 'B', 'C', 'D', 'E'].slice(0, count);
  const results = await Promise.allSettled(names.map((name) => startNode(name, options)));
  const nodes = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) {
    await stopCluster(nodes);
    throw failed.reason;
  }
  return nodes;
}

/** Kill every node and wait until each process has exited. */
export async function stopCluster(nodes: OratorNode[]): Promise<void> {
  await Promise.all(nodes.map((node) => node.kill('SIGKILL')));
}
