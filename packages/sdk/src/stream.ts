/**
 * Viewer stream client: one WebSocket to the `streamUrl` from init-client. Authenticates with the
 * session token as the first message (never in the URL), parses server messages, decodes binary
 * audio frames, replies to heartbeats and reconnects with backoff after a drop.
 */
import { STREAM_PROTOCOL_VERSION, StreamCloseCode, decodeAudioFrame, type ReadyMessage, type ServerMessage } from '@orator/protocol';
import { AvatarStreamError } from './errors.js';
import type { Logger } from './logger.js';
import { backoffDelay, type RetryConfig } from './retry.js';
import { ConnectionState } from './states.js';

/** Close codes after which reconnecting cannot help. */
export const FATAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  StreamCloseCode.AuthFailed,
  StreamCloseCode.Forbidden,
  StreamCloseCode.SessionNotFound,
  StreamCloseCode.SessionEnded,
]);

/**
 * Minimum consecutive reconnect attempts, even when retryConfig.maxAttempts is lower, because a server restart
 * takes longer than three quick HTTP retries, and the counter resets after every successful `ready`.
 */
const MIN_RECONNECT_ATTEMPTS = 6;
/** Time allowed between socket open and the `ready` message, in ms. */
const READY_TIMEOUT_MS = 10_000;
/** A connection with no message for this many heartbeat intervals counts as dead. */
const MISSED_HEARTBEATS = 3;
/** Client close code (application range) used when the client gives up on a silent connection. */
const CLIENT_TIMEOUT_CLOSE = 3000;
/** Largest text message accepted from the server, in characters. */
const MAX_TEXT_MESSAGE = 1_000_000;

export interface StreamHandlers {
  message(message: ServerMessage): void;
  audio(turnNumber: number, sampleOffset: number, pcm: Int16Array): void;
  state(state: ConnectionState): void;
  /** The stream stopped for good; `error` is undefined for a normal end of session. */
  stopped(error: AvatarStreamError | undefined, closeCode: number | undefined): void;
}

export interface StreamOptions {
  url: string;
  token: string;
  retry: RetryConfig;
  logger: Logger;
  handlers: StreamHandlers;
}

export class StreamConnection {
  private socket: WebSocket | undefined;
  private attempts = 0;
  private stopped = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private readyTimer: ReturnType<typeof setTimeout> | undefined;
  private watchdog: ReturnType<typeof setTimeout> | undefined;
  private heartbeatMs = 0;
  private firstReady: { resolve: (m: ReadyMessage) => void; reject: (e: Error) => void } | undefined;

  constructor(private readonly options: StreamOptions) {}

  /** Open the stream; resolves at the first `ready`, rejects if the stream stops before it. */
  connect(): Promise<ReadyMessage> {
    return new Promise((resolve, reject) => {
      this.firstReady = { resolve, reject };
      this.open();
    });
  }

  private open(): void {
    if (this.stopped) return;
    this.options.handlers.state(ConnectionState.CONNECTING);

    let socket: WebSocket;
    try {
      socket = new WebSocket(this.options.url);
    } catch (error) {
      this.stop(new AvatarStreamError(`invalid stream URL: ${String(error)}`, 'STREAM_URL_INVALID'), undefined);
      return;
    }
    socket.binaryType = 'arraybuffer';
    this.socket = socket;

    socket.onopen = () => {
      socket.send(JSON.stringify({ type: 'auth', token: this.options.token, protocol: STREAM_PROTOCOL_VERSION }));
      this.readyTimer = setTimeout(() => {
        this.options.logger.warn('viewer stream: no ready message in time, reconnecting');
        socket.close(CLIENT_TIMEOUT_CLOSE, 'ready timeout');
      }, READY_TIMEOUT_MS);
    };
    socket.onmessage = (event: MessageEvent) => this.onMessage(socket, event.data);
    socket.onclose = (event: CloseEvent) => this.onClose(socket, event.code, event.reason);
    // onerror carries no detail in browsers; onclose follows it and does the handling.
    socket.onerror = () => this.options.logger.debug('viewer stream: socket error');
  }

  private onMessage(socket: WebSocket, data: unknown): void {
    if (socket !== this.socket) return;
    this.armWatchdog();

    if (data instanceof ArrayBuffer) {
      try {
        const frame = decodeAudioFrame(data);
        this.options.handlers.audio(frame.turnNumber, frame.sampleOffset, frame.pcm);
      } catch (error) {
        this.options.logger.warn('viewer stream: dropped an invalid audio frame', error);
      }
      return;
    }

    if (typeof data !== 'string' || data.length > MAX_TEXT_MESSAGE) {
      this.options.logger.warn('viewer stream: ignored a message that is not JSON text');
      return;
    }

    let message: ServerMessage;
    try {
      message = JSON.parse(data) as ServerMessage;
    } catch {
      this.options.logger.warn('viewer stream: ignored a message that is not valid JSON');
      return;
    }
    if (typeof message !== 'object' || message === null || typeof message.type !== 'string') return;

    if (message.type === 'ready') this.onReady(message);
    else if (message.type === 'heartbeat') socket.send(JSON.stringify({ type: 'pong', t: message.t }));
    else if (message.type === 'session-ended') this.stopped = true;

    this.options.handlers.message(message);
  }

  private onReady(message: ReadyMessage): void {
    clearTimeout(this.readyTimer);
    this.attempts = 0;
    this.heartbeatMs = Number.isFinite(message.heartbeatMs) && message.heartbeatMs > 0 ? message.heartbeatMs : 0;
    this.armWatchdog();
    this.options.handlers.state(ConnectionState.CONNECTED);

    this.firstReady?.resolve(message);
    this.firstReady = undefined;
  }

  private armWatchdog(): void {
    clearTimeout(this.watchdog);
    if (this.heartbeatMs <= 0 || this.stopped) return;
    const socket = this.socket;
    this.watchdog = setTimeout(() => {
      this.options.logger.warn(`viewer stream: no message for ${MISSED_HEARTBEATS} heartbeats, reconnecting`);
      socket?.close(CLIENT_TIMEOUT_CLOSE, 'heartbeat timeout');
    }, this.heartbeatMs * MISSED_HEARTBEATS);
  }

  private onClose(socket: WebSocket, code: number, reason: string): void {
    if (socket !== this.socket) return;
    clearTimeout(this.readyTimer);
    clearTimeout(this.watchdog);
    this.socket = undefined;
    this.options.logger.debug(`viewer stream closed with code ${code}${reason ? ` (${reason})` : ''}`);

    if (this.stopped || code === StreamCloseCode.SessionEnded) {
      this.stop(undefined, code);
      return;
    }
    if (FATAL_CLOSE_CODES.has(code)) {
      const messages: Record<number, string> = {
        [StreamCloseCode.AuthFailed]: 'the viewer stream rejected the session token',
        [StreamCloseCode.Forbidden]: 'the session token belongs to another session',
        [StreamCloseCode.SessionNotFound]: 'the session was not found',
      };
      this.stop(new AvatarStreamError(messages[code] ?? `the viewer stream closed with code ${code}`, `STREAM_CLOSED_${code}`, code), code);
      return;
    }

    this.attempts += 1;
    const maxAttempts = Math.max(this.options.retry.maxAttempts, MIN_RECONNECT_ATTEMPTS);
    if (this.attempts > maxAttempts) {
      this.stop(
        new AvatarStreamError(`the viewer stream could not reconnect after ${maxAttempts} attempts`, 'STREAM_RECONNECT_FAILED', code),
        code,
      );
      return;
    }

    const delay = backoffDelay(this.options.retry, this.attempts);
    this.options.logger.info(`viewer stream dropped (code ${code}); reconnect ${this.attempts} of ${maxAttempts} in ${delay} ms`);
    this.options.handlers.state(ConnectionState.CONNECTING);
    this.reconnectTimer = setTimeout(() => this.open(), delay);
  }

  private stop(error: AvatarStreamError | undefined, code: number | undefined): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;

    this.firstReady?.reject(error ?? new AvatarStreamError('the session ended before the stream was ready', 'SESSION_ENDED', code));
    this.firstReady = undefined;
    this.options.handlers.stopped(error, code);
  }

  /** Close for good (endSession, detach): no reconnect. */
  close(): void {
    if (this.stopped && !this.socket) return;
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.readyTimer);
    clearTimeout(this.watchdog);
    const socket = this.socket;
    this.socket = undefined;
    socket?.close(1000, 'client closed');
    this.firstReady?.reject(new AvatarStreamError('the stream was closed by the client', 'STREAM_CLOSED_BY_CLIENT'));
    this.firstReady = undefined;
  }
}
