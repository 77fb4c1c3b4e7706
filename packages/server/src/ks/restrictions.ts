import { KsError } from './errors.js';
import type { ParsedKs } from './types.js';

/** Strips the IPv4-mapped IPv6 prefix that Node reports for IPv4 clients on a dual-stack socket. */
export function normalizeClientIp(ip: string): string {
  return ip.toLowerCase().startsWith('::ffff:') && ip.includes('.') ? ip.slice('::ffff:'.length) : ip;
}

/**
 * Enforces `iprestrict:<ip>[/<ip>…]`: the client IP must equal one of the listed addresses.
 * Repeated v1 items are merged, so any address of any item passes. Throws KS_IP_RESTRICTED.
 */
export function checkIpRestriction(ks: ParsedKs, clientIp: string): void {
  const allowed = ks.parsedPrivileges.get('iprestrict');
  if (allowed === undefined) {
    return;
  }

  if (!allowed.includes(normalizeClientIp(clientIp))) {
    throw new KsError('KS_IP_RESTRICTED', 'KS is restricted to other client IP addresses');
  }
}

/**
 * Enforces `urirestrict:<uri>[|<uri>…]`: the request URI must equal an alternative, or start with
 * it when the alternative ends in `*`. The raw value is used because URIs contain `/`, the
 * privilege value separator. Throws KS_URI_RESTRICTED.
 */
export function checkUriRestriction(ks: ParsedKs, requestUri: string): void {
  const rawValues = ks.rawPrivilegeValues.get('urirestrict');
  if (rawValues === undefined) {
    return;
  }

  const alternatives = rawValues.flatMap((value) => value.split('|'));
  const matches = alternatives.some((alternative) =>
    alternative.endsWith('*') ? requestUri.startsWith(alternative.slice(0, -1)) : requestUri === alternative,
  );
  if (!matches) {
    throw new KsError('KS_URI_RESTRICTED', 'KS is restricted to other request URIs');
  }
}
