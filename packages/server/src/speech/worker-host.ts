import { parentPort, workerData } from 'node:worker_threads';
import type { Transferable } from 'node:worker_threads';
import type { PoolWorkerData, RunMessage, WorkerReply } from './worker-messages.js';

/** Output of a job handler: the result and the buffers to move, not copy, to the main thread. */
export interface HandlerOutput<Result> {
  result: Result;
  transfer?: Transferable[];
}

/** Runs one job; `isCancelled()` turns true once the pool has dropped the job. */
export type JobHandler<Payload, Result> = (
  payload: Payload,
  isCancelled: () => boolean,
) => HandlerOutput<Result> | Promise<HandlerOutput<Result>>;

/** Error a handler throws to stop a job the pool has cancelled. */
export class JobCancelledError extends Error {
  override readonly name = 'JobCancelledError';
}

/**
 * Serve pool jobs in this worker thread: call `init` once with the pool's options, report ready,
 * then run each job and post its result or error. Jobs run one at a time because the pool sends a
 * worker its next job only after the previous reply.
 */
export function serveWorker<Options, Payload, Result>(init: (options: Options) => Promise<JobHandler<Payload, Result>>): void {
  const port = parentPort;
  if (!port) {
    throw new Error('serveWorker must run in a worker thread');
  }

  const data = workerData as PoolWorkerData<Options>;
  const cancelFlag = new Int32Array(data.cancelFlag);
  const post = (reply: WorkerReply<Result>, transfer?: Transferable[]): void => port.postMessage(reply, transfer);

  init(data.options).then(
    (handler) => {
      port.on('message', (message: RunMessage<Payload>) => {
        void runJob(handler, message, cancelFlag, post);
      });
      post({ type: 'ready' });
    },
    (error: unknown) => {
      post({ type: 'init-failed', message: error instanceof Error ? error.message : String(error) });
    },
  );
}

async function runJob<Payload, Result>(
  handler: JobHandler<Payload, Result>,
  message: RunMessage<Payload>,
  cancelFlag: Int32Array,
  post: (reply: WorkerReply<Result>, transfer?: Transferable[]) => void,
): Promise<void> {
  const isCancelled = (): boolean => Atomics.load(cancelFlag, 0) === message.jobId;

  try {
    const output = await handler(message.payload, isCancelled);
    post({ type: 'result', jobId: message.jobId, result: output.result }, output.transfer);
  } catch (error) {
    const cancelled = error instanceof JobCancelledError || isCancelled();
    const code = cancelled ? 'ABORTED' : errorCode(error);
    post({ type: 'error', jobId: message.jobId, code, message: error instanceof Error ? error.message : String(error) });
  }
}

function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }

  return 'ENGINE_FAILED';
}
