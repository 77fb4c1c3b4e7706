import type { FastifyRequest } from 'fastify';

/**
 * Read `Authorization: <scheme> <credential>` with a case-insensitive scheme word (clients send
 * `KS`, `ks`, `Bearer` and `bearer`). Returns undefined when the header is missing, uses another
 * scheme or carries no credential.
 */
export function readCredential(request: FastifyRequest, scheme: 'ks' | 'bearer'): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;

  const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(header);
  if (!match || match[1]!.toLowerCase() !== scheme) return undefined;
  return match[2];
}
