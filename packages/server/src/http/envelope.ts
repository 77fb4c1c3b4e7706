import type { FastifyInstance, FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { WireError } from '@orator/protocol';
import { ApiError } from './api-error.js';

// Fastify's own error codes mapped to the envelope; anything else is a 500.
const FASTIFY_ERRORS: Record<string, { status: number; message: (error: FastifyError) => string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, message: () => 'Unsupported content type: send application/json' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, message: () => 'Request body is too large' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, message: () => 'Malformed JSON body' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, message: () => 'Content-Length does not match the body' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, message: () => 'Malformed JSON body' },
};

function sendError(reply: FastifyReply, status: number, message: string, code: string, extra: Record<string, unknown> = {}): FastifyReply {
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send({ success: false, error: message, code, ...extra });
}

/** Send every error and unknown route in the wire envelope, and log caught errors with the request id. */
export function registerEnvelope(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof ApiError) {
      reply.headers(error.headers);
      // 503 marks a feature that is switched off, not a fault, so it is not logged as an error.
      if (error.statusCode >= 500 && error.statusCode !== 503) request.log.error({ err: error }, 'request failed');
      return sendError(reply, error.statusCode, error.message, error.code, error.details);
    }

    const known = error.code ? FASTIFY_ERRORS[error.code] : undefined;
    if (known) {
      request.log.info({ code: error.code }, 'request rejected');
      return sendError(
        reply,
        known.status,
        known.message(error),
        error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_REQUEST',
      );
    }

    // Schema validation failures: Fastify's message names the field but never echoes a credential,
    // because credentials travel only in the Authorization header.
    if (error.validation) {
      return sendError(reply, 400, `Invalid request: ${error.message}`, 'VALIDATION_FAILED');
    }

    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      request.log.info({ code: error.code, statusCode: error.statusCode }, 'request rejected');
      return sendError(reply, error.statusCode, error.message, error.code ?? 'BAD_REQUEST');
    }

    request.log.error({ err: error }, 'request failed');
    return sendError(reply, 500, WireError.internal, 'INTERNAL');
  });

  app.setNotFoundHandler((request, reply) => {
    sendError(reply, 404, `Route ${request.method} ${request.url.split('?')[0]} not found`, 'ROUTE_NOT_FOUND');
  });
}
