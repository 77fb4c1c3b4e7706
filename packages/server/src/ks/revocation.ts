import { createHash } from 'node:crypto';
import type { VerifiedKs } from './types.js';

/**
 * Returns the keys under which a KS is revoked, as Kaltura's server stores them. The first is the
 * KS `hash` (the v1 signature or the v2 `H`), so the same token re-encoded stays revoked. When the
 * KS carries a `sessionid:X` privilege, the second is the hex SHA-1 of `pid + "_" + X`, which
 * revokes every KS of that session group. X is the first `/`-separated part of the value.
 */
export function revocationKeys(verified: VerifiedKs): string[] {
  const keys = [verified.hash];
  const sessionId = verified.parsedPrivileges.get('sessionid')?.[0];
  if (sessionId !== undefined && sessionId !== '') {
    keys.push(createHash('sha1').update(`${verified.partnerId}_${sessionId}`, 'utf8').digest('hex'));
  }

  return keys;
}
