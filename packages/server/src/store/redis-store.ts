import type { EndReason, SessionState, TurnState } from '@orator/protocol';
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
import { defineScripts, type RedisClient, type ScriptRunner } from './redis/client.js';
import { RedisKeys } from './redis/keys.js';

// Finished turns kept per session so late chunks of an interrupted turn are recognised and dropped.
const MAX_FINISHED_TURNS = 64;

// An open session's keys outlive its maximum end by this much, so a sweeper that was down for a
// while still finds the record and ends it. After that, Redis deletes the keys by itself.
const OPEN_GRACE_MS = 10 * 60_000;

// An ended record stays at least this long even when its token has already expired.
const ENDED_MIN_KEEP_MS = 1_000;

// Orphaned sessions woken per check; the rest wait for the next check.
const ORPHANS_PER_CHECK = 100;

// Sessions read per round trip when a list is built from the deadline index.
const PAGE = 200;

export interface RedisStoreOptions {
  /** Key prefix, e.g. `orator:`; must not contain `{` or `}` (they mark Redis Cluster hash tags). */
  prefix: string;
  /** Close the client in `close()`; false when the caller shares it. */
  ownsClient?: boolean;
}

/**
 * Session store on Redis, for several Orator nodes sharing state. Every multi-step change of one
 * session is one Lua script on that session's slot. The indexes shared by all sessions (deadlines,
 * a partner's open sessions) are separate keys, updated right after the script. A node that dies
 * between the two steps leaves a stale index entry, which later reads remove (see docs/scaling.md).
 */
export class RedisStore implements SessionStore {
  readonly keys: RedisKeys;
  private readonly run: ScriptRunner;
  private readonly ownsClient: boolean;
  private orphanTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly client: RedisClient,
    options: RedisStoreOptions,
  ) {
    this.keys = new RedisKeys(options.prefix);
    this.run = defineScripts(client);
    this.ownsClient = options.ownsClient ?? true;
  }

  async createSession(record: SessionRecord, maxConcurrent: number): Promise<CreateResult> {
    const now = Date.now();
    const partnerKey = this.keys.partnerOpen(record.partnerId);

    // The quota is one atomic check-and-add on the partner's set; the record follows.
    const reserved = await this.run('oratorReserveQuota', [partnerKey], [record.id, record.expiresAt, now, maxConcurrent, OPEN_GRACE_MS]);
    if (reserved !== 1) return { status: 'quota-exceeded', limit: maxConcurrent };

    try {
      const expireAt = Math.max(record.expiresAt, record.tokenExpiresAt) + OPEN_GRACE_MS;
      const created = await this.run('oratorCreateSession', [this.keys.session(record.id)], [expireAt, ...recordFields(record)]);
      if (created !== 1) throw new Error(`session id ${record.id} already exists`);
      await this.client.zadd(this.keys.deadlines(), deadlineOf(record), record.id);
    } catch (error) {
      await this.client.zrem(partnerKey, record.id).catch(() => undefined);
      throw error;
    }
    return { status: 'created' };
  }

  async getSession(sessionId: string): Promise<SessionRecord | undefined> {
    const fields = await this.client.hgetall(this.keys.session(sessionId));
    return parseRecord(fields);
  }

  async touchSession(sessionId: string, at: number): Promise<void> {
    const deadline = await this.run('oratorTouchSession', [this.keys.session(sessionId)], [at]);
    if (typeof deadline !== 'string') return;

    // XX: an end that ran meanwhile removed the entry and it must stay removed. GT: a slower
    // concurrent touch must not move the deadline back.
    await this.client.zadd(this.keys.deadlines(), 'XX', 'GT', deadline, sessionId);
  }

  async endSession(sessionId: string, reason: EndReason, at: number): Promise<SessionRecord | undefined> {
    const keys = [...this.turnKeys(sessionId), this.keys.audioIds(sessionId)];
    const pairs = await this.run('oratorEndSession', keys, [reason, at, this.keys.audioPrefix(sessionId), ENDED_MIN_KEEP_MS]);
    if (!Array.isArray(pairs)) {
      await this.client.zrem(this.keys.deadlines(), sessionId);
      return undefined;
    }

    const record = parseRecord(pairsToObject(pairs as string[]));
    await this.client.zrem(this.keys.deadlines(), sessionId);
    if (record) await this.client.zrem(this.keys.partnerOpen(record.partnerId), sessionId);
    return record;
  }

  async listExpiredSessions(now: number, max: number): Promise<SessionRecord[]> {
    const ids = await this.client.zrangebyscore(this.keys.deadlines(), '-inf', now, 'LIMIT', 0, max);
    const records = await Promise.all(ids.map((id) => this.getSession(id)));

    const expired: SessionRecord[] = [];
    for (const [index, record] of records.entries()) {
      const id = ids[index]!;
      if (!record || record.state === 'ended') {
        // Left by a node that died between ending the session and updating the index.
        await this.client.zrem(this.keys.deadlines(), id);
        continue;
      }
      if (now >= record.expiresAt || now - record.lastActivityAt >= record.idleTimeoutMs) {
        expired.push(record);
        continue;
      }
      await this.client.zadd(this.keys.deadlines(), 'XX', deadlineOf(record), id);
    }
    return expired;
  }

  async listOpenSessionIds(max: number): Promise<string[]> {
    if (max <= 0) return [];
    return this.client.zrange(this.keys.deadlines(), 0, max - 1);
  }

  async countOpenSessions(partnerId?: number): Promise<number> {
    if (partnerId === undefined) return this.client.zcard(this.keys.deadlines());
    return this.client.zcount(this.keys.partnerOpen(partnerId), `(${Date.now()}`, '+inf');
  }

  async appendChunk(sessionId: string, chunk: ChunkInput, limits: ChunkLimits, at: number): Promise<AppendResult> {
    const keys = [this.keys.session(sessionId), this.keys.turns(sessionId), this.keys.pending(sessionId)];
    const args = [
      chunk.turnId,
      chunk.kind ?? '',
      chunk.text,
      chunk.isFinal ? '1' : '0',
      chunk.seq === undefined ? '' : chunk.seq,
      limits.turnChars,
      limits.queuedTurns,
      at,
      chunk.text.length,
    ];
    const [status, detail, created] = (await this.run('oratorAppendChunk', keys, args)) as [string, string?, string?];

    switch (status) {
      case 'appended':
        return { status: 'appended', turn: parseTurn(detail!), created: created === '1' };
      case 'duplicate':
        return { status: 'duplicate', turn: parseTurn(detail!) };
      case 'dropped':
        return { status: 'dropped', turnId: chunk.turnId };
      case 'turn-final':
        return { status: 'turn-final', turnId: chunk.turnId };
      case 'seq-gap':
        return { status: 'seq-gap', turnId: chunk.turnId, expectedSeq: Number(detail) };
      case 'turn-too-long':
        return { status: 'turn-too-long', turnId: chunk.turnId, maxChars: limits.turnChars };
      case 'queue-full':
        return { status: 'queue-full', maxTurns: limits.queuedTurns };
      case 'session-ended':
        return { status: 'session-ended' };
      case 'session-not-found':
        return { status: 'session-not-found' };
      default:
        throw new Error(`unexpected verdict from the append script: ${String(status)}`);
    }
  }

  async listPendingTurns(sessionId: string): Promise<TurnRecord[]> {
    const values = (await this.run('oratorListPending', [this.keys.turns(sessionId), this.keys.pending(sessionId)], [])) as Array<
      string | null
    >;
    return values
      .filter((value): value is string => typeof value === 'string')
      .map(parseTurn)
      .filter((turn) => turn.state === 'queued' || turn.state === 'speaking');
  }

  async getTurn(sessionId: string, turnId: string): Promise<TurnRecord | undefined> {
    const raw = await this.client.hget(this.keys.turns(sessionId), turnId);
    return raw === null ? undefined : parseTurn(raw);
  }

  async startTurn(sessionId: string, turnId: string): Promise<boolean> {
    return (await this.run('oratorStartTurn', [this.keys.turns(sessionId)], [turnId])) === 1;
  }

  async finishTurn(sessionId: string, turnId: string, state: 'done' | 'lost', spokenChars: number): Promise<void> {
    const keys = [...this.turnKeys(sessionId), this.keys.audioIds(sessionId)];
    await this.run('oratorFinishTurn', keys, [turnId, state, spokenChars, this.keys.audioPrefix(sessionId), MAX_FINISHED_TURNS]);
  }

  async setSpokenChars(sessionId: string, turnId: string, spokenChars: number): Promise<void> {
    await this.run('oratorSetSpokenChars', [this.keys.turns(sessionId)], [turnId, spokenChars]);
  }

  async interruptTurns(sessionId: string): Promise<InterruptResult> {
    const keys = [...this.turnKeys(sessionId), this.keys.audioIds(sessionId)];
    const values = (await this.run('oratorInterruptTurns', keys, [this.keys.audioPrefix(sessionId), MAX_FINISHED_TURNS])) as string[];

    const [current, ...dropped] = values.map(parseTurn);
    return { current, dropped };
  }

  async putTurnAudio(sessionId: string, turnId: string, pcm: Uint8Array, ttlMs: number): Promise<void> {
    const bytes = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
    const keys = [this.keys.session(sessionId), this.keys.audio(sessionId, turnId), this.keys.audioIds(sessionId)];
    await this.run('oratorPutTurnAudio', keys, [turnId, bytes, Math.max(1, Math.ceil(ttlMs))]);
  }

  async getTurnAudio(sessionId: string, turnId: string): Promise<Uint8Array | undefined> {
    const bytes = await this.client.getBuffer(this.keys.audio(sessionId, turnId));
    return bytes === null ? undefined : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  async revokeKs(keys: string[], untilMs: number): Promise<void> {
    if (keys.length === 0) return;
    await this.run(
      'oratorRevokeKs',
      keys.map((key) => this.keys.revokedKs(key)),
      [Math.ceil(untilMs), Date.now()],
    );
  }

  async isKsRevoked(keys: string[]): Promise<boolean> {
    if (keys.length === 0) return false;

    const values = await this.client.mget(...keys.map((key) => this.keys.revokedKs(key)));
    const now = Date.now();
    return values.some((value) => value !== null && Number(value) > now);
  }

  async hitRateLimit(key: string, max: number, windowMs: number): Promise<RateLimitResult> {
    const [count, ttl] = (await this.run('oratorHitRateLimit', [this.keys.rateWindow(key)], [Math.max(1, Math.ceil(windowMs))])) as [
      number,
      number,
    ];
    return { allowed: count <= max, retryAfterSeconds: Math.max(1, Math.ceil(ttl / 1000)) };
  }

  async peekRateLimit(key: string, max: number, _windowMs: number): Promise<RateLimitResult> {
    const [count, ttl] = (await this.run('oratorPeekRateLimit', [this.keys.rateWindow(key)], [])) as [number, number];
    if (count === 0 || ttl <= 0) return { allowed: true, retryAfterSeconds: 0 };
    return { allowed: count < max, retryAfterSeconds: Math.max(1, Math.ceil(ttl / 1000)) };
  }

  async acquireSpeechLease(sessionId: string, nodeId: string, ttlMs: number): Promise<boolean> {
    return (await this.run('oratorAcquireLease', [this.keys.lease(sessionId)], [nodeId, Math.max(1, Math.ceil(ttlMs))])) === 1;
  }

  async releaseSpeechLease(sessionId: string, nodeId: string): Promise<void> {
    await this.run('oratorReleaseLease', [this.keys.lease(sessionId)], [nodeId]);
  }

  /**
   * Open sessions with pending turns that no node holds the speech lease of: their speaking node
   * died. Returns each with its first pending turn id, at most `max`.
   */
  async listOrphanedSessions(max: number): Promise<Array<{ sessionId: string; turnId: string }>> {
    const orphaned: Array<{ sessionId: string; turnId: string }> = [];

    // NOTE: this reads every open session with one script call each. That is fine for thousands of
    // sessions; far more would need an index of the sessions that have pending turns.
    for (let offset = 0; orphaned.length < max; offset += PAGE) {
      const ids = await this.client.zrange(this.keys.deadlines(), offset, offset + PAGE - 1);
      const turnIds = await Promise.all(
        ids.map((id) => this.run('oratorOrphanedTurn', [this.keys.session(id), this.keys.pending(id), this.keys.lease(id)], [])),
      );
      for (const [index, turnId] of turnIds.entries()) {
        if (typeof turnId === 'string' && orphaned.length < max) orphaned.push({ sessionId: ids[index]!, turnId });
      }
      if (ids.length < PAGE) break;
    }
    return orphaned;
  }

  /**
   * Every `intervalMs`, find orphaned sessions and call `wake` for each. `wake` publishes that a
   * turn is waiting, so one node takes the lease and continues the queue. close() stops the timer.
   */
  startOrphanWatch(
    wake: (sessionId: string, turnId: string) => Promise<void>,
    intervalMs: number,
    onError: (error: unknown) => void,
  ): void {
    let running = false;
    this.orphanTimer = setInterval(() => {
      if (running) return;
      running = true;
      this.listOrphanedSessions(ORPHANS_PER_CHECK)
        .then((orphans) => Promise.all(orphans.map((orphan) => wake(orphan.sessionId, orphan.turnId))))
        .catch(onError)
        .finally(() => {
          running = false;
        });
    }, intervalMs);
    this.orphanTimer.unref();
  }

  /** Session, turns, pending and finished keys, in the order the turn scripts take them. */
  private turnKeys(sessionId: string): string[] {
    return [this.keys.session(sessionId), this.keys.turns(sessionId), this.keys.pending(sessionId), this.keys.finished(sessionId)];
  }

  async close(): Promise<void> {
    clearInterval(this.orphanTimer);
    if (this.ownsClient) await quit(this.client);
  }
}

/** Close a client with QUIT, or drop the connection when Redis does not reply. */
export async function quit(client: RedisClient): Promise<void> {
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}

function deadlineOf(record: SessionRecord): number {
  return Math.min(record.expiresAt, record.lastActivityAt + record.idleTimeoutMs);
}

function recordFields(record: SessionRecord): Array<string | number> {
  const fields: Array<string | number> = [
    'id',
    record.id,
    'partnerId',
    record.partnerId,
    'avatarId',
    record.avatarId,
    'voiceId',
    record.voiceId,
    'speed',
    record.speed,
    'state',
    record.state,
    'createdAt',
    record.createdAt,
    'expiresAt',
    record.expiresAt,
    'lastActivityAt',
    record.lastActivityAt,
    'idleTimeoutMs',
    record.idleTimeoutMs,
    'tokenExpiresAt',
    record.tokenExpiresAt,
  ];
  if (record.endedAt !== undefined) fields.push('endedAt', record.endedAt);
  if (record.endReason !== undefined) fields.push('endReason', record.endReason);
  return fields;
}

function parseRecord(fields: Record<string, string>): SessionRecord | undefined {
  if (fields.id === undefined) return undefined;

  const record: SessionRecord = {
    id: fields.id,
    partnerId: Number(fields.partnerId),
    avatarId: fields.avatarId ?? '',
    voiceId: fields.voiceId ?? '',
    speed: Number(fields.speed),
    state: fields.state as SessionState,
    createdAt: Number(fields.createdAt),
    expiresAt: Number(fields.expiresAt),
    lastActivityAt: Number(fields.lastActivityAt),
    idleTimeoutMs: Number(fields.idleTimeoutMs),
    tokenExpiresAt: Number(fields.tokenExpiresAt),
  };
  if (fields.endedAt !== undefined) record.endedAt = Number(fields.endedAt);
  if (fields.endReason !== undefined) record.endReason = fields.endReason as EndReason;
  return record;
}

function pairsToObject(pairs: string[]): Record<string, string> {
  const object: Record<string, string> = {};
  for (let index = 0; index + 1 < pairs.length; index += 2) object[pairs[index]!] = pairs[index + 1]!;
  return object;
}

interface StoredTurn extends TurnRecord {
  /** Text length in UTF-16 code units; only the scripts need it. */
  len?: number;
}

function parseTurn(json: string): TurnRecord {
  const stored = JSON.parse(json) as StoredTurn;
  return {
    turnId: String(stored.turnId),
    kind: stored.kind,
    number: stored.number,
    text: stored.text,
    chunks: stored.chunks,
    isFinal: stored.isFinal,
    state: stored.state as TurnState,
    createdAt: stored.createdAt,
    spokenChars: stored.spokenChars,
  };
}
