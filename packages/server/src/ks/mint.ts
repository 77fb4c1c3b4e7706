import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import { KsError } from './errors.js';
import { encodeKsV1 } from './ks-v1.js';
import { encodeKsV2 } from './ks-v2.js';
import { MAX_PRIVILEGES_BYTES, MAX_USER_ID_BYTES } from './limits.js';
import { formatPrivileges, normalizeMintPrivileges, type PrivilegeItem } from './privileges.js';

/** Inputs of {@link mintKs}. Give exactly one of validUntil and expirySeconds. */
export interface MintKsOptions {
  /** KS version; 2 unless the partner is configured for 1. */
  version?: 1 | 2;
  partnerId: number;
  /** Admin secret that signs (v1) or encrypts (v2) the KS. */
  adminSecret: string;
  /** 0 = user session, 2 = admin session. */
  type: 0 | 2;
  /** User id; v2 omits `_u` when it is undefined. */
  userId?: string;
  /** Absolute expiry, UNIX seconds. */
  validUntil?: number;
  /** Lifetime in seconds from nowSeconds. */
  expirySeconds?: number;
  /** Current UNIX time in seconds; defaults to the system clock. */
  nowSeconds?: number;
  /** Kaltura privilege string, or items that may not contain `,`. */
  privileges?: string | readonly PrivilegeItem[];
  /** v1 layout: 'server' writes 9 fields (default), 'client' the 7 fields of the client libraries. */
  v1Form?: 'server' | 'client';
  /**
   * Random bytes, for tests. v2 uses exactly 16 as `R`. v1 derives its `rand` field from the
   * first 2 bytes, read as a 16-bit big-endian value: modulo 32001 in the client form, and as 4
   * fraction digits in the server form.
   */
  randomBytes?: Buffer;
  /** Impersonating partner (server-minted KS only). */
  masterPartnerId?: string | null;
  /** Opaque extra data (server-minted KS only). */
  additionalData?: string | null;
}

function invalid(message: string): KsError {
  return new KsError('KS_INVALID_MINT_INPUT', message);
}

function resolveValidUntil(options: MintKsOptions, nowSeconds: number): number {
  const { validUntil, expirySeconds } = options;
  if ((validUntil === undefined) === (expirySeconds === undefined)) {
    throw invalid('give exactly one of validUntil and expirySeconds');
  }

  if (expirySeconds !== undefined) {
    if (!Number.isSafeInteger(expirySeconds) || expirySeconds <= 0) {
      throw invalid('expirySeconds must be a positive integer');
    }

    return nowSeconds + expirySeconds;
  }

  if (!Number.isSafeInteger(validUntil) || (validUntil as number) <= 0) {
    throw invalid('validUntil must be a positive integer (UNIX seconds)');
  }

  return validUntil as number;
}

function validateText(name: string, value: string, maxBytes: number, forbidden: RegExp): void {
  if (Buffer.byteLength(value, 'utf8') > maxBytes) {
    throw invalid(`${name} must be at most ${maxBytes} bytes`);
  }

  if (forbidden.test(value)) {
    throw invalid(`${name} contains a character that this KS version cannot carry`);
  }
}

function v1Rand(form: 'server' | 'client', random: Buffer, nowSeconds: number): string {
  const value = random.length >= 2 ? random.readUInt16BE(0) : 0;
  if (form === 'client') {
    return String(value % 32001);
  }

  // The server writes PHP microtime(true), e.g. 1699913600.5123; the field is never validated.
  return `${nowSeconds}.${String(value % 10000).padStart(4, '0')}`;
}

/**
 * Mints a KS that Kaltura's server and client libraries accept. v2 (the default) writes the
 * server's field order with PHP urlencode semantics, and v1 writes the 9-field server form or the
 * 7-field client form.
 *
 * Throws KsError KS_INVALID_MINT_INPUT on input that the format cannot carry or that Kaltura
 * rejects. Examples are `;` in a v1 user id or privileges, `,` in a privilege value, an
 * `iprestrict` that is not dotted IPv4, and an `actionslimit` that is not a positive integer.
 */
export function mintKs(options: MintKsOptions): string {
  const version = options.version ?? 2;
  if (version !== 1 && version !== 2) {
    throw invalid('version must be 1 or 2');
  }

  if (!Number.isSafeInteger(options.partnerId)) {
    throw invalid('partnerId must be an integer');
  }

  if (typeof options.adminSecret !== 'string' || options.adminSecret === '') {
    throw invalid('adminSecret must be a non-empty string');
  }

  if (options.type !== 0 && options.type !== 2) {
    throw invalid('type must be 0 (user) or 2 (admin)');
  }

  const nowSeconds = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const validUntil = resolveValidUntil(options, nowSeconds);

  // v1 separates fields with ";" and cannot escape it. A trailing NUL would be stripped from a
  // v2 payload on decryption, so NUL is rejected in both.
  const forbidden = version === 1 ? /[;\0]/ : /\0/;
  const userId = options.userId;
  if (userId !== undefined) {
    validateText('userId', userId, MAX_USER_ID_BYTES, forbidden);
  }

  const items = normalizeMintPrivileges(options.privileges ?? '');
  const privileges = formatPrivileges(items);
  validateText('privileges', privileges, MAX_PRIVILEGES_BYTES, forbidden);

  for (const [name, value] of [
    ['masterPartnerId', options.masterPartnerId],
    ['additionalData', options.additionalData],
  ] as const) {
    if (value !== undefined && value !== null) {
      validateText(name, value, MAX_PRIVILEGES_BYTES, forbidden);
    }
  }

  const random = options.randomBytes ?? cryptoRandomBytes(16);

  if (version === 1) {
    const form = options.v1Form ?? 'server';
    return encodeKsV1({
      partnerId: options.partnerId,
      adminSecret: options.adminSecret,
      validUntil,
      type: options.type,
      rand: v1Rand(form, random, nowSeconds),
      userId: userId ?? '',
      privileges,
      serverFields:
        form === 'server' ? { masterPartnerId: options.masterPartnerId ?? '', additionalData: options.additionalData ?? '' } : undefined,
    });
  }

  // Server field order: privileges ("*" stored as all=*), then _e, _t, _u, then _m and _d if set.
  // A repeated privilege name keeps its first position and takes the last value.
  const fields = new Map<string, string>();
  for (const item of items) {
    if (item.name === '*' && !item.value) {
      fields.set('all', '*');
    } else {
      fields.set(item.name, item.value ?? '');
    }
  }

  fields.set('_e', String(validUntil));
  fields.set('_t', String(options.type));
  if (userId !== undefined) {
    fields.set('_u', userId);
  }

  if (options.masterPartnerId !== undefined && options.masterPartnerId !== null) {
    fields.set('_m', options.masterPartnerId);
  }

  if (options.additionalData !== undefined && options.additionalData !== null) {
    fields.set('_d', options.additionalData);
  }

  return encodeKsV2({ partnerId: options.partnerId, adminSecret: options.adminSecret, fields, random });
}
