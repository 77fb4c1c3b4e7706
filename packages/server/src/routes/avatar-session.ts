import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { STREAM_PROTOCOL_VERSION, type CreateSessionRequest, type SayTextRequest, type SessionStatusResponse } from '@orator/protocol';
import type { AppContext } from '../app-context.js';
import { Errors } from '../http/api-error.js';
import { QuotaExceededError } from '../sessions/session-service.js';
import type { AppendResult } from '../store/types.js';
import { publicBaseUrl } from './public-url.js';
import * as schemas from './schemas.js';

/** Accepted range of `voiceConfig.speed`, a speech-rate multiplier. */
export const SPEED_RANGE = { min: 0.5, max: 2.0 } as const;

// Characters allowed in a client-supplied turn id; it appears in logs and stream messages.
const TURN_ID_PATTERN = /^[A-Za-z0-9._:-]+$/;

interface SessionParams {
  sessionId: string;
}

/** Register the session control API under /v1/avatar-session. */
export async function avatarSessionRoutes(app: FastifyInstance, context: AppContext): Promise<void> {
  const { auth, sessions, store, speech, catalog, config } = context;

  async function createHandler(request: FastifyRequest<{ Body: CreateSessionRequest | undefined }>) {
    const { partner } = await auth.requireAdminKs(request);
    const body = request.body ?? {};

    const avatarId = body.visualConfig?.avatarId ?? body.visualConfig?.id;
    if (avatarId === undefined || avatarId === '') {
      throw Errors.badRequest(
        'visualConfig.avatarId is required; list the avatars with POST /v1/catalog-item/list and filter.typeEqual "Visual"',
        'AVATAR_REQUIRED',
      );
    }
    const avatar = catalog.getAvatar(avatarId);
    if (!avatar) {
      throw Errors.badRequest(
        `Unknown avatar id "${avatarId}" in visualConfig.avatarId; list the avatars with POST /v1/catalog-item/list and filter.typeEqual "Visual"`,
        'UNKNOWN_AVATAR',
      );
    }

    const voiceId = body.voiceConfig?.id ?? avatar.defaultVoiceId;
    if (!catalog.getVoice(voiceId)) {
      throw Errors.badRequest(
        `Unknown voice id "${voiceId}" in voiceConfig.id; list the voices with POST /v1/catalog-item/list and filter.typeEqual "Voice"`,
        'UNKNOWN_VOICE',
      );
    }

    const speed = body.voiceConfig?.speed ?? 1;
    if (!Number.isFinite(speed) || speed < SPEED_RANGE.min || speed > SPEED_RANGE.max) {
      throw Errors.badRequest(`voiceConfig.speed must be from ${SPEED_RANGE.min} to ${SPEED_RANGE.max}, got ${speed}`, 'INVALID_SPEED');
    }

    try {
      const { session, token } = await sessions.create(partner, { avatarId, voiceId, speed });
      return { success: true, sessionId: session.id, token };
    } catch (error) {
      if (error instanceof QuotaExceededError) {
        request.log.warn({ partnerId: partner.id, limit: error.limit }, 'session quota reached');
        throw Errors.tooManyRequests(
          `Partner has reached its maximum of ${error.limit} concurrent sessions; end a session and retry`,
          'SESSION_QUOTA_EXCEEDED',
          5,
        );
      }
      throw error;
    }
  }

  const createOptions = { schema: { body: schemas.createSessionBody, response: { 200: schemas.createSessionResponse } } };
  app.post('/v1/avatar-session', createOptions, createHandler);
  app.post('/v1/avatar-session/create', createOptions, createHandler);

  app.post<{ Params: SessionParams }>(
    '/v1/avatar-session/:sessionId/init-client',
    { schema: { params: schemas.sessionIdParams, body: schemas.emptyBody, response: { 200: schemas.initClientResponse } } },
    async (request) => {
      const { session } = await auth.requireSessionToken(request, request.params.sessionId);
      await sessions.touch(session.id);

      const httpBase = publicBaseUrl(request, config.publicUrl);
      const streamUrl = `${httpBase.replace(/^http/, 'ws')}/v1/avatar-session/${session.id}/stream`;
      return { success: true, streamUrl, protocolVersion: STREAM_PROTOCOL_VERSION };
    },
  );

  app.post<{ Params: SessionParams; Body: SayTextRequest | undefined }>(
    '/v1/avatar-session/:sessionId/say-text',
    { schema: { params: schemas.sessionIdParams, body: schemas.sayTextBody, response: { 200: schemas.sayTextResponse } } },
    async (request) => {
      const { session } = await auth.requireSessionToken(request, request.params.sessionId);
      const body = request.body ?? ({} as Partial<SayTextRequest>);
      const isFinal = body.isFinal ?? true;

      const turnId = body.turnId ?? randomUUID();
      if (turnId.length > config.limits.turnIdChars || !TURN_ID_PATTERN.test(turnId)) {
        throw Errors.badRequest(
          `turnId must be 1 to ${config.limits.turnIdChars} characters of letters, digits, ".", "_", ":" or "-"`,
          'INVALID_TURN_ID',
        );
      }

      // An empty final chunk may close a streamed turn; anywhere else text is required.
      const text = body.text;
      const closesTurn = text === '' && body.turnId !== undefined && isFinal;
      if (typeof text !== 'string' || (text === '' && !closesTurn)) throw Errors.textRequired();
      if (text.length > config.limits.chunkChars) {
        throw Errors.badRequest(
          `text is ${text.length} characters; one chunk may have at most ${config.limits.chunkChars}`,
          'CHUNK_TOO_LONG',
        );
      }

      // The two writes are independent, so with Redis they share one round trip instead of two.
      const [, result] = await Promise.all([
        sessions.touch(session.id),
        store.appendChunk(
          session.id,
          { turnId, text, isFinal, ...(body.seq === undefined ? {} : { seq: body.seq }) },
          { turnChars: config.limits.turnChars, queuedTurns: config.limits.queuedTurns },
          Date.now(),
        ),
      ]);
      const response = answerAppend(result, turnId);
      if (result.status === 'appended') await speech.turnUpdated(session.id, turnId);
      return response;
    },
  );

  app.post<{ Params: SessionParams }>(
    '/v1/avatar-session/:sessionId/interrupt',
    { schema: { params: schemas.sessionIdParams, body: schemas.emptyBody, response: { 200: schemas.interruptResponse } } },
    async (request) => {
      const { session } = await auth.requireSessionToken(request, request.params.sessionId);
      await sessions.touch(session.id);
      return { success: true, ...(await speech.interrupt(session.id)) };
    },
  );

  app.post<{ Params: SessionParams }>(
    '/v1/avatar-session/:sessionId/keep-alive',
    { schema: { params: schemas.sessionIdParams, body: schemas.emptyBody, response: { 200: schemas.successOnly } } },
    async (request) => {
      const { session } = await auth.requireSessionToken(request, request.params.sessionId);
      await sessions.touch(session.id);
      return { success: true };
    },
  );

  app.post<{ Params: SessionParams }>(
    '/v1/avatar-session/:sessionId/end',
    { schema: { params: schemas.sessionIdParams, body: schemas.emptyBody, response: { 200: schemas.successOnly } } },
    async (request) => {
      const { session } = await auth.requireSessionToken(request, request.params.sessionId);
      // A concurrent end may win the race; the session is ended either way.
      const ended = await sessions.end(session.id, 'client');
      if (!ended) throw Errors.sessionEnded();
      return { success: true };
    },
  );

  app.get<{ Params: SessionParams }>(
    '/v1/avatar-session/:sessionId',
    { schema: { params: schemas.sessionIdParams, response: { 200: schemas.sessionStatusResponse } } },
    async (request): Promise<SessionStatusResponse & { idleExpiresAt: string }> => {
      const { session } = await auth.requireSessionToken(request, request.params.sessionId);
      const turns = await store.listPendingTurns(session.id);
      const current = turns.find((turn) => turn.state === 'speaking');

      return {
        success: true,
        sessionId: session.id,
        state: session.state,
        avatarId: session.avatarId,
        voiceId: session.voiceId,
        speed: session.speed,
        createdAt: new Date(session.createdAt).toISOString(),
        expiresAt: new Date(session.expiresAt).toISOString(),
        lastActivityAt: new Date(session.lastActivityAt).toISOString(),
        idleExpiresAt: new Date(Math.min(session.lastActivityAt + session.idleTimeoutMs, session.expiresAt)).toISOString(),
        speaking: current !== undefined,
        ...(current ? { currentTurnId: current.turnId } : {}),
        // NOTE: counts the viewers connected to this node only; with several nodes it is a lower bound.
        viewers: context.hub.viewerCount(session.id),
        queuedTurns: turns.map((turn) => ({ turnId: turn.turnId, state: turn.state, chars: turn.text.length, isFinal: turn.isFinal })),
      };
    },
  );
}

/** Map the store's verdict on a chunk to the response or a clear error. */
export function answerAppend(
  result: AppendResult,
  turnId: string,
): { success: true; turnId: string; duplicate?: boolean; dropped?: boolean } {
  switch (result.status) {
    case 'appended':
      return { success: true, turnId };
    case 'duplicate':
      return { success: true, turnId, duplicate: true };
    case 'dropped':
      return { success: true, turnId, dropped: true };
    case 'turn-final':
      throw Errors.conflict(`Turn "${turnId}" is already final; send new text with a new turnId`, 'TURN_FINAL');
    case 'seq-gap':
      throw Errors.conflict(`Chunk out of order for turn "${turnId}": expected seq ${result.expectedSeq}`, 'SEQ_GAP', {
        expectedSeq: result.expectedSeq,
      });
    case 'turn-too-long':
      throw Errors.badRequest(`Turn "${turnId}" would exceed ${result.maxChars} characters`, 'TURN_TOO_LONG');
    case 'queue-full':
      throw Errors.tooManyRequests(
        `Too many turns queued (maximum ${result.maxTurns}); wait for the avatar to speak or interrupt`,
        'QUEUE_FULL',
        1,
      );
    case 'session-ended':
      throw Errors.sessionEnded();
    case 'session-not-found':
      throw Errors.sessionNotFound();
  }
}
