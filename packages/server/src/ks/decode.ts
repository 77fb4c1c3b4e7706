import { decodeKsBase64 } from './base64.js';
import { parseIntegerField } from './fields.js';
import { splitKsV1 } from './ks-v1.js';
import { isKsV2, splitKsV2 } from './ks-v2.js';

/** v1 fields, readable without a secret because a v1 KS is only signed. */
export interface UnverifiedKsV1 {
  version: 1;
  partnerId: number | null;
  validUntil: number | null;
  type: number | null;
  rand: string | null;
  userId: string | null;
  privileges: string | null;
  masterPartnerId: string | null;
  additionalData: string | null;
  /** 7 for the client form, 9 for the server form; other counts occur in the wild. */
  fieldCount: number;
  /** Hex signature as written; the v1 revocation identity. */
  hash: string;
}

/** A v2 KS is encrypted, so without a secret only the partner id is readable. */
export interface UnverifiedKsV2 {
  version: 2;
  partnerId: number | null;
}

/**
 * Decodes a KS without checking its signature, for inspection only: nothing returned here may
 * be trusted. Throws KsError KS_MALFORMED when the KS does not parse.
 */
export function decodeKsUnverified(ks: string): UnverifiedKsV1 | UnverifiedKsV2 {
  const decoded = decodeKsBase64(ks);
  if (isKsV2(decoded)) {
    return { version: 2, partnerId: splitKsV2(decoded).partnerId };
  }

  const { signature, fields } = splitKsV1(decoded);
  return {
    version: 1,
    partnerId: parseIntegerField(fields[0]),
    validUntil: parseIntegerField(fields[2]),
    type: parseIntegerField(fields[3]),
    rand: fields[4] ?? null,
    userId: fields[5] ?? null,
    privileges: fields[6] ?? null,
    masterPartnerId: fields[7] ?? null,
    additionalData: fields[8] ?? null,
    fieldCount: fields.length,
    hash: signature,
  };
}
