import type { EndReason, SessionState, TurnState } from '@orator/protocol';

/** One avatar session as the store keeps it. Times are epoch milliseconds. */
export interface SessionRecord {
  id: string;
  partnerId: number;
  avatarId: string;
  voiceId: string;
  /** Speech rate multiplier. */
  speed: number;
  state: SessionState;
  createdAt: number;
  /** The session ends at this time whatever its activity (maximum duration). */
  expiresAt: number;
  lastActivityAt: number;
  /** The session ends when idle for this long, in ms. */
  idleTimeoutMs: number;
  /** Expiry of the session's JWT; the ended marker lives until then, so the token gets 410. */
  tokenExpiresAt: number;
  endedAt?: number;
  endReason?: EndReason;
}

/** One spoken turn. `number` is the session-wide order of first arrival, starting at 1. */
export interface TurnRecord {
  turnId: string;
  /** `audio` turns come from say-audio: their PCM is kept with putTurnAudio and `text` stays empty. */
  kind: 'text' | 'audio';
  number: number;
  text: string;
  /** Chunks accepted so far; the next `seq` a client may send. */
  chunks: number;
  isFinal: boolean;
  state: TurnState;
  createdAt: number;
  /** Characters of `text` that reached the viewers as audio. */
  spokenChars: number;
}

export interface ChunkInput {
  turnId: string;
  /** Defaults to `text`; an `audio` chunk creates a complete turn and must carry a new turn id. */
  kind?: 'text' | 'audio';
  text: string;
  isFinal: boolean;
  seq?: number;
}

export interface ChunkLimits {
  turnChars: number;
  queuedTurns: number;
}

export type AppendResult =
  | { status: 'appended'; turn: TurnRecord; created: boolean }
  | { status: 'duplicate'; turn: TurnRecord }
  | { status: 'dropped'; turnId: string }
  | { status: 'turn-final'; turnId: string }
  | { status: 'seq-gap'; turnId: string; expectedSeq: number }
  | { status: 'turn-too-long'; turnId: string; maxChars: number }
  | { status: 'queue-full'; maxTurns: number }
  | { status: 'session-ended' }
  | { status: 'session-not-found' };

/** Turns as they were just before the interrupt marked them interrupted. */
export interface InterruptResult {
  /** The turn that was speaking (or first in line) when the interrupt arrived. */
  current?: TurnRecord;
  /** Turns that were waiting and are now dropped. */
  dropped: TurnRecord[];
}

export type CreateResult = { status: 'created' } | { status: 'quota-exceeded'; limit: number };

export interface RateLimitResult {
  allowed: boolean;
  /** Seconds until the window resets, when not allowed. */
  retryAfterSeconds: number;
}

/**
 * Shared session state. Every method is asynchronous and every multi-step change is atomic, so a
 * Redis implementation can replace the in-memory one without changes in routes or lifecycle code.
 */
export interface SessionStore {
  /** Create a session unless the partner already has `maxConcurrent` open sessions. */
  createSession(record: SessionRecord, maxConcurrent: number): Promise<CreateResult>;
  getSession(sessionId: string): Promise<SessionRecord | undefined>;
  /** Record activity: resets the idle timer and moves a created session to active. */
  touchSession(sessionId: string, at: number): Promise<void>;
  /**
   * End a session once: returns the ended record, or undefined when it was unknown or already ended.
   * Drops its turns and frees its place in the partner's quota.
   */
  endSession(sessionId: string, reason: EndReason, at: number): Promise<SessionRecord | undefined>;
  /** Sessions still open whose idle time or maximum duration has passed at `now`. */
  listExpiredSessions(now: number, max: number): Promise<SessionRecord[]>;
  /** Ids of all open sessions (for shutdown and metrics). */
  listOpenSessionIds(max: number): Promise<string[]>;
  countOpenSessions(partnerId?: number): Promise<number>;

  appendChunk(sessionId: string, chunk: ChunkInput, limits: ChunkLimits, at: number): Promise<AppendResult>;
  /** Turns not yet done, in order of first arrival. */
  listPendingTurns(sessionId: string): Promise<TurnRecord[]>;
  getTurn(sessionId: string, turnId: string): Promise<TurnRecord | undefined>;
  /** Move a turn from queued to speaking; false when it is no longer queued. */
  startTurn(sessionId: string, turnId: string): Promise<boolean>;
  /** Mark a turn done (fully spoken) or lost; records how much of it was spoken. */
  finishTurn(sessionId: string, turnId: string, state: 'done' | 'lost', spokenChars: number): Promise<void>;
  setSpokenChars(sessionId: string, turnId: string, spokenChars: number): Promise<void>;
  /** Mark the current and all queued turns interrupted, atomically. */
  interruptTurns(sessionId: string): Promise<InterruptResult>;
  /** Keep the PCM of an audio turn (signed 16-bit mono at the engine's sample rate) until `ttlMs` passes. */
  putTurnAudio(sessionId: string, turnId: string, pcm: Uint8Array, ttlMs: number): Promise<void>;
  getTurnAudio(sessionId: string, turnId: string): Promise<Uint8Array | undefined>;

  /** Revoke KS identities (hashes) until `untilMs`. */
  revokeKs(keys: string[], untilMs: number): Promise<void>;
  isKsRevoked(keys: string[]): Promise<boolean>;

  /** Count one event against a fixed window; allowed while the count stays within `max`. */
  hitRateLimit(key: string, max: number, windowMs: number): Promise<RateLimitResult>;
  /** Read a window without counting. */
  peekRateLimit(key: string, max: number, windowMs: number): Promise<RateLimitResult>;

  /**
   * Take or renew the lease that makes `nodeId` the only speaker of a session; true when held.
   * The in-memory store always grants it.
   */
  acquireSpeechLease(sessionId: string, nodeId: string, ttlMs: number): Promise<boolean>;
  releaseSpeechLease(sessionId: string, nodeId: string): Promise<void>;

  close(): Promise<void>;
}
