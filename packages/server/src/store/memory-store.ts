import { EventEmitter } from 'node:events';
import type { EndReason } from '@orator/protocol';
import type { ControlEvent, EventBus, StreamEvent } from './bus.js';
import type {
  AppendResult,
  ChunkInput,
  ChunkLimits,
  CreateResult,
  InterruptResult,
  RateLimitResult,
  SessionRecord,
  SessionStore,
  TurnRecord,
} from './types.js';

interface SessionEntry {
  record: SessionRecord;
  /** Turns in order of first arrival; done and interrupted turns stay until purged. */
  turns: Map<string, TurnRecord>;
  nextTurnNumber: number;
  audio: Map<string, Uint8Array>;
}

// Finished turns kept per session so late chunks of an interrupted turn are recognised and dropped.
const MAX_FINISHED_TURNS = 64;
const PURGE_INTERVAL_MS = 10_000;

function copy<T extends object>(value: T): T {
  return { ...value };
}

/** Single-process store: the embedded default, needing nothing installed. */
export class MemoryStore implements SessionStore {
  private readonly sessions = new Map<string, SessionEntry>();
  private readonly revoked = new Map<string, number>();
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  /** Open sessions per partner, kept in step with `sessions` so a create checks its quota without a scan. */
  private readonly openByPartner = new Map<number, number>();
  private readonly purgeTimer: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.purgeTimer = setInterval(() => this.purge(this.now()), PURGE_INTERVAL_MS);
    this.purgeTimer.unref();
  }

  async createSession(record: SessionRecord, maxConcurrent: number): Promise<CreateResult> {
    // No await between the check and the insert, so concurrent creates cannot both pass the quota.
    const open = this.openByPartner.get(record.partnerId) ?? 0;
    if (open >= maxConcurrent) return { status: 'quota-exceeded', limit: maxConcurrent };

    this.sessions.set(record.id, { record: copy(record), turns: new Map(), nextTurnNumber: 1, audio: new Map() });
    this.openByPartner.set(record.partnerId, open + 1);
    return { status: 'created' };
  }

  async getSession(sessionId: string): Promise<SessionRecord | undefined> {
    const entry = this.sessions.get(sessionId);
    return entry ? copy(entry.record) : undefined;
  }

  async touchSession(sessionId: string, at: number): Promise<void> {
    const entry = this.sessions.get(sessionId);
    if (!entry || entry.record.state === 'ended') return;

    entry.record.lastActivityAt = Math.max(entry.record.lastActivityAt, at);
    entry.record.state = 'active';
  }

  async endSession(sessionId: string, reason: EndReason, at: number): Promise<SessionRecord | undefined> {
    const entry = this.sessions.get(sessionId);
    if (!entry || entry.record.state === 'ended') return undefined;

    entry.record.state = 'ended';
    this.openByPartner.set(entry.record.partnerId, (this.openByPartner.get(entry.record.partnerId) ?? 1) - 1);
    entry.record.endedAt = at;
    entry.record.endReason = reason;
    entry.turns.clear();
    entry.audio.clear();
    return copy(entry.record);
  }

  async listExpiredSessions(now: number, max: number): Promise<SessionRecord[]> {
    const expired: SessionRecord[] = [];
    for (const { record } of this.sessions.values()) {
      if (expired.length >= max) break;
      if (record.state === 'ended') continue;
      if (now >= record.expiresAt || now - record.lastActivityAt >= record.idleTimeoutMs) expired.push(copy(record));
    }
    return expired;
  }

  async listOpenSessionIds(max: number): Promise<string[]> {
    const ids: string[] = [];
    for (const { record } of this.sessions.values()) {
      if (ids.length >= max) break;
      if (record.state !== 'ended') ids.push(record.id);
    }
    return ids;
  }

  async countOpenSessions(partnerId?: number): Promise<number> {
    if (partnerId !== undefined) return this.openByPartner.get(partnerId) ?? 0;

    let count = 0;
    for (const open of this.openByPartner.values()) count += open;
    return count;
  }

  async appendChunk(sessionId: string, chunk: ChunkInput, limits: ChunkLimits, at: number): Promise<AppendResult> {
    const entry = this.sessions.get(sessionId);
    if (!entry) return { status: 'session-not-found' };
    if (entry.record.state === 'ended') return { status: 'session-ended' };

    const existing = entry.turns.get(chunk.turnId);
    if (existing && chunk.kind === 'audio') return { status: 'turn-final', turnId: existing.turnId };
    if (!existing) {
      if (chunk.seq !== undefined && chunk.seq !== 0) return { status: 'seq-gap', turnId: chunk.turnId, expectedSeq: 0 };

      const pending = [...entry.turns.values()].filter((turn) => turn.state === 'queued' || turn.state === 'speaking').length;
      if (pending >= limits.queuedTurns) return { status: 'queue-full', maxTurns: limits.queuedTurns };
      if (chunk.text.length > limits.turnChars) return { status: 'turn-too-long', turnId: chunk.turnId, maxChars: limits.turnChars };

      const turn: TurnRecord = {
        turnId: chunk.turnId,
        kind: chunk.kind ?? 'text',
        number: entry.nextTurnNumber++,
        text: chunk.text,
        chunks: 1,
        isFinal: chunk.isFinal,
        state: 'queued',
        createdAt: at,
        spokenChars: 0,
      };
      entry.turns.set(turn.turnId, turn);
      this.trimFinishedTurns(entry);
      return { status: 'appended', turn: copy(turn), created: true };
    }

    if (existing.state === 'interrupted') return { status: 'dropped', turnId: existing.turnId };
    if (chunk.seq !== undefined && chunk.seq < existing.chunks) return { status: 'duplicate', turn: copy(existing) };
    if (existing.isFinal) return { status: 'turn-final', turnId: existing.turnId };
    if (chunk.seq !== undefined && chunk.seq > existing.chunks) {
      return { status: 'seq-gap', turnId: existing.turnId, expectedSeq: existing.chunks };
    }
    if (existing.text.length + chunk.text.length > limits.turnChars) {
      return { status: 'turn-too-long', turnId: existing.turnId, maxChars: limits.turnChars };
    }

    existing.text += chunk.text;
    existing.chunks += 1;
    existing.isFinal = chunk.isFinal;
    return { status: 'appended', turn: copy(existing), created: false };
  }

  async listPendingTurns(sessionId: string): Promise<TurnRecord[]> {
    const entry = this.sessions.get(sessionId);
    if (!entry) return [];
    return [...entry.turns.values()].filter((turn) => turn.state === 'queued' || turn.state === 'speaking').map(copy);
  }

  async getTurn(sessionId: string, turnId: string): Promise<TurnRecord | undefined> {
    const turn = this.sessions.get(sessionId)?.turns.get(turnId);
    return turn ? copy(turn) : undefined;
  }

  async startTurn(sessionId: string, turnId: string): Promise<boolean> {
    const turn = this.sessions.get(sessionId)?.turns.get(turnId);
    if (!turn || turn.state !== 'queued') return false;
    turn.state = 'speaking';
    return true;
  }

  async finishTurn(sessionId: string, turnId: string, state: 'done' | 'lost', spokenChars: number): Promise<void> {
    const turn = this.sessions.get(sessionId)?.turns.get(turnId);
    if (!turn || (turn.state !== 'speaking' && turn.state !== 'queued')) return;
    turn.state = state;
    turn.spokenChars = spokenChars;
  }

  async setSpokenChars(sessionId: string, turnId: string, spokenChars: number): Promise<void> {
    const turn = this.sessions.get(sessionId)?.turns.get(turnId);
    if (turn) turn.spokenChars = Math.max(turn.spokenChars, spokenChars);
  }

  async interruptTurns(sessionId: string): Promise<InterruptResult> {
    const entry = this.sessions.get(sessionId);
    if (!entry) return { dropped: [] };

    const pending = [...entry.turns.values()].filter((turn) => turn.state === 'queued' || turn.state === 'speaking');
    // The result shows each turn as it was before the interrupt, so callers can tell a queued turn from a speaking one.
    const [current, ...dropped] = pending.map(copy);
    for (const turn of pending) turn.state = 'interrupted';

    return { current, dropped };
  }

  async putTurnAudio(sessionId: string, turnId: string, pcm: Uint8Array, ttlMs: number): Promise<void> {
    const entry = this.sessions.get(sessionId);
    if (!entry) return;

    entry.audio.set(turnId, pcm);
    // The speaker deletes nothing, so a timer bounds how long the PCM stays in memory.
    setTimeout(() => entry.audio.delete(turnId), ttlMs).unref();
  }

  async getTurnAudio(sessionId: string, turnId: string): Promise<Uint8Array | undefined> {
    return this.sessions.get(sessionId)?.audio.get(turnId);
  }

  async revokeKs(keys: string[], untilMs: number): Promise<void> {
    for (const key of keys) this.revoked.set(key, Math.max(untilMs, this.revoked.get(key) ?? 0));
  }

  async isKsRevoked(keys: string[]): Promise<boolean> {
    const now = this.now();
    return keys.some((key) => (this.revoked.get(key) ?? 0) > now);
  }

  async hitRateLimit(key: string, max: number, windowMs: number): Promise<RateLimitResult> {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, window);
    }
    window.count += 1;
    return { allowed: window.count <= max, retryAfterSeconds: Math.max(1, Math.ceil((window.resetAt - now) / 1000)) };
  }

  async peekRateLimit(key: string, max: number, _windowMs: number): Promise<RateLimitResult> {
    const now = this.now();
    const window = this.windows.get(key);
    if (!window || window.resetAt <= now) return { allowed: true, retryAfterSeconds: 0 };
    return { allowed: window.count < max, retryAfterSeconds: Math.max(1, Math.ceil((window.resetAt - now) / 1000)) };
  }

  async acquireSpeechLease(): Promise<boolean> {
    return true;
  }

  async releaseSpeechLease(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.purgeTimer);
  }

  /** Forget ended sessions whose tokens have expired, lapsed revocations and old rate windows. */
  purge(now: number): void {
    for (const [id, entry] of this.sessions) {
      if (entry.record.state === 'ended' && entry.record.tokenExpiresAt <= now) this.sessions.delete(id);
    }
    for (const [key, until] of this.revoked) if (until <= now) this.revoked.delete(key);
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }

  private trimFinishedTurns(entry: SessionEntry): void {
    const finished = [...entry.turns.values()].filter((turn) => turn.state !== 'queued' && turn.state !== 'speaking');
    for (const turn of finished.slice(0, Math.max(0, finished.length - MAX_FINISHED_TURNS))) {
      entry.turns.delete(turn.turnId);
      entry.audio.delete(turn.turnId);
    }
  }
}

/** In-process event bus for the single-node default. */
export class MemoryBus implements EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Every viewer adds a listener to its session's stream, so the default limit of 10 is too low.
    this.emitter.setMaxListeners(0);
  }

  async publishControl(sessionId: string, event: ControlEvent): Promise<void> {
    this.emitter.emit('control', sessionId, event);
  }

  onControl(handler: (sessionId: string, event: ControlEvent) => void): () => void {
    this.emitter.on('control', handler);
    return () => this.emitter.off('control', handler);
  }

  publishStream(sessionId: string, event: StreamEvent): void {
    this.emitter.emit(`stream:${sessionId}`, event);
  }

  async subscribeStream(sessionId: string, handler: (event: StreamEvent) => void): Promise<() => void> {
    const channel = `stream:${sessionId}`;
    this.emitter.on(channel, handler);
    return () => this.emitter.off(channel, handler);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}
