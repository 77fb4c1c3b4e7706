import { createHash } from 'node:crypto';
import { encodeStandardBase64 } from './base64.js';
import { constantTimeEqual } from './constant-time.js';
import { KsError } from './errors.js';
import { parseIntegerField, parsePartnerIdField } from './fields.js';
import { parseV1Privileges } from './privileges.js';
import type { AdminSecretsLookup, ParsedKs } from './types.js';

const PIPE = 0x7c;

/** v1 fields readable by anyone holding the KS, before any signature check. */
export interface KsV1Fields {
  /** Lower-case hex SHA-1 signature as written in the KS. */
  signature: string;
  /** Everything after the first `|`, the signed bytes. */
  info: Buffer;
  /** `info` split on `;` (at least 3 fields). */
  fields: string[];
}

/** Splits a decoded v1 KS into signature and fields. Throws KsError KS_MALFORMED. */
export function splitKsV1(decoded: Buffer): KsV1Fields {
  const pipe = decoded.indexOf(PIPE);
  if (pipe === -1) {
    throw new KsError('KS_MALFORMED', 'KS v1 has no "|" after the signature');
  }

  const info = decoded.subarray(pipe + 1);
  const fields = info.toString('utf8').split(';');
  if (fields.length < 3) {
    throw new KsError('KS_MALFORMED', 'KS v1 has fewer than 3 fields');
  }

  return { signature: decoded.subarray(0, pipe).toString('latin1'), info, fields };
}

/** Returns the lower-case hex SHA-1 of secret followed by the info bytes (the v1 signature). */
export function signKsV1Info(adminSecret: string, info: Buffer): string {
  return createHash('sha1').update(Buffer.from(adminSecret, 'utf8')).update(info).digest('hex');
}

/**
 * Verifies a decoded v1 KS against the partner's admin secrets and maps its fields. The
 * signature must equal the lower-case hex SHA-1 exactly (PHP compares with ===), so an
 * upper-case signature never matches. Throws KsError.
 */
export function parseKsV1(decoded: Buffer, secretsFor: AdminSecretsLookup): ParsedKs {
  const { signature, info, fields } = splitKsV1(decoded);
  const partnerId = parsePartnerIdField(fields[0] as string);
  const secrets = partnerId === null ? undefined : secretsFor(partnerId);
  if (partnerId === null || secrets === undefined || secrets.length === 0) {
    throw new KsError('KS_UNKNOWN_PARTNER', 'KS partner is unknown or has no admin secret');
  }

  // Every secret is tried so the time taken does not reveal which one matched.
  let matched = false;
  for (const secret of secrets) {
    if (constantTimeEqual(signKsV1Info(secret, info), signature)) {
      matched = true;
    }
  }

  if (!matched) {
    throw new KsError('KS_SIGNATURE_MISMATCH', 'KS signature does not match any admin secret of the partner');
  }

  const privileges = fields[6] ?? '';
  const grouped = parseV1Privileges(privileges);
  const type = parseIntegerField(fields[3]) ?? 0;
  return {
    version: 1,
    partnerId,
    validUntil: parseIntegerField(fields[2]),
    type,
    isAdmin: type >= 1,
    userId: fields[5] ?? null,
    privileges,
    parsedPrivileges: grouped.parsed,
    rawPrivilegeValues: grouped.raw,
    hash: signature,
    masterPartnerId: fields[7] ?? null,
    additionalData: fields[8] ?? null,
  };
}

/** Inputs of {@link encodeKsV1}, already validated. */
export interface KsV1Input {
  partnerId: number;
  adminSecret: string;
  validUntil: number;
  type: number;
  rand: string;
  userId: string;
  privileges: string;
  /** When set (even to ""), the 9-field server form is written; otherwise the 7-field client form. */
  serverFields?: { masterPartnerId: string; additionalData: string };
}

/** Writes a v1 KS: standard base64 of `hex_lower(SHA1(secret ‖ info)) | info`, `=` padded. */
export function encodeKsV1(input: KsV1Input): string {
  const fields = [
    String(input.partnerId),
    String(input.partnerId),
    String(input.validUntil),
    String(input.type),
    input.rand,
    input.userId,
    input.privileges,
  ];
  if (input.serverFields) {
    fields.push(input.serverFields.masterPartnerId, input.serverFields.additionalData);
  }

  const info = Buffer.from(fields.join(';'), 'utf8');
  const signature = signKsV1Info(input.adminSecret, info);
  return encodeStandardBase64(Buffer.concat([Buffer.from(`${signature}|`, 'latin1'), info]));
}
