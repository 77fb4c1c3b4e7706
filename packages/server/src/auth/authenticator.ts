import type { FastifyRequest } from 'fastify';
import type { Limits } from '../config.js';
import { WireError } from '@orator/protocol';
import { ApiError, Errors } from '../http/api-error.js';
import { decodeKsUnverified, KsError, revocationKeys, verifyKs, type VerifiedKs } from '../ks/index.js';
import type { Metrics } from '../observability/metrics.js';
import type { Partner, PartnerRegistry } from '../partners/partner.js';
import type { SessionRecord, SessionStore } from '../store/types.js';
import { readCredential } from './authorization-header.js';
import { TokenError, type SessionTokenClaims, type SessionTokens } from './session-token.js';

export interface KsPrincipal {
  ks: VerifiedKs;
  partner: Partner;
}

export interface SessionPrincipal {
  claims: SessionTokenClaims;
  session: SessionRecord;
}

// Longest KS accepted; real ones are a few hundred characters.
const MAX_KS_CHARS = 8192;

/**
 * Checks both credentials of the API and counts failures per client address and per partner, so
 * that guessing is slowed down with 429 and Retry-After.
 */
export class Authenticator {
  constructor(
    private readonly partners: PartnerRegistry,
    private readonly store: SessionStore,
    private readonly tokens: SessionTokens,
    private readonly limits: Limits,
    private readonly metrics: Metrics,
  ) {}

  /** Require an ADMIN KS of an enabled partner: 401 when invalid, 403 when not allowed. */
  async requireAdminKs(request: FastifyRequest): Promise<KsPrincipal> {
    const principal = await this.requireKs(request);
    if (!principal.ks.isAdmin) return this.denyKs(request, 'user_ks', principal.partner.id);
    return principal;
  }

  /** Require a valid KS (USER or ADMIN) of an enabled partner, as the catalog does. */
  async requireKs(request: FastifyRequest): Promise<KsPrincipal> {
    await this.rejectIfThrottled(request);

    const ks = readCredential(request, 'ks');
    if (ks === undefined) return this.failKs(request, 'missing', undefined, 'KS_MISSING');
    if (ks.length > MAX_KS_CHARS) return this.failKs(request, 'too_long', undefined);

    let verified: VerifiedKs;
    try {
      verified = verifyKs(ks, {
        secretsFor: (partnerId) => this.partners.get(partnerId)?.adminSecrets,
        nowSeconds: Math.floor(Date.now() / 1000),
        clientIp: request.ip,
        requestUri: request.url,
      });
    } catch (error) {
      if (!(error instanceof KsError)) throw error;
      return this.failKs(request, error.code.toLowerCase(), partnerIdOf(ks));
    }

    if (await this.store.isKsRevoked(revocationKeys(verified))) return this.failKs(request, 'ks_revoked', verified.partnerId);

    const partner = this.partners.get(verified.partnerId)!;
    if (!partner.enabled) return this.denyKs(request, 'partner_disabled', partner.id);

    return { ks: verified, partner };
  }

  /** Require the session JWT for `sessionId`: 401 invalid, 403 other session, 404 unknown, 410 ended. */
  async requireSessionToken(request: FastifyRequest, sessionId: string): Promise<SessionPrincipal> {
    // The session is read while the token is checked, saving a store round trip; it is used only
    // once the token has passed.
    const sessionRead = this.store.getSession(sessionId);
    sessionRead.catch(() => undefined);
    await this.rejectIfThrottled(request);

    const token = readCredential(request, 'bearer');
    if (token === undefined) return this.failToken(request, 'missing_or_malformed');

    let claims: SessionTokenClaims;
    try {
      claims = await this.tokens.verify(token);
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      return this.failToken(request, error.code.toLowerCase());
    }

    if (claims.sessionId !== sessionId) {
      this.metrics.authFailures.inc({ scheme: 'bearer', reason: 'other_session' });
      request.log.info({ sessionId, reason: 'other_session' }, 'token rejected');
      throw Errors.insufficientPermissions();
    }

    const session = await sessionRead;
    if (!session) throw Errors.sessionNotFound();
    if (session.state === 'ended') throw Errors.sessionEnded();
    return { claims, session };
  }

  /** Verify a token outside HTTP (viewer stream authentication); returns the claims or the failure code. */
  async verifyToken(token: string): Promise<SessionTokenClaims | undefined> {
    try {
      return await this.tokens.verify(token);
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      this.metrics.authFailures.inc({ scheme: 'stream', reason: error.code.toLowerCase() });
      return undefined;
    }
  }

  /** Seconds until the client address may authenticate again, or 0 when it may now. */
  async retryAfterSeconds(request: FastifyRequest): Promise<number> {
    const verdict = await this.store.peekRateLimit(
      addressKey(request),
      this.limits.authFailuresPerAddress,
      this.limits.authFailureWindowMs,
    );
    return verdict.allowed ? 0 : verdict.retryAfterSeconds;
  }

  /** Count a failed authentication made outside this class (the Kaltura session service). */
  async recordFailure(request: FastifyRequest, scheme: string): Promise<void> {
    this.metrics.authFailures.inc({ scheme, reason: 'rejected' });
    await this.store.hitRateLimit(addressKey(request), this.limits.authFailuresPerAddress, this.limits.authFailureWindowMs);
  }

  private async rejectIfThrottled(request: FastifyRequest): Promise<void> {
    const verdict = await this.store.peekRateLimit(
      addressKey(request),
      this.limits.authFailuresPerAddress,
      this.limits.authFailureWindowMs,
    );
    if (!verdict.allowed) {
      request.log.warn({ reason: 'address_throttled' }, 'authentication throttled');
      throw Errors.tooManyRequests('Too many failed authentication attempts; retry later', 'AUTH_THROTTLED', verdict.retryAfterSeconds);
    }
  }

  private async failKs(request: FastifyRequest, reason: string, partnerId: number | undefined, code = 'INVALID_KS'): Promise<never> {
    this.metrics.authFailures.inc({ scheme: 'ks', reason });
    request.log.info({ reason, partnerId }, 'KS rejected');
    await this.countFailure(request, partnerId);
    throw new ApiError(401, WireError.invalidKs, code);
  }

  private async denyKs(request: FastifyRequest, reason: string, partnerId: number): Promise<never> {
    this.metrics.authFailures.inc({ scheme: 'ks', reason });
    request.log.info({ reason, partnerId }, 'KS not authorized');
    throw Errors.ksNotAuthorized();
  }

  private async failToken(request: FastifyRequest, reason: string): Promise<never> {
    this.metrics.authFailures.inc({ scheme: 'bearer', reason });
    request.log.info({ reason }, 'token rejected');
    await this.countFailure(request, undefined);
    throw Errors.invalidToken();
  }

  private async countFailure(request: FastifyRequest, partnerId: number | undefined): Promise<void> {
    const windowMs = this.limits.authFailureWindowMs;
    const byAddress = await this.store.hitRateLimit(addressKey(request), this.limits.authFailuresPerAddress, windowMs);

    // A partner under attack from many addresses is throttled as a whole, but only for KS failures
    // whose partner id is readable, and only until the window resets.
    if (partnerId !== undefined && this.partners.get(partnerId)) {
      const byPartner = await this.store.hitRateLimit(`authfail:partner:${partnerId}`, this.limits.authFailuresPerPartner, windowMs);
      if (!byPartner.allowed) {
        throw Errors.tooManyRequests(
          'Too many failed authentication attempts for this partner; retry later',
          'AUTH_THROTTLED',
          byPartner.retryAfterSeconds,
        );
      }
    }
    if (!byAddress.allowed) {
      throw Errors.tooManyRequests('Too many failed authentication attempts; retry later', 'AUTH_THROTTLED', byAddress.retryAfterSeconds);
    }
  }
}

function addressKey(request: FastifyRequest): string {
  return `authfail:addr:${request.ip}`;
}

function partnerIdOf(ks: string): number | undefined {
  try {
    return decodeKsUnverified(ks).partnerId ?? undefined;
  } catch {
    return undefined;
  }
}
