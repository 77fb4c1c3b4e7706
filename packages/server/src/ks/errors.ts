/** Stable codes of {@link KsError}. */
export type KsErrorCode =
  | 'KS_MALFORMED'
  | 'KS_UNKNOWN_PARTNER'
  | 'KS_SIGNATURE_MISMATCH'
  | 'KS_EXPIRED'
  | 'KS_IP_RESTRICTED'
  | 'KS_URI_RESTRICTED'
  | 'KS_INVALID_MINT_INPUT';

/**
 * Failure to verify, decode or mint a KS. The message names the failed rule and never contains
 * the KS string or a secret, so it is safe to log.
 */
export class KsError extends Error {
  override readonly name = 'KsError';

  constructor(
    readonly code: KsErrorCode,
    message: string,
  ) {
    super(message);
  }
}
