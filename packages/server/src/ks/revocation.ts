import { createHash } from 'node:crypto';
import type { VerifiedKs } from './types.js';

/**
 * Returns the keys under which a KS is revoked, as Kaltura's server stores them: the KS `hash`
 * (v1 signature or v2 `H`, so a re-encoded token stays revoked), and, when the KS carries a
 * `sessionid:X` privilege, the hex SHA-1 of `pid + "_" + X`, which revokes every KS of that
 * session group. X is the first `/`-separated part of the value.
 */
export function revocationKeys(verified: VerifiedKs): string[] {
  const keys = [verified.hash];
  const sessionId = verified.parsedPrivileges.get('sessionid')?.[0];
  if (sessionId !== undefined && sessionId !== '') {
    keys.push(createHash('sha1').update(`${verified.partnerId}_${sessionId}`, 'utf8').digest('hex'));
  }

  return keys;
}
