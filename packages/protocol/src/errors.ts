/**
 * Error messages of the Avatar Control API. The strings are fixed by the hosted service:
 * existing clients compare them, so they must never change.
 */
export const WireError = {
  invalidKs: 'Invalid Kaltura Session',
  ksNotAuthorized: 'Kaltura Session not authorized',
  invalidToken: 'Invalid or expired token',
  insufficientPermissions: 'Insufficient permissions',
  sessionNotFound: 'Session not found',
  sessionEnded: 'Session ended',
  textRequired: 'Text is required',
  internal: 'Internal server error',
} as const;

export type WireErrorMessage = (typeof WireError)[keyof typeof WireError];

/** Body of every failed response: `{"success": false, "error": ...}`, with an optional Orator `code`. */
export interface ErrorEnvelope {
  success: false;
  error: string;
  code?: string;
}
