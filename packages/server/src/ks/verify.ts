import { decodeKsBase64 } from './base64.js';
import { KsError } from './errors.js';
import { parseKsV1 } from './ks-v1.js';
import { isKsV2, parseKsV2 } from './ks-v2.js';
import { checkIpRestriction, checkUriRestriction } from './restrictions.js';
import type { AdminSecretsLookup, ParsedKs, VerifiedKs } from './types.js';

/** Options of {@link verifyKs}. */
export interface VerifyKsOptions {
  /** Admin secrets of a partner; any of them may match. Undefined or empty = unknown partner. */
  secretsFor: AdminSecretsLookup;
  /** Current UNIX time in seconds; defaults to the system clock. */
  nowSeconds?: number;
  /** Client IP; when given, an `iprestrict` privilege is enforced. */
  clientIp?: string;
  /** Request URI (path and query); when given, a `urirestrict` privilege is enforced. */
  requestUri?: string;
}

function toVerified(parsed: ParsedKs): VerifiedKs {
  const { rawPrivilegeValues: _raw, ...verified } = parsed;
  return verified;
}

function parseKs(ks: string, secretsFor: AdminSecretsLookup): ParsedKs {
  if (typeof ks !== 'string') {
    throw new KsError('KS_MALFORMED', 'KS must be a string');
  }

  const decoded = decodeKsBase64(ks);
  return isKsV2(decoded) ? parseKsV2(decoded, secretsFor) : parseKsV1(decoded, secretsFor);
}

/**
 * Checks the format and signature of a KS and returns its fields, without checking expiry or
 * restrictions. For inspection tools; a request must use {@link verifyKs}. Throws KsError.
 */
export function verifyKsSignature(ks: string, secretsFor: AdminSecretsLookup): VerifiedKs {
  return toVerified(parseKs(ks, secretsFor));
}

/**
 * Verifies a KS as Kaltura's server does before revocation: format, signature against any admin
 * secret of its partner, expiry (valid while now < validUntil, no clock skew, a missing expiry is
 * expired), then `iprestrict` and `urirestrict` when the caller passes the client IP and the
 * request URI. Revocation is the caller's job (see revocationKeys). Throws KsError.
 */
export function verifyKs(ks: string, options: VerifyKsOptions): VerifiedKs {
  const parsed = parseKs(ks, options.secretsFor);

  const nowSeconds = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (parsed.validUntil === null || nowSeconds >= parsed.validUntil) {
    throw new KsError('KS_EXPIRED', 'KS has expired');
  }

  if (options.clientIp !== undefined) {
    checkIpRestriction(parsed, options.clientIp);
  }

  if (options.requestUri !== undefined) {
    checkUriRestriction(parsed, options.requestUri);
  }

  return toVerified(parsed);
}
