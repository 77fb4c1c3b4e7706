/* global AbortSignal */
// The reference integration of the Avatar Control API, as a customer's backend writes it.
// The KS stays on this server: the browser gets only the session id and the session token.
import express from 'express';

/** Maximum characters in one say-text request. */
export const MAX_TEXT_CHARS = 1000;
/** Maximum number of session tokens kept in memory; past it, the oldest is dropped. */
export const MAX_SESSIONS = 1000;
/** Time limit of each call to the avatar service, in ms. */
const AVATAR_API_TIMEOUT_MS = 10_000;
const MAX_ID_CHARS = 64;

/**
 * Creates the Express app.
 * @param {{ ks: string, oratorUrl: string, publicDir?: string, maxSessions?: number, log?: (message: string) => void }} options
 *   `ks` is an ADMIN KS; `oratorUrl` is the base URL of the avatar service (no trailing slash needed).
 */
export function createApp(options) {
  if (typeof options.ks !== 'string' || options.ks === '') throw new TypeError('options.ks (an ADMIN KS) is required');
  const oratorUrl = options.oratorUrl.replace(/\/+$/, '');
  const maxSessions = options.maxSessions ?? MAX_SESSIONS;
  const log = options.log ?? ((message) => console.log(message));

  /** sessionId → session token, oldest first. */
  const sessions = new Map();

  /** POST JSON to the avatar service and return its status and parsed body. */
  async function callAvatarApi(path, authorization, body) {
    const response = await fetch(`${oratorUrl}${path}`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(AVATAR_API_TIMEOUT_MS),
    });
    const payload = await response.json().catch(() => ({}));
    return { status: response.status, body: payload };
  }

  function rememberSession(sessionId, token) {
    while (sessions.size >= maxSessions) sessions.delete(sessions.keys().next().value);
    sessions.set(sessionId, token);
  }

  /** Send the avatar service's error to the browser with its status; never a KS or token. */
  function forwardError(res, result) {
    const error = typeof result.body.error === 'string' ? result.body.error : 'Avatar service error';
    res.status(result.status).json({ success: false, error });
  }

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '16kb' }));

  // The API takes JSON only; any other body would otherwise look like missing fields.
  app.use('/api', (req, res, next) => {
    if (req.method === 'POST' && req.headers['content-length'] !== '0' && !req.is('application/json')) {
      return res.status(415).json({ success: false, error: 'Unsupported content type: send application/json' });
    }
    next();
  });

  app.get('/api/avatar/config', (req, res) => {
    // The browser loads the SDK from the avatar service and talks to it with the session token.
    res.json({ success: true, oratorUrl });
  });

  app.get('/api/avatar/avatars', async (req, res) => {
    const result = await callAvatarApi('/v1/catalog-item/list', `KS ${options.ks}`, { filter: { typeEqual: 'Visual' } });
    if (result.status !== 200) return forwardError(res, result);
    const avatars = (result.body.objects ?? []).map((item) => ({ id: item.id, name: item.name, thumbnailUrl: item.thumbnailUrl }));
    res.json({ success: true, avatars });
  });

  app.post('/api/avatar/create-session', async (req, res) => {
    const { avatarId, voiceId } = req.body ?? {};
    if (typeof avatarId !== 'string' || avatarId === '' || avatarId.length > MAX_ID_CHARS) {
      return res.status(400).json({ success: false, error: 'Invalid avatarId' });
    }
    if (voiceId !== undefined && (typeof voiceId !== 'string' || voiceId === '' || voiceId.length > MAX_ID_CHARS)) {
      return res.status(400).json({ success: false, error: 'Invalid voiceId' });
    }

    const result = await callAvatarApi('/v1/avatar-session', `KS ${options.ks}`, {
      visualConfig: { avatarId },
      ...(voiceId ? { voiceConfig: { id: voiceId } } : {}),
    });
    if (result.status !== 200) return forwardError(res, result);

    const { sessionId, token } = result.body;
    rememberSession(sessionId, token);
    log(`avatar session ${sessionId} created (${sessions.size} kept)`);
    res.json({ success: true, sessionId, token });
  });

  app.post('/api/avatar/say-text', async (req, res) => {
    const { sessionId, text, turnId, isFinal } = req.body ?? {};
    if (typeof text !== 'string' || text === '' || text.length > MAX_TEXT_CHARS) {
      return res.status(400).json({ success: false, error: 'Invalid text' });
    }
    const token = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (token === undefined) return res.status(404).json({ success: false, error: 'Session not found' });

    const result = await callAvatarApi(`/v1/avatar-session/${encodeURIComponent(sessionId)}/say-text`, `Bearer ${token}`, {
      text,
      ...(turnId === undefined ? {} : { turnId }),
      ...(isFinal === undefined ? {} : { isFinal }),
    });
    // An ended or unknown session never speaks again, so its token is dropped.
    if (result.status === 404 || result.status === 410) sessions.delete(sessionId);
    if (result.status !== 200) return forwardError(res, result);
    res.json({ success: true, turnId: result.body.turnId });
  });

  if (options.publicDir) app.use(express.static(options.publicDir));

  app.use((req, res) => {
    res.status(404).json({ success: false, error: `Route ${req.method} ${req.path} not found` });
  });

  // Errors as JSON: a malformed body is the client's fault, an unreachable avatar service is not.
  app.use((error, req, res, next) => {
    if (res.headersSent) return next(error);
    if (error.type === 'entity.parse.failed') return res.status(400).json({ success: false, error: 'Malformed JSON body' });
    if (error.type === 'entity.too.large') return res.status(413).json({ success: false, error: 'Request body is too large' });
    log(`request ${req.method} ${req.path} failed: ${error.name}: ${error.message}`);
    res.status(502).json({ success: false, error: 'Avatar service unavailable' });
  });

  return app;
}
