import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { EndReason } from '@orator/protocol';
import type { OratorConfig } from '../config.js';
import type { SessionTokens } from '../auth/session-token.js';
import type { Metrics } from '../observability/metrics.js';
import type { Partner } from '../partners/partner.js';
import type { EventBus } from '../store/bus.js';
import type { SessionRecord, SessionStore } from '../store/types.js';

export interface CreatedSession {
  session: SessionRecord;
  token: string;
}

export class QuotaExceededError extends Error {
  readonly code = 'QUOTA_EXCEEDED';
  constructor(readonly limit: number) {
    super(`partner already has ${limit} open sessions, its maximum`);
  }
}

/** Creates and ends sessions; everything a session's lifecycle changes goes through here. */
export class SessionService {
  constructor(
    private readonly store: SessionStore,
    private readonly bus: EventBus,
    private readonly tokens: SessionTokens,
    private readonly config: Pick<OratorConfig, 'idleTimeoutMs' | 'maxSessionMs' | 'tokenTtlMs'>,
    private readonly metrics: Metrics,
    private readonly log: FastifyBaseLogger,
  ) {}

  async create(partner: Partner, options: { avatarId: string; voiceId: string; speed: number }): Promise<CreatedSession> {
    const now = Date.now();
    const expiresAt = now + this.config.maxSessionMs;
    const tokenExpiresAt = Math.min(now + this.config.tokenTtlMs, expiresAt);

    const session: SessionRecord = {
      id: randomUUID(),
      partnerId: partner.id,
      avatarId: options.avatarId,
      voiceId: options.voiceId,
      speed: options.speed,
      state: 'created',
      createdAt: now,
      expiresAt,
      lastActivityAt: now,
      idleTimeoutMs: this.config.idleTimeoutMs,
      tokenExpiresAt,
    };

    const result = await this.store.createSession(session, partner.maxConcurrentSessions);
    if (result.status === 'quota-exceeded') throw new QuotaExceededError(result.limit);

    const token = await this.tokens.sign(session.id, partner.id, tokenExpiresAt);
    this.metrics.sessionsCreated.inc();
    this.log.info(
      { sessionId: session.id, partnerId: partner.id, avatarId: session.avatarId, voiceId: session.voiceId },
      'session created',
    );
    return { session, token };
  }

  /** End a session once, tell every node, and log why; a second call is a no-op. */
  async end(sessionId: string, reason: EndReason): Promise<SessionRecord | undefined> {
    const ended = await this.store.endSession(sessionId, reason, Date.now());
    if (!ended) return undefined;

    this.metrics.sessionsEnded.inc({ reason });
    this.log.info({ sessionId, partnerId: ended.partnerId, reason, lifetimeMs: ended.endedAt! - ended.createdAt }, 'session ended');
    await this.bus.publishControl(sessionId, { type: 'ended', reason });
    this.bus.publishStream(sessionId, { kind: 'message', message: { type: 'session-ended', reason } });
    return ended;
  }

  async touch(sessionId: string): Promise<void> {
    await this.store.touchSession(sessionId, Date.now());
  }
}
