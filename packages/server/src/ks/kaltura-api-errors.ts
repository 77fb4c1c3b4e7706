import type { KsErrorCode } from './errors.js';

/** Error object of Kaltura's api_v3 in JSON format, sent with HTTP 200 as Kaltura does. */
export interface KalturaApiException {
  objectType: 'KalturaAPIException';
  code: string;
  message: string;
  args: Record<string, string>;
}

/** Reason names of Kaltura's `ks::getErrorStr`, used as KSID in INVALID_KS. */
export type KalturaKsReason = 'INVALID_STR' | 'EXPIRED' | 'LOGOUT' | 'EXCEEDED_RESTRICTED_IP' | 'EXCEEDED_RESTRICTED_URI';

/** Maps a KsError code to Kaltura's reason name; parse and signature failures are INVALID_STR. */
export function kalturaKsReason(code: KsErrorCode): KalturaKsReason {
  switch (code) {
    case 'KS_EXPIRED':
      return 'EXPIRED';
    case 'KS_IP_RESTRICTED':
      return 'EXCEEDED_RESTRICTED_IP';
    case 'KS_URI_RESTRICTED':
      return 'EXCEEDED_RESTRICTED_URI';
    default:
      return 'INVALID_STR';
  }
}

/**
 * Builds Kaltura's INVALID_KS error. Kaltura's front controller always sends ERR_CODE -1 and
 * ERR_DESC INVALID_STR, with KSID set to the reason name, or to the KS itself when parsing
 * failed. Orator never echoes the KS, so KSID is always the reason name.
 */
export function invalidKsException(reason: KalturaKsReason): KalturaApiException {
  return {
    objectType: 'KalturaAPIException',
    code: 'INVALID_KS',
    message: `Invalid KS "${reason}", Error "-1,INVALID_STR"`,
    args: { KSID: reason, ERR_CODE: '-1', ERR_DESC: 'INVALID_STR' },
  };
}

/** Builds Kaltura's MISSING_KS error, for an action that needs a KS and got none. */
export function missingKsException(): KalturaApiException {
  return { objectType: 'KalturaAPIException', code: 'MISSING_KS', message: 'Missing KS, session not established', args: {} };
}

/** Builds Kaltura's START_SESSION_ERROR, which session.start returns for every failure. */
export function startSessionException(partnerId: string): KalturaApiException {
  return {
    objectType: 'KalturaAPIException',
    code: 'START_SESSION_ERROR',
    message: `Error while starting session for partner [${partnerId}]`,
    args: { PID: partnerId },
  };
}
