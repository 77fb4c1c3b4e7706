import type { FastifyRequest } from 'fastify';

/**
 * Base URL of this server as the client reached it, for links in responses. ORATOR_PUBLIC_URL
 * wins when set, because behind a proxy the Host header may name an internal address.
 */
export function publicBaseUrl(request: FastifyRequest, configured: string | undefined): string {
  if (configured) return configured;
  return `${request.protocol}://${request.host}`;
}
