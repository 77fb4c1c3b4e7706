// Kaltura-compatible `session` service (api_v3): start, get and end, so that Kaltura's client
// libraries pointed at Orator can obtain and end a KS the way they do against Kaltura.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  constantTimeEqual,
  invalidKsException,
  kalturaKsReason,
  KsError,
  missingKsException,
  mintKs,
  revocationKeys,
  startSessionException,
  verifyKs,
  type KalturaApiException,
  type KsRevocationStore,
  type VerifiedKs,
} from '../ks/index.js';
import { adminSecretsOf } from '../partners/registry.js';
import type { PartnerRegistry } from '../partners/partner.js';

export interface KalturaSessionRoutesOptions {
  partners: PartnerRegistry;
  revocations: KsRevocationStore;
  /** Current UNIX time in seconds; defaults to the system clock. */
  nowSeconds?: () => number;
  /**
   * Failed-authentication limiter shared with the rest of the API. When the client address is
   * throttled, `start`, `get` and `end` respond 429 with Retry-After before checking anything.
   */
  throttle?: {
    /** Seconds until the address may try again, or 0 when it may try now. */
    retryAfterSeconds(request: FastifyRequest): Promise<number>;
    recordFailure(request: FastifyRequest): Promise<void>;
  };
}

/** Maximum request body, in bytes. A session call carries a few short strings. */
const BODY_LIMIT_BYTES = 64 * 1024;

/** Lifetime of a KS when session.start gets no expiry or 0, in seconds (Kaltura's default). */
const DEFAULT_EXPIRY_SECONDS = 86_400;

/** How long a `sessionid` revocation lasts, as on Kaltura's server: 24 hours, in milliseconds. */
const SESSION_ID_REVOCATION_MS = 24 * 60 * 60 * 1000;

const MAX_SECRET_LENGTH = 1_024;

type Params = Record<string, unknown>;

/** A failed call, returned to the client as a KalturaAPIException. */
class KalturaCallError extends Error {
  constructor(
    readonly exception: KalturaApiException,
    readonly logReason: string,
  ) {
    super(exception.message);
  }
}

/** Reads a scalar parameter as a string; JSON numbers and booleans are accepted as Kaltura does. */
function readString(params: Params, name: string): string | undefined {
  const value = params[name];
  if (typeof value === 'string') {
    return value;
  }

  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }

  return undefined;
}

/** Reads an integer parameter; an absent or empty one is undefined, a malformed one is null. */
function readInteger(params: Params, name: string): number | null | undefined {
  const text = readString(params, name);
  if (text === undefined || text === '') {
    return undefined;
  }

  return /^-?\d{1,15}$/.test(text.trim()) ? Number(text.trim()) : null;
}

function bodyParams(request: FastifyRequest): Params {
  const body = request.body;
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Params) : {};
}

/** Registers `POST /api_v3/service/session/action/:action` in an encapsulated scope. */
export async function kalturaSessionRoutes(app: FastifyInstance, options: KalturaSessionRoutesOptions): Promise<void> {
  const nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  const secretsFor = adminSecretsOf(options.partners);

  // Kaltura's clients send form-encoded or JSON bodies. The form parser lives in this plugin's
  // scope only; a repeated key keeps its last value, as PHP's $_POST does.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: BODY_LIMIT_BYTES },
    (_request, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      done(null, Object.fromEntries(new URLSearchParams(text)));
    },
  );

  // Body errors (bad JSON, wrong media type, too large) keep their HTTP status but use Kaltura's
  // error shape, so Kaltura clients report them instead of failing to parse the response.
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) {
      request.log.error({ err: error }, 'kaltura session call failed');
    } else {
      request.log.info({ code: error.code }, 'kaltura session call rejected');
    }

    const exception: KalturaApiException =
      status === 500
        ? { objectType: 'KalturaAPIException', code: 'INTERNAL_SERVERL_ERROR', message: 'Internal server error occurred', args: {} }
        : {
            objectType: 'KalturaAPIException',
            code: 'INVALID_REQUEST',
            message: 'The request body could not be read; send JSON or form-encoded parameters',
            args: {},
          };
    return reply.code(status).type('application/json; charset=utf-8').send(exception);
  });

  /**
   * Verifies a KS with everything except revocation handled by verifyKs, then checks revocation.
   * The client IP and URI are checked only for the KS that authenticates this request.
   */
  async function verifyUsable(ks: string, request: FastifyRequest, isRequestCredential: boolean): Promise<VerifiedKs> {
    let verified: VerifiedKs;
    try {
      verified = verifyKs(ks, {
        secretsFor,
        nowSeconds: nowSeconds(),
        ...(isRequestCredential ? { clientIp: request.ip, requestUri: request.url } : {}),
      });
    } catch (error) {
      if (error instanceof KsError) {
        throw new KalturaCallError(invalidKsException(kalturaKsReason(error.code)), error.code);
      }

      throw error;
    }

    if (await options.revocations.isRevoked(revocationKeys(verified))) {
      throw new KalturaCallError(invalidKsException('LOGOUT'), 'KS_REVOKED');
    }

    return verified;
  }

  function start(params: Params): string {
    const partnerField = readString(params, 'partnerId') ?? '';
    const partnerId = readInteger(params, 'partnerId');
    const failure = (logReason: string): KalturaCallError =>
      new KalturaCallError(
        startSessionException(typeof partnerId === 'number' ? String(partnerId) : partnerField.slice(0, 20).replace(/[^\d-]/g, '')),
        logReason,
      );

    if (typeof partnerId !== 'number') {
      throw failure('partner id missing or not an integer');
    }

    const partner = options.partners.get(partnerId);
    if (partner === undefined || !partner.enabled) {
      throw failure('partner unknown or disabled');
    }

    // Every configured secret is compared so the time taken does not depend on which one matched.
    const secret = readString(params, 'secret') ?? '';
    let signingSecret: string | undefined;
    if (secret !== '' && secret.length <= MAX_SECRET_LENGTH) {
      for (const candidate of partner.adminSecrets) {
        if (constantTimeEqual(candidate, secret) && signingSecret === undefined) {
          signingSecret = candidate;
        }
      }
    }

    if (signingSecret === undefined) {
      throw failure('wrong secret');
    }

    const type = readInteger(params, 'type') ?? 0;
    if (type !== 0 && type !== 2) {
      throw failure('session type is not 0 or 2');
    }

    const requestedExpiry = readInteger(params, 'expiry');
    if (requestedExpiry === null || (requestedExpiry !== undefined && requestedExpiry < 0)) {
      throw failure('expiry is not a non-negative integer');
    }

    const expirySeconds = Math.min(requestedExpiry || DEFAULT_EXPIRY_SECONDS, partner.ksMaxExpirySeconds);
    try {
      return mintKs({
        version: partner.ksVersion,
        partnerId,
        adminSecret: signingSecret,
        type,
        userId: readString(params, 'userId') ?? '',
        privileges: readString(params, 'privileges') ?? '',
        expirySeconds,
        nowSeconds: nowSeconds(),
      });
    } catch (error) {
      if (error instanceof KsError) {
        throw failure(error.code);
      }

      throw error;
    }
  }

  async function get(params: Params, request: FastifyRequest): Promise<object> {
    const requestKs = readString(params, 'ks') || undefined;
    const sessionKs = readString(params, 'session') || undefined;
    if (requestKs === undefined && sessionKs === undefined) {
      throw new KalturaCallError(missingKsException(), 'KS missing');
    }

    // Like Kaltura's front controller, the KS that authenticates the call is checked first.
    const requestVerified = requestKs === undefined ? undefined : await verifyUsable(requestKs, request, true);
    const target = sessionKs ?? (requestKs as string);
    const verified = sessionKs === undefined ? (requestVerified as VerifiedKs) : await verifyUsable(sessionKs, request, false);
    return {
      objectType: 'KalturaSessionInfo',
      ks: target,
      partnerId: verified.partnerId,
      userId: verified.userId ?? '',
      expiry: verified.validUntil,
      sessionType: verified.type,
      privileges: verified.privileges,
    };
  }

  async function end(params: Params, request: FastifyRequest): Promise<null> {
    const ks = readString(params, 'ks') || undefined;
    if (ks === undefined) {
      throw new KalturaCallError(missingKsException(), 'KS missing');
    }

    const verified = await verifyUsable(ks, request, true);
    const keys = revocationKeys(verified);

    // One expiry covers all keys: the KS hash must outlive the KS, and a sessionid group lasts
    // 24 hours on Kaltura's server, so the later of the two is kept.
    const ksUntilMs = (verified.validUntil ?? 0) * 1000;
    const untilMs = keys.length > 1 ? Math.max(ksUntilMs, nowSeconds() * 1000 + SESSION_ID_REVOCATION_MS) : ksUntilMs;
    await options.revocations.revoke(keys, untilMs);
    request.log.info({ partnerId: verified.partnerId }, 'kaltura session ended');
    return null;
  }

  async function handle(request: FastifyRequest<{ Params: { action: string } }>, reply: FastifyReply): Promise<FastifyReply> {
    const params = bodyParams(request);
    const action = request.params.action;

    const retryAfter = (await options.throttle?.retryAfterSeconds(request)) ?? 0;
    if (retryAfter > 0) {
      request.log.warn({ action, reason: 'address_throttled' }, 'kaltura session call throttled');
      const throttled: KalturaApiException = {
        objectType: 'KalturaAPIException',
        code: 'TOO_MANY_REQUESTS',
        message: 'Too many failed authentication attempts; retry later',
        args: {},
      };
      return reply
        .code(429)
        .header('retry-after', String(retryAfter))
        .type('application/json; charset=utf-8')
        .send(JSON.stringify(throttled));
    }

    let result: unknown;
    try {
      if (action === 'start') {
        result = start(params);
        request.log.info({ partnerId: readInteger(params, 'partnerId') }, 'kaltura session started');
      } else if (action === 'get') {
        result = await get(params, request);
      } else if (action === 'end') {
        result = await end(params, request);
      } else {
        const safeAction = action.replace(/[^A-Za-z0-9_]/g, '').slice(0, 64);
        result = {
          objectType: 'KalturaAPIException',
          code: 'ACTION_DOES_NOT_EXISTS',
          message: `Action "${safeAction}" does not exists for service "session"`,
          args: { ACTION_NAME: safeAction, SERVICE_NAME: 'session' },
        } satisfies KalturaApiException;
      }
    } catch (error) {
      if (!(error instanceof KalturaCallError)) {
        throw error;
      }

      request.log.info({ action, code: error.exception.code, reason: error.logReason }, 'kaltura session call failed');
      await options.throttle?.recordFailure(request);
      result = error.exception;
    }

    // NOTE: Kaltura returns XML unless the request has format=1 (JSON). Orator always returns JSON,
    // which npm kaltura-client 21.20 requests. API errors go out with HTTP 200, as on Kaltura, and
    // a string result is sent as a JSON string.
    return reply
      .code(200)
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(result ?? null));
  }

  app.post<{ Params: { action: string } }>('/api_v3/service/session/action/:action', { bodyLimit: BODY_LIMIT_BYTES }, handle);
}
