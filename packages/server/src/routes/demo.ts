import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CatalogItem, VisualCatalogItem, VoiceCatalogItem } from '@orator/protocol';
import type { AppContext } from '../app-context.js';
import { ApiError } from '../http/api-error.js';

/** Options of the demo backend. */
export interface DemoOptions {
  /** ADMIN KS the demo creates sessions with. Without one, the demo endpoints return 503. */
  ks: string | undefined;
  /** Maximum number of session tokens the demo keeps. Past it, ended sessions and then the oldest are evicted. */
  maxSessions?: number;
}

/** Default bound of the demo's session table. */
export const DEMO_MAX_SESSIONS = 200;

/** Maximum characters in one demo say-text call, the limit of the reference integration. */
export const DEMO_MAX_TEXT_CHARS = 1000;

/** Maximum length of an avatar, voice or session id; no catalog or store has longer ids. */
const MAX_ID_CHARS = 64;

const DEMO_DISABLED_MESSAGE =
  'The demo backend is disabled: partners are configured (ORATOR_PARTNERS or ORATOR_PARTNERS_FILE) and ORATOR_DEMO_KS is not set. ' +
  'Set ORATOR_DEMO_KS to an ADMIN KS of one of those partners and restart to enable it.';

interface CreateBody {
  avatarId?: unknown;
  voiceId?: unknown;
}

interface SayTextBody {
  sessionId?: unknown;
  text?: unknown;
  turnId?: unknown;
  isFinal?: unknown;
}

/** Status and parsed JSON envelope of an injected call to the app's own API. */
interface InjectedResponse {
  statusCode: number;
  body: Record<string, unknown>;
  /** Retry-After of a 429 or 503, in seconds, passed on to the page. */
  retryAfter: string | undefined;
}

/**
 * Session tokens the demo holds for its page, keyed by session id, in insertion order. The table
 * never grows past `maxSessions`: an insert into a full table first drops sessions the store
 * reports as ended or gone, then the oldest entry.
 */
export class DemoSessionTable {
  private readonly tokens = new Map<string, string>();

  constructor(
    private readonly maxSessions: number,
    private readonly isOpen: (sessionId: string) => Promise<boolean>,
  ) {}

  get size(): number {
    return this.tokens.size;
  }

  get(sessionId: string): string | undefined {
    return this.tokens.get(sessionId);
  }

  delete(sessionId: string): void {
    this.tokens.delete(sessionId);
  }

  async add(sessionId: string, token: string): Promise<void> {
    if (this.tokens.size >= this.maxSessions) await this.evictEnded();

    // Map iteration follows insertion order, so the first key is the oldest session.
    while (this.tokens.size >= this.maxSessions) {
      const oldest = this.tokens.keys().next().value;
      if (oldest === undefined) break;
      this.tokens.delete(oldest);
    }

    this.tokens.set(sessionId, token);
  }

  private async evictEnded(): Promise<void> {
    for (const sessionId of [...this.tokens.keys()]) {
      if (!(await this.isOpen(sessionId))) this.tokens.delete(sessionId);
    }
  }
}

/**
 * Backend of the demo page, built like the reference integration a customer writes: it keeps the
 * KS and the session tokens on the server, and its page requests sessions and speech from it.
 * It calls the app's own control API through `app.inject`, so no request leaves the process.
 *
 * NOTE: anyone who can reach the server can create sessions through these endpoints with the
 * demo KS, up to the partner's concurrent-session limit. Enable it only where that is acceptable.
 */
export async function demoRoutes(app: FastifyInstance, context: AppContext, options: DemoOptions): Promise<void> {
  const ks = options.ks;
  const table = new DemoSessionTable(options.maxSessions ?? DEMO_MAX_SESSIONS, async (sessionId) => {
    const session = await context.store.getSession(sessionId);
    return session !== undefined && session.state !== 'ended';
  });

  if (ks === undefined || ks === '') app.log.warn({ code: 'DEMO_DISABLED' }, DEMO_DISABLED_MESSAGE);

  function requireKs(): string {
    if (ks === undefined || ks === '') throw new ApiError(503, DEMO_DISABLED_MESSAGE, 'DEMO_DISABLED');
    return ks;
  }

  async function callApi(request: FastifyRequest, url: string, authorization: string, payload: unknown): Promise<InjectedResponse> {
    const response = await app.inject({
      method: 'POST',
      url,
      // The client's Host header keeps links in responses (catalog thumbnails) pointing where the page reached us.
      headers: { authorization, 'content-type': 'application/json', host: request.host },
      payload: JSON.stringify(payload),
    });
    const retryAfter = response.headers['retry-after'];
    return {
      statusCode: response.statusCode,
      body: parseEnvelope(response.body),
      retryAfter: retryAfter === undefined ? undefined : String(retryAfter),
    };
  }

  app.post<{ Body: CreateBody | undefined }>('/api/avatar/create-session', async (request, reply) => {
    const demoKs = requireKs();
    const body = request.body ?? {};

    if (typeof body.avatarId !== 'string' || body.avatarId === '' || body.avatarId.length > MAX_ID_CHARS) {
      throw new ApiError(
        400,
        `avatarId is required: a string of 1 to ${MAX_ID_CHARS} characters from GET /api/avatar/catalog`,
        'INVALID_AVATAR_ID',
      );
    }
    if (body.voiceId !== undefined && (typeof body.voiceId !== 'string' || body.voiceId === '' || body.voiceId.length > MAX_ID_CHARS)) {
      throw new ApiError(
        400,
        `voiceId must be a string of 1 to ${MAX_ID_CHARS} characters from GET /api/avatar/catalog`,
        'INVALID_VOICE_ID',
      );
    }

    const created = await callApi(request, '/v1/avatar-session', `KS ${demoKs}`, {
      visualConfig: { avatarId: body.avatarId },
      ...(body.voiceId === undefined ? {} : { voiceConfig: { id: body.voiceId } }),
    });
    if (created.statusCode !== 200) return forwardError(reply, created);

    const sessionId = created.body.sessionId as string;
    await table.add(sessionId, created.body.token as string);
    request.log.info({ sessionId, demoSessions: table.size }, 'demo session created');
    return { success: true, sessionId, token: created.body.token };
  });

  app.post<{ Body: SayTextBody | undefined }>('/api/avatar/say-text', async (request, reply) => {
    requireKs();
    const body = request.body ?? {};

    if (typeof body.text !== 'string' || body.text === '' || body.text.length > DEMO_MAX_TEXT_CHARS) {
      throw new ApiError(400, 'Invalid text', 'INVALID_TEXT');
    }
    const token = typeof body.sessionId === 'string' && body.sessionId.length <= MAX_ID_CHARS ? table.get(body.sessionId) : undefined;
    if (token === undefined) throw new ApiError(404, 'Session not found', 'SESSION_NOT_FOUND');
    const sessionId = body.sessionId as string;

    const spoken = await callApi(request, `/v1/avatar-session/${encodeURIComponent(sessionId)}/say-text`, `Bearer ${token}`, {
      text: body.text,
      ...(body.turnId === undefined ? {} : { turnId: body.turnId }),
      ...(body.isFinal === undefined ? {} : { isFinal: body.isFinal }),
    });

    // An ended or vanished session never takes text again, so its token can go.
    if (spoken.statusCode === 404 || spoken.statusCode === 410) table.delete(sessionId);
    if (spoken.statusCode !== 200) return forwardError(reply, spoken);
    return spoken.body;
  });

  app.get('/api/avatar/catalog', async (request, reply) => {
    const demoKs = requireKs();
    const listed = await callApi(request, '/v1/catalog-item/list', `KS ${demoKs}`, {});
    if (listed.statusCode !== 200) return forwardError(reply, listed);

    const objects = (listed.body.objects ?? []) as CatalogItem[];
    const avatars = objects
      .filter((item): item is VisualCatalogItem => item.type === 'Visual')
      .map((avatar) => withProtocol(avatar, request));
    const voices = objects.filter((item): item is VoiceCatalogItem => item.type === 'Voice');
    return { success: true, avatars, voices };
  });
}

/** Parse an injected response body; a body that is not a JSON object becomes an internal error. */
function parseEnvelope(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Falls through to the internal-error envelope below.
  }
  return { success: false, error: 'Internal server error', code: 'INTERNAL' };
}

/** Send the control API's error status, message and code to the page unchanged. */
function forwardError(reply: FastifyReply, response: InjectedResponse): FastifyReply {
  if (response.retryAfter !== undefined) reply.header('retry-after', response.retryAfter);
  return reply.code(response.statusCode).send({
    success: false,
    error: typeof response.body.error === 'string' ? response.body.error : 'Internal server error',
    ...(typeof response.body.code === 'string' ? { code: response.body.code } : {}),
  });
}

/**
 * Give a thumbnail URL the scheme the page used. Injected requests always look like plain HTTP,
 * so behind TLS the catalog would otherwise hand the page `http://` links to this same host.
 */
function withProtocol(avatar: VisualCatalogItem, request: FastifyRequest): VisualCatalogItem {
  const injectedOrigin = `http://${request.host}`;
  if (request.protocol !== 'https' || !avatar.thumbnailUrl.startsWith(`${injectedOrigin}/`)) return avatar;
  return { ...avatar, thumbnailUrl: `https://${request.host}${avatar.thumbnailUrl.slice(injectedOrigin.length)}` };
}
