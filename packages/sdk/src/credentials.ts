/**
 * Tells a Kaltura Session (KS) from a session JWT. A JWT is three base64url parts joined by "."
 * whose first part decodes to a JSON header with a string `alg`. A KS is one base64 string
 * (v1 and v2 alike) and never contains ".".
 */
export type Credential =
  { kind: 'ks'; ks: string } | { kind: 'jwt'; token: string; sessionId: string | undefined; expiresAt: number | undefined };

const BASE64URL_PART = /^[A-Za-z0-9_-]+={0,2}$/;
/** Sanity cap on credential length; real KS strings and session JWTs are well below it. */
const MAX_CREDENTIAL_CHARS = 16 * 1024;

/** Decode base64url (padding optional) to a UTF-8 string; throws on invalid input. */
export function decodeBase64Url(part: string): string {
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  if (base64.length % 4 === 1) throw new Error('invalid base64url length');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** True when `value` has the shape of a JWT (three parts, JSON header with `alg`). The signature is not checked. */
export function isJwt(value: string): boolean {
  const parts = value.split('.');
  if (parts.length !== 3 || !parts.every((p, i) => (i === 2 && p === '') || BASE64URL_PART.test(p))) return false;
  try {
    const header = parseJsonObject(decodeBase64Url(parts[0] ?? ''));
    return header !== undefined && typeof header.alg === 'string';
  } catch {
    return false;
  }
}

/** Read the JWT payload claims without verifying the signature; the server verifies it. */
export function readJwtClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  try {
    return parseJsonObject(decodeBase64Url(payload)) ?? {};
  } catch {
    return {};
  }
}

/** Classify the constructor's first argument. Throws TypeError on empty or oversized input. */
export function classifyCredential(value: string): Credential {
  const trimmed = value.trim();
  if (trimmed === '') throw new TypeError('the API key or token is empty');
  if (trimmed.length > MAX_CREDENTIAL_CHARS) throw new TypeError(`the API key or token is longer than ${MAX_CREDENTIAL_CHARS} characters`);

  if (!isJwt(trimmed)) return { kind: 'ks', ks: trimmed };

  const claims = readJwtClaims(trimmed);
  const sessionId = typeof claims.sub === 'string' && claims.sub !== '' ? claims.sub : undefined;
  const expiresAt = typeof claims.exp === 'number' ? claims.exp : undefined;
  return { kind: 'jwt', token: trimmed, sessionId, expiresAt };
}
