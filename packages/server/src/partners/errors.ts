/** Stable codes of {@link PartnerConfigError}. */
export type PartnerConfigErrorCode =
  | 'PARTNERS_SOURCE_CONFLICT'
  | 'PARTNERS_FILE_UNREADABLE'
  | 'PARTNERS_FILE_UNWRITABLE'
  | 'PARTNERS_INVALID_JSON'
  | 'PARTNERS_INVALID'
  | 'PARTNER_INVALID_FIELD'
  | 'PARTNER_DUPLICATE_ID';

/** Invalid partner configuration. The message names the partner and field, never a secret value. */
export class PartnerConfigError extends Error {
  override readonly name = 'PartnerConfigError';

  constructor(
    readonly code: PartnerConfigErrorCode,
    message: string,
  ) {
    super(message);
  }
}
