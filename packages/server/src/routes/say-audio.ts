import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import type { AppContext } from '../app-context.js';
import { ApiError, Errors } from '../http/api-error.js';
import { AudioDecodeError, decodeAudio } from '../speech/index.js';
import { answerAppend } from './avatar-session.js';
import * as schemas from './schemas.js';

// How long the decoded PCM of an audio turn stays in the store, in ms: long enough to wait
// behind a full queue of turns, short enough that abandoned audio does not pile up.
const AUDIO_TURN_TTL_MS = 15 * 60_000;

// Fields besides the file; each is short.
const MAX_FIELD_BYTES = 1024;

/** `POST /v1/avatar-session/:sessionId/say-audio`: speak the caller's own audio (mp3 or wav) with lip-sync. */
export async function sayAudioRoute(app: FastifyInstance, context: AppContext): Promise<void> {
  const { auth, sessions, store, speech, engine, config } = context;

  await app.register(multipart, {
    limits: { fileSize: config.limits.audioBytes, files: 1, fields: 8, fieldSize: MAX_FIELD_BYTES, parts: 10 },
  });

  app.post<{ Params: { sessionId: string } }>(
    '/v1/avatar-session/:sessionId/say-audio',
    { schema: { params: schemas.sessionIdParams, response: { 200: schemas.sayTextResponse } } },
    async (request) => {
      const { session } = await auth.requireSessionToken(request, request.params.sessionId);
      if (!request.isMultipart())
        throw new ApiError(
          415,
          'say-audio needs multipart/form-data with fields turnId, duration and file audio',
          'UNSUPPORTED_MEDIA_TYPE',
        );

      const fields: Record<string, string> = {};
      let audio: { bytes: Buffer; mimeType: string; filename: string } | undefined;
      try {
        for await (const part of request.parts()) {
          if (part.type === 'file') {
            if (part.fieldname !== 'audio') {
              await part.toBuffer();
              throw Errors.badRequest(
                `unexpected file field "${part.fieldname}"; send the audio as the file field "audio"`,
                'UNEXPECTED_FILE',
              );
            }
            audio = { bytes: await part.toBuffer(), mimeType: part.mimetype, filename: part.filename };
          } else if (typeof part.value === 'string') {
            fields[part.fieldname] = part.value;
          }
        }
      } catch (error) {
        if (error instanceof ApiError) throw error;
        const code = (error as { code?: string }).code;
        if (code === 'FST_REQ_FILE_TOO_LARGE') {
          throw new ApiError(413, `audio is larger than ${config.limits.audioBytes} bytes, the maximum`, 'AUDIO_TOO_LARGE');
        }
        if (code?.startsWith('FST_')) throw Errors.badRequest(`invalid multipart body: ${(error as Error).message}`, 'INVALID_MULTIPART');
        throw error;
      }

      if (!audio || audio.bytes.byteLength === 0) throw Errors.badRequest('the file field "audio" is required', 'AUDIO_REQUIRED');

      const turnId = fields.turnId || randomUUID();
      if (turnId.length > config.limits.turnIdChars || !/^[A-Za-z0-9._:-]+$/.test(turnId)) {
        throw Errors.badRequest(
          `turnId must be 1 to ${config.limits.turnIdChars} characters of letters, digits, ".", "_", ":" or "-"`,
          'INVALID_TURN_ID',
        );
      }

      if (fields.duration !== undefined) {
        const declared = Number(fields.duration);
        if (!Number.isFinite(declared) || declared <= 0 || declared > config.limits.audioSeconds) {
          throw Errors.badRequest(
            `duration must be a number of seconds above 0 and at most ${config.limits.audioSeconds}`,
            'INVALID_DURATION',
          );
        }
      }

      let decoded;
      try {
        decoded = await decodeAudio(new Uint8Array(audio.bytes), {
          mimeType: audio.mimeType,
          filename: audio.filename,
          targetSampleRate: engine.sampleRate,
          maxBytes: config.limits.audioBytes,
          maxDurationMs: config.limits.audioSeconds * 1000,
        });
      } catch (error: unknown) {
        if (error instanceof AudioDecodeError) {
          request.log.info({ sessionId: session.id, code: error.code }, 'audio rejected');
          throw Errors.badRequest(`audio could not be decoded: ${error.message}`, error.code);
        }
        throw error;
      }

      await sessions.touch(session.id);
      if (await store.getTurn(session.id, turnId)) answerAppend({ status: 'turn-final', turnId }, turnId);

      // The PCM goes in first: a running speaker may pick the turn up as soon as it is appended.
      const pcm = decoded.pcm;
      await store.putTurnAudio(session.id, turnId, new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength), AUDIO_TURN_TTL_MS);
      const result = await store.appendChunk(
        session.id,
        { turnId, text: '', isFinal: true, kind: 'audio' },
        { turnChars: config.limits.turnChars, queuedTurns: config.limits.queuedTurns },
        Date.now(),
      );
      const response = answerAppend(result, turnId);
      if (result.status === 'appended') {
        await speech.turnUpdated(session.id, turnId);
        request.log.info({ sessionId: session.id, turnId, durationMs: Math.round(decoded.durationMs) }, 'audio turn queued');
      }
      return response;
    },
  );
}
