import { PartnerConfigError } from './errors.js';
import type { Partner } from './partner.js';

/**
 * Minimum admin secret length for configured partners, in characters. Anyone holding one KS can
 * test candidate secrets offline against its SHA-1 signature (v1) or checksum (v2), without the
 * server noticing, so a short secret falls to brute force. Kaltura's own secrets are 32 hex
 * characters (128 bits). The floor of 16 (64 bits when random hex) rejects passwords and
 * placeholders without rejecting every non-Kaltura secret; `orator partner add` generates 64 hex
 * characters (256 bits).
 */
export const MIN_ADMIN_SECRET_LENGTH = 16;
export const MAX_ADMIN_SECRET_LENGTH = 256;
export const MAX_ADMIN_SECRETS = 16;
export const MAX_PARTNERS = 10_000;
export const MAX_NAME_LENGTH = 200;
export const MAX_CONCURRENT_SESSIONS = 1_000_000;
/** Ten years, in seconds. */
export const MAX_KS_EXPIRY_SECONDS = 315_360_000;

export const PARTNER_DEFAULTS = {
  enabled: true,
  maxConcurrentSessions: 10,
  ksVersion: 2,
  ksMaxExpirySeconds: 86_400,
} as const;

const KNOWN_FIELDS = new Set(['id', 'name', 'adminSecrets', 'maxConcurrentSessions', 'enabled', 'ksVersion', 'ksMaxExpirySeconds']);

// Printable ASCII without space: what Kaltura's secrets and generated secrets consist of, and
// safe to pass on a command line or in an environment variable.
const SECRET_CHARACTERS = /^[\x21-\x7e]+$/;

function positiveInteger(value: unknown, max: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 && value <= max;
}

/**
 * Validates one partner entry of the configuration and fills in defaults. `where` names the
 * entry in messages (for example "partner 3 (index 2)"). Throws PartnerConfigError.
 */
export function validatePartner(entry: unknown, where: string): Partner {
  const fail = (message: string): never => {
    throw new PartnerConfigError('PARTNER_INVALID_FIELD', `${where}: ${message}`);
  };

  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    return fail('must be an object');
  }

  const record = entry as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!KNOWN_FIELDS.has(key)) {
      fail(`unknown field "${key.slice(0, 40)}"; known fields are ${[...KNOWN_FIELDS].join(', ')}`);
    }
  }

  const { id, name, adminSecrets } = record;
  if (!positiveInteger(id, Number.MAX_SAFE_INTEGER)) {
    fail('"id" must be a positive integer');
  }

  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_NAME_LENGTH) {
    fail(`"name" must be a non-empty string of at most ${MAX_NAME_LENGTH} characters`);
  }

  if (!Array.isArray(adminSecrets) || adminSecrets.length === 0 || adminSecrets.length > MAX_ADMIN_SECRETS) {
    fail(`"adminSecrets" must be an array of 1 to ${MAX_ADMIN_SECRETS} secrets`);
  }

  (adminSecrets as unknown[]).forEach((secret, index) => {
    if (typeof secret !== 'string') {
      fail(`"adminSecrets"[${index}] must be a string`);
    }

    const text = secret as string;
    if (text.length < MIN_ADMIN_SECRET_LENGTH || text.length > MAX_ADMIN_SECRET_LENGTH) {
      fail(
        `"adminSecrets"[${index}] must be ${MIN_ADMIN_SECRET_LENGTH} to ${MAX_ADMIN_SECRET_LENGTH} characters long (it has ${text.length})`,
      );
    }

    if (!SECRET_CHARACTERS.test(text)) {
      fail(`"adminSecrets"[${index}] must consist of printable ASCII characters without spaces`);
    }
  });

  const enabled = record.enabled ?? PARTNER_DEFAULTS.enabled;
  if (typeof enabled !== 'boolean') {
    fail('"enabled" must be true or false');
  }

  const maxConcurrentSessions = record.maxConcurrentSessions ?? PARTNER_DEFAULTS.maxConcurrentSessions;
  if (!positiveInteger(maxConcurrentSessions, MAX_CONCURRENT_SESSIONS)) {
    fail(`"maxConcurrentSessions" must be an integer from 1 to ${MAX_CONCURRENT_SESSIONS}`);
  }

  const ksVersion = record.ksVersion ?? PARTNER_DEFAULTS.ksVersion;
  if (ksVersion !== 1 && ksVersion !== 2) {
    fail('"ksVersion" must be 1 or 2');
  }

  const ksMaxExpirySeconds = record.ksMaxExpirySeconds ?? PARTNER_DEFAULTS.ksMaxExpirySeconds;
  if (!positiveInteger(ksMaxExpirySeconds, MAX_KS_EXPIRY_SECONDS)) {
    fail(`"ksMaxExpirySeconds" must be an integer from 1 to ${MAX_KS_EXPIRY_SECONDS}`);
  }

  return {
    id: id as number,
    name: (name as string).trim(),
    adminSecrets: [...(adminSecrets as string[])],
    enabled: enabled as boolean,
    maxConcurrentSessions: maxConcurrentSessions as number,
    ksVersion: ksVersion as 1 | 2,
    ksMaxExpirySeconds: ksMaxExpirySeconds as number,
  };
}

/** Validates a parsed configuration array; ids must be unique. Throws PartnerConfigError. */
export function validatePartnerList(value: unknown, source: string): Partner[] {
  if (!Array.isArray(value)) {
    throw new PartnerConfigError('PARTNERS_INVALID', `${source} must be a JSON array of partner objects`);
  }

  if (value.length > MAX_PARTNERS) {
    throw new PartnerConfigError('PARTNERS_INVALID', `${source} has ${value.length} partners; the maximum is ${MAX_PARTNERS}`);
  }

  const seen = new Set<number>();
  return value.map((entry, index) => {
    const idText =
      typeof entry === 'object' && entry !== null && typeof (entry as { id?: unknown }).id === 'number'
        ? `partner ${(entry as { id: number }).id} `
        : 'partner ';
    const partner = validatePartner(entry, `${source}: ${idText}(index ${index})`);
    if (seen.has(partner.id)) {
      throw new PartnerConfigError('PARTNER_DUPLICATE_ID', `${source}: partner id ${partner.id} appears more than once`);
    }

    seen.add(partner.id);
    return partner;
  });
}
