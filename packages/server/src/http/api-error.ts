import { WireError } from '@orator/protocol';

/**
 * An error sent in the wire envelope `{"success": false, "error": message, "code": code}`.
 * `message` is what clients see, so it never contains a KS, token or secret.
 */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly code: string,
    /** Extra response headers, such as Retry-After. */
    readonly headers: Record<string, string> = {},
    /** Extra envelope fields, such as the expected chunk `seq`. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const Errors = {
  invalidKs: () => new ApiError(401, WireError.invalidKs, 'INVALID_KS'),
  ksNotAuthorized: () => new ApiError(403, WireError.ksNotAuthorized, 'KS_NOT_AUTHORIZED'),
  invalidToken: () => new ApiError(401, WireError.invalidToken, 'INVALID_TOKEN'),
  insufficientPermissions: () => new ApiError(403, WireError.insufficientPermissions, 'INSUFFICIENT_PERMISSIONS'),
  sessionNotFound: () => new ApiError(404, WireError.sessionNotFound, 'SESSION_NOT_FOUND'),
  sessionEnded: () => new ApiError(410, WireError.sessionEnded, 'SESSION_ENDED'),
  textRequired: () => new ApiError(400, WireError.textRequired, 'TEXT_REQUIRED'),
  internal: () => new ApiError(500, WireError.internal, 'INTERNAL'),
  badRequest: (message: string, code = 'BAD_REQUEST') => new ApiError(400, message, code),
  conflict: (message: string, code: string, details: Record<string, unknown> = {}) => new ApiError(409, message, code, {}, details),
  tooManyRequests: (message: string, code: string, retryAfterSeconds?: number) =>
    new ApiError(429, message, code, retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) }),
};
