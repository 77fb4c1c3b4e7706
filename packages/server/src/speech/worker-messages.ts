/** Messages between a {@link WorkerPool} and its worker threads. */

export interface RunMessage<Payload> {
  type: 'run';
  jobId: number;
  payload: Payload;
}

export type WorkerReply<Result> =
  | { type: 'ready' }
  | { type: 'init-failed'; message: string }
  | { type: 'result'; jobId: number; result: Result }
  | { type: 'error'; jobId: number; code: string; message: string };

/** `workerData` every pool worker receives. */
export interface PoolWorkerData<Options> {
  /**
   * Int32Array over a SharedArrayBuffer of one element: the pool stores the id of a job it wants
   * cancelled, so a worker busy in a synchronous call can notice it without reading messages.
   */
  cancelFlag: SharedArrayBuffer;
  options: Options;
}
