import { randomBytes } from 'node:crypto';
import type { Partner } from './partner.js';
import { PARTNER_DEFAULTS } from './validate.js';

export const DEVELOPMENT_PARTNER_ID = 100;

/**
 * Returns the partner used when none is configured: id 100, with a random 32-hex-digit admin
 * secret generated on each call, so a development secret never outlives its process.
 */
export function createDevelopmentPartner(): Partner {
  return {
    id: DEVELOPMENT_PARTNER_ID,
    name: 'Development partner',
    adminSecrets: [randomBytes(16).toString('hex')],
    enabled: true,
    maxConcurrentSessions: PARTNER_DEFAULTS.maxConcurrentSessions,
    ksVersion: PARTNER_DEFAULTS.ksVersion,
    ksMaxExpirySeconds: PARTNER_DEFAULTS.ksMaxExpirySeconds,
  };
}
