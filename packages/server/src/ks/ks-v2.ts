import { createCipheriv, createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';
import { encodeKsUrlSafeBase64 } from './base64.js';
import { KsError } from './errors.js';
import { parseIntegerField, parsePartnerIdField } from './fields.js';
import { phpHttpBuildQuery, phpParseStr } from './php-query.js';
import { v2PrivilegesFromFields } from './privileges.js';
import type { AdminSecretsLookup, ParsedKs } from './types.js';

const V2_PREFIX = Buffer.from('v2|', 'latin1');
const PIPE = 0x7c;
const AES_BLOCK_BYTES = 16;
const SHA1_BYTES = 20;
const RANDOM_BYTES = 16;
const ZERO_IV = Buffer.alloc(AES_BLOCK_BYTES);

/** Reports whether decoded KS bytes start with `v2|`, which selects the v2 parser. */
export function isKsV2(decoded: Buffer): boolean {
  return decoded.subarray(0, V2_PREFIX.length).equals(V2_PREFIX);
}

/**
 * Splits a decoded v2 KS like PHP `explode('|', s, 3)`: the ciphertext may itself contain `|`.
 * The partner id is null when it is not an integer. Throws KsError KS_MALFORMED.
 */
export function splitKsV2(decoded: Buffer): { partnerId: number | null; ciphertext: Buffer } {
  const secondPipe = decoded.indexOf(PIPE, V2_PREFIX.length);
  if (secondPipe === -1) {
    throw new KsError('KS_MALFORMED', 'KS v2 has no "|" after the partner id');
  }

  const partnerField = decoded.subarray(V2_PREFIX.length, secondPipe).toString('latin1');
  return { partnerId: parsePartnerIdField(partnerField), ciphertext: decoded.subarray(secondPipe + 1) };
}

/** Returns the AES-128 key of a v2 KS: the first 16 bytes of SHA-1 of the admin secret. */
export function deriveKsV2Key(adminSecret: string): Buffer {
  return createHash('sha1').update(Buffer.from(adminSecret, 'utf8')).digest().subarray(0, AES_BLOCK_BYTES);
}

/**
 * Decrypts with one secret and returns the body (`R ‖ F`) and `H`, or null when the secret does
 * not match. A ciphertext whose length is not a whole number of AES blocks never matches, as
 * OpenSSL fails on it without padding.
 */
function openWithSecret(ciphertext: Buffer, adminSecret: string): { digest: Buffer; body: Buffer } | null {
  if (ciphertext.length === 0 || ciphertext.length % AES_BLOCK_BYTES !== 0) {
    return null;
  }

  const decipher = createDecipheriv('aes-128-cbc', deriveKsV2Key(adminSecret), ZERO_IV);
  decipher.setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(ciphertext), decipher.final()]);

  // PHP's rtrim strips every trailing NUL, including any that belong to the payload.
  let end = padded.length;
  while (end > 0 && padded[end - 1] === 0) {
    end--;
  }

  const plaintext = padded.subarray(0, end);
  if (plaintext.length < SHA1_BYTES) {
    return null;
  }

  const digest = plaintext.subarray(0, SHA1_BYTES);
  const body = plaintext.subarray(SHA1_BYTES);
  const expected = createHash('sha1').update(body).digest();
  return timingSafeEqual(expected, digest) ? { digest, body } : null;
}

/**
 * Verifies a decoded v2 KS against the partner's admin secrets and maps its fields. The SHA-1 of
 * the decrypted body is the only integrity check (the format has no MAC). Throws KsError.
 */
export function parseKsV2(decoded: Buffer, secretsFor: AdminSecretsLookup): ParsedKs {
  const { partnerId, ciphertext } = splitKsV2(decoded);
  const secrets = partnerId === null ? undefined : secretsFor(partnerId);
  if (partnerId === null || secrets === undefined || secrets.length === 0) {
    throw new KsError('KS_UNKNOWN_PARTNER', 'KS partner is unknown or has no admin secret');
  }

  let opened: { digest: Buffer; body: Buffer } | null = null;
  for (const secret of secrets) {
    opened = openWithSecret(ciphertext, secret);
    if (opened) {
      break;
    }
  }

  if (!opened) {
    throw new KsError('KS_SIGNATURE_MISMATCH', 'KS does not decrypt with any admin secret of the partner');
  }

  const query = opened.body.subarray(RANDOM_BYTES).toString('utf8');
  const fields = phpParseStr(query);
  const reserved = new Map<string, string>();
  const privilegeFields = new Map<string, string>();
  for (const [key, value] of fields) {
    if (key === '_e' || key === '_t' || key === '_u' || key === '_m' || key === '_d') {
      reserved.set(key, value);
    } else {
      privilegeFields.set(key, value);
    }
  }

  const { privileges, grouped } = v2PrivilegesFromFields(privilegeFields);
  const type = parseIntegerField(reserved.get('_t')) ?? 0;
  return {
    version: 2,
    partnerId,
    validUntil: parseIntegerField(reserved.get('_e')),
    type,
    isAdmin: type >= 1,
    userId: reserved.get('_u') ?? null,
    privileges,
    parsedPrivileges: grouped.parsed,
    rawPrivilegeValues: grouped.raw,
    hash: opened.digest.toString('hex'),
    masterPartnerId: reserved.get('_m') ?? null,
    additionalData: reserved.get('_d') ?? null,
  };
}

/** Inputs of {@link encodeKsV2}, already validated. */
export interface KsV2Input {
  partnerId: number;
  adminSecret: string;
  /** Payload fields in order: privileges, then `_e`, `_t`, `_u`, and `_m`/`_d` when set. */
  fields: ReadonlyMap<string, string>;
  /** The 16 random bytes `R`. */
  random: Buffer;
}

/**
 * Writes a v2 KS: `v2|pid|` + AES-128-CBC(zero IV, NUL-padded) of `SHA1(R ‖ F) ‖ R ‖ F`, in
 * url-safe base64 with `=` padding kept.
 */
export function encodeKsV2(input: KsV2Input): string {
  if (input.random.length !== RANDOM_BYTES) {
    throw new KsError('KS_INVALID_MINT_INPUT', `KS v2 needs exactly ${RANDOM_BYTES} random bytes`);
  }

  const body = Buffer.concat([input.random, Buffer.from(phpHttpBuildQuery(input.fields), 'latin1')]);
  const digest = createHash('sha1').update(body).digest();
  const plaintext = Buffer.concat([digest, body]);
  const padLength = (AES_BLOCK_BYTES - (plaintext.length % AES_BLOCK_BYTES)) % AES_BLOCK_BYTES;

  const cipher = createCipheriv('aes-128-cbc', deriveKsV2Key(input.adminSecret), ZERO_IV);
  cipher.setAutoPadding(false);
  const ciphertext = Buffer.concat([cipher.update(Buffer.concat([plaintext, Buffer.alloc(padLength)])), cipher.final()]);

  const envelope = Buffer.concat([V2_PREFIX, Buffer.from(`${input.partnerId}|`, 'latin1'), ciphertext]);
  return encodeKsUrlSafeBase64(envelope);
}
