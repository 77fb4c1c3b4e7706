import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { AUDIO_FRAME_MAX_MS, STREAM_PROTOCOL_VERSION, StreamCloseCode, type ClientMessage, type ServerMessage } from '@orator/protocol';
import type { Authenticator } from '../auth/authenticator.js';
import type { Limits } from '../config.js';
import type { Metrics } from '../observability/metrics.js';
import type { EventBus, StreamEvent } from '../store/bus.js';
import type { SessionStore } from '../store/types.js';
import type { SessionService } from '../sessions/session-service.js';

/** Path of the viewer stream; the session id is in the path, the token never is. */
export const STREAM_PATH = /^\/v1\/avatar-session\/([A-Za-z0-9-]{1,64})\/stream$/;

/**
 * Default interval of heartbeat messages, in ms. Each heartbeat also counts as session activity,
 * so the hub beats at least three times per idle timeout.
 */
export const HEARTBEAT_MS = 10_000;

// A viewer must authenticate this soon after connecting, in ms.
const AUTH_TIMEOUT_MS = 5_000;

// Largest message a client may send; only small JSON control messages are expected.
const MAX_CLIENT_MESSAGE_BYTES = 8 * 1024;

interface Viewer {
  socket: WebSocket;
  sessionId: string;
  unsubscribe: () => void;
  /** WebSocket pings sent since the last pong. */
  unansweredPings: number;
}

// A viewer that leaves this many heartbeat pings unanswered is not reading its socket. Byte counts
// alone would notice it late, because the kernel buffers megabytes of audio on each side.
const MAX_UNANSWERED_PINGS = 2;

/** Accepts viewer WebSockets, authenticates them and fans out each session's stream. */
export class ViewerHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES });
  private readonly viewers = new Map<string, Set<Viewer>>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly heartbeatMs: number;

  constructor(
    private readonly store: SessionStore,
    private readonly bus: EventBus,
    private readonly auth: Authenticator,
    private readonly sessions: SessionService,
    private readonly sampleRate: number,
    private readonly limits: Limits,
    private readonly metrics: Metrics,
    private readonly log: FastifyBaseLogger,
    private readonly isSpeaking: (sessionId: string) => Promise<boolean>,
    idleTimeoutMs: number,
  ) {
    this.heartbeatMs = Math.max(50, Math.min(HEARTBEAT_MS, Math.floor(idleTimeoutMs / 3)));
    this.heartbeat = setInterval(() => void this.beat(), this.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Handle an HTTP upgrade; returns false when the path is not the viewer stream. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = (request.url ?? '').split('?')[0] ?? '';
    const match = STREAM_PATH.exec(path);
    if (!match) return false;

    const sessionId = match[1]!;
    this.wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws, sessionId));
    return true;
  }

  viewerCount(sessionId: string): number {
    return this.viewers.get(sessionId)?.size ?? 0;
  }

  /** Close every viewer, for shutdown. */
  close(): void {
    clearInterval(this.heartbeat);
    for (const set of this.viewers.values()) for (const viewer of set) viewer.socket.close(1001, 'server shutting down');
    this.wss.close();
  }

  private accept(socket: WebSocket, sessionId: string): void {
    const timer = setTimeout(() => socket.close(StreamCloseCode.AuthFailed, 'authentication timed out'), AUTH_TIMEOUT_MS);

    socket.once('message', (data: RawData, isBinary: boolean) => {
      clearTimeout(timer);
      void this.authenticate(socket, sessionId, data, isBinary).catch((error: unknown) => {
        this.log.error({ err: error, sessionId }, 'viewer authentication failed');
        socket.close(1011, 'internal error');
      });
    });
    socket.on('error', (error) => this.log.info({ err: error, sessionId }, 'viewer socket error'));
  }

  private async authenticate(socket: WebSocket, sessionId: string, data: RawData, isBinary: boolean): Promise<void> {
    const message = isBinary ? undefined : parseClientMessage(data);
    if (message?.type !== 'auth' || typeof message.token !== 'string') {
      socket.close(StreamCloseCode.AuthFailed, 'first message must be auth');
      return;
    }

    const claims = await this.auth.verifyToken(message.token);
    if (!claims) return socket.close(StreamCloseCode.AuthFailed, 'invalid or expired token');
    if (claims.sessionId !== sessionId) return socket.close(StreamCloseCode.Forbidden, 'token is for another session');

    const session = await this.store.getSession(sessionId);
    if (!session) return socket.close(StreamCloseCode.SessionNotFound, 'session not found');
    if (session.state === 'ended') return socket.close(StreamCloseCode.SessionEnded, 'session ended');
    if (this.viewerCount(sessionId) >= this.limits.viewersPerSession) {
      return socket.close(StreamCloseCode.ProtocolError, `session already has ${this.limits.viewersPerSession} viewers, the maximum`);
    }

    await this.sessions.touch(sessionId);
    const viewer: Viewer = { socket, sessionId, unsubscribe: () => undefined, unansweredPings: 0 };
    socket.on('pong', () => (viewer.unansweredPings = 0));
    viewer.unsubscribe = await this.bus.subscribeStream(sessionId, (event) => this.deliver(viewer, event));
    let set = this.viewers.get(sessionId);
    if (!set) this.viewers.set(sessionId, (set = new Set()));
    set.add(viewer);
    this.metrics.viewers.inc();
    this.log.info({ sessionId, viewers: set.size }, 'viewer connected');

    this.send(viewer, {
      type: 'ready',
      protocol: STREAM_PROTOCOL_VERSION,
      sessionId,
      avatarId: session.avatarId,
      voiceId: session.voiceId,
      audio: { encoding: 'pcm_s16le', sampleRate: this.sampleRate, channels: 1, frameMs: AUDIO_FRAME_MAX_MS },
      heartbeatMs: this.heartbeatMs,
      speaking: await this.isSpeaking(sessionId),
    });

    socket.on('message', (raw: RawData, binary: boolean) => {
      const next = binary ? undefined : parseClientMessage(raw);
      if (next?.type !== 'pong') socket.close(StreamCloseCode.ProtocolError, 'unexpected message');
    });
    socket.on('close', () => this.remove(viewer));
  }

  private deliver(viewer: Viewer, event: StreamEvent): void {
    if (event.kind === 'audio') this.sendRaw(viewer, event.frame, true);
    else this.send(viewer, event.message);

    if (event.kind === 'message' && event.message.type === 'session-ended') {
      viewer.socket.close(StreamCloseCode.SessionEnded, 'session ended');
    }
  }

  private send(viewer: Viewer, message: ServerMessage): void {
    this.sendRaw(viewer, JSON.stringify(message), false);
  }

  /** Send unless the viewer is too far behind; a slow viewer is closed so it cannot delay others. */
  private sendRaw(viewer: Viewer, data: string | Uint8Array, binary: boolean): void {
    const socket = viewer.socket;
    if (socket.readyState !== socket.OPEN) return;

    if (socket.bufferedAmount > this.limits.viewerBufferBytes) {
      this.dropSlowViewer(viewer, `send buffer holds ${socket.bufferedAmount} bytes`);
      return;
    }
    socket.send(data, { binary });
  }

  /** Close a viewer that reads too slowly, so it cannot hold up the session's other viewers. */
  private dropSlowViewer(viewer: Viewer, reason: string): void {
    this.log.warn({ sessionId: viewer.sessionId, reason }, 'viewer too slow; closing');
    viewer.socket.close(StreamCloseCode.SlowConsumer, 'viewer too slow');
    // close() waits for the send buffer to drain, which a stalled reader never does.
    setTimeout(() => viewer.socket.terminate(), 1_000).unref();
    this.remove(viewer);
  }

  private remove(viewer: Viewer): void {
    const set = this.viewers.get(viewer.sessionId);
    if (!set?.delete(viewer)) return;

    viewer.unsubscribe();
    if (set.size === 0) this.viewers.delete(viewer.sessionId);
    this.metrics.viewers.dec();
    this.log.info({ sessionId: viewer.sessionId, viewers: set.size }, 'viewer disconnected');
  }

  /** Heartbeat and ping every viewer, drop those that stopped reading, and count viewers as session activity. */
  private async beat(): Promise<void> {
    const now = Date.now();
    for (const [sessionId, set] of this.viewers) {
      for (const viewer of set) {
        if (viewer.unansweredPings >= MAX_UNANSWERED_PINGS) {
          this.dropSlowViewer(viewer, `${viewer.unansweredPings} pings unanswered`);
          continue;
        }
        this.send(viewer, { type: 'heartbeat', t: now });
        viewer.unansweredPings += 1;
        viewer.socket.ping();
      }
      try {
        await this.store.touchSession(sessionId, now);
      } catch (error) {
        this.log.error({ err: error, sessionId }, 'cannot record viewer activity');
      }
    }
  }
}

function parseClientMessage(data: RawData): ClientMessage | undefined {
  try {
    const parsed: unknown = JSON.parse(data.toString());
    return typeof parsed === 'object' && parsed !== null && 'type' in parsed ? (parsed as ClientMessage) : undefined;
  } catch {
    return undefined;
  }
}
