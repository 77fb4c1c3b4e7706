import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ServerProcessOptions } from '../server-process.js';

const SERVER_ENTRY = fileURLToPath(new URL('../server-process.ts', import.meta.url));
const BARE_ENTRY = fileURLToPath(new URL('../bare-fastify-process.ts', import.meta.url));

// eSpeak loads and warms its workers at start-up; this bounds the wait.
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

export class ChildStartError extends Error {
  readonly code = 'BENCH_CHILD_START_FAILED';
}

export interface ServerChild {
  baseUrl: string;
  adminKs: string;
  avatarId: string;
  voiceId: string;
  pid: number;
  /** Memory of the child after a full garbage collection, in bytes. */
  memory(): Promise<{ rss: number; heapUsed: number; external: number; arrayBuffers: number }>;
  stop(): Promise<void>;
}

/** Start an Orator server in a child process and wait until it listens. */
export async function startServerChild(options: ServerProcessOptions): Promise<ServerChild> {
  const child = forkEntry(SERVER_ENTRY, { BENCH_SERVER: JSON.stringify(options) });
  const ready = await waitForMessage(child, (message) => message.type === 'ready', START_TIMEOUT_MS, 'server start');
  if (ready.type !== 'ready') throw new ChildStartError('unexpected message from server child');

  return {
    baseUrl: ready.baseUrl,
    adminKs: ready.adminKs,
    avatarId: ready.avatarId,
    voiceId: ready.voiceId,
    pid: child.pid!,
    async memory() {
      const reply = waitForMessage(child, (message) => message.type === 'memory', 30_000, 'memory reading');
      child.send({ type: 'memory' });
      const message = await reply;
      if (message.type !== 'memory') throw new Error('unexpected reply to a memory request');
      return { rss: message.rss, heapUsed: message.heapUsed, external: message.external, arrayBuffers: message.arrayBuffers };
    },
    stop: () => stopChild(child),
  };
}

/** Start the bare Fastify baseline in a child process. */
export async function startBareFastify(): Promise<{ baseUrl: string; stop(): Promise<void> }> {
  const child = forkEntry(BARE_ENTRY, {});
  const ready = (await waitForMessage(child, () => true, START_TIMEOUT_MS, 'bare Fastify start')) as unknown as { baseUrl: string };
  return { baseUrl: ready.baseUrl, stop: () => stopChild(child) };
}

function forkEntry(entry: string, env: Record<string, string>): ChildProcess {
  return fork(entry, [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    env: { ...process.env, ...env },
    // Standard output carries the server's log lines, discarded like a log shipper would consume them.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
}

function waitForMessage(
  child: ChildProcess,
  match: (message: ChildMessage) => boolean,
  timeoutMs: number,
  what: string,
): Promise<ChildMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new ChildStartError(`${what} timed out after ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message: ChildMessage) => {
      if (match(message)) finish(undefined, message);
    };
    const onExit = (code: number | null) => finish(new ChildStartError(`${what} failed: the child exited with code ${code}`));
    function finish(error?: Error, message?: ChildMessage): void {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(message!);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.connected) child.send({ type: 'stop' });
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
