import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import cors from '@fastify/cors';
import fastifyStatic from '@fastify/static';
import type { OratorConfig } from './config.js';
import type { AppContext } from './app-context.js';
import { Authenticator } from './auth/authenticator.js';
import { SessionTokens } from './auth/session-token.js';
import { Catalog } from './catalog/catalog.js';
import { registerEnvelope } from './http/envelope.js';
import { Metrics } from './observability/metrics.js';
import type { PartnerRegistry } from './partners/partner.js';
import { avatarSessionRoutes } from './routes/avatar-session.js';
import { catalogRoutes } from './routes/catalog.js';
import { kalturaSessionRoutes } from './routes/kaltura-session.js';
import { operationsRoutes } from './routes/operations.js';
import { sayAudioRoute } from './routes/say-audio.js';
import { sdkAssetRoutes } from './routes/sdk-assets.js';
import { SessionService } from './sessions/session-service.js';
import { Sweeper } from './sessions/sweeper.js';
import { SpeechCoordinator } from './speaking/speech-coordinator.js';
import { EspeakEngine, TestSpeechEngine, type SpeechEngine, type SpeechLogger } from './speech/index.js';
import type { EventBus } from './store/bus.js';
import { MemoryBus, MemoryStore } from './store/memory-store.js';
import type { SessionStore } from './store/types.js';
import { ViewerHub } from './stream/viewer-hub.js';

/** The demo page, served at `/`. */
const DEMO_DIR = fileURLToPath(new URL('../demo/', import.meta.url));

export interface BuildOptions {
  partners: PartnerRegistry;
  /** Defaults to the engine named in the configuration. */
  engine?: SpeechEngine;
  /** Defaults to the in-memory store and bus. */
  store?: SessionStore;
  bus?: EventBus;
  /** Destination of the JSON log lines; defaults to standard output. */
  logStream?: { write(line: string): void };
  /** Interval of the session sweeper, in ms. */
  sweepIntervalMs?: number;
  /** Extra route plugins (the demo backend) registered with the same context. */
  plugins?: Array<(app: FastifyInstance, context: AppContext) => Promise<void>>;
}

export interface OratorServer {
  app: FastifyInstance;
  context: AppContext;
  /** Listen on the configured host and port; returns the base URL. */
  listen(): Promise<string>;
  /** Stop accepting, end this node's sessions with reason `shutdown` (in-memory store), close everything. */
  close(): Promise<void>;
}

// Log lines never contain credentials: Authorization is redacted and query strings are cut from URLs.
const REDACT_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  'token',
  'ks',
  'secret',
  'adminSecret',
  'adminSecrets',
  '*.token',
  '*.ks',
  '*.secret',
];

export function createEngine(config: OratorConfig, logger?: SpeechLogger): SpeechEngine {
  return config.speechEngine === 'test'
    ? new TestSpeechEngine()
    : new EspeakEngine({ poolSize: config.speechWorkers, ...(logger ? { logger } : {}) });
}

/** Build a server with every route and service wired; nothing listens until `listen()`. */
export async function buildServer(config: OratorConfig, options: BuildOptions): Promise<OratorServer> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      ...(options.logStream ? { stream: options.logStream } : {}),
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: {
        req: (request) => ({ method: request.method, url: request.url.split('?')[0], remoteAddress: request.ip }),
      },
    },
    genReqId: () => randomUUID(),
    bodyLimit: config.limits.jsonBodyBytes,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
    ...(config.tls ? { https: { cert: config.tls.cert, key: config.tls.key } } : {}),
  }) as unknown as FastifyInstance;

  const log = app.log;
  const nodeId = randomUUID();
  const metrics = new Metrics();
  const store = options.store ?? new MemoryStore();
  const bus = options.bus ?? new MemoryBus();
  const engine = options.engine ?? createEngine(config, log);
  const tokens = new SessionTokens(config.jwtKeys);

  await engine.start();
  const catalog = await Catalog.load(engine);

  const auth = new Authenticator(options.partners, store, tokens, config.limits, metrics);
  const sessions = new SessionService(store, bus, tokens, config, metrics, log);
  const speech = new SpeechCoordinator(nodeId, store, bus, engine, metrics, log);
  const hub = new ViewerHub(
    store,
    bus,
    auth,
    sessions,
    engine.sampleRate,
    config.limits,
    metrics,
    log,
    async (sessionId) => {
      const turns = await store.listPendingTurns(sessionId);
      return turns.some((turn) => turn.state === 'speaking');
    },
    config.idleTimeoutMs,
  );
  const sweeper = new Sweeper(store, sessions, log, options.sweepIntervalMs ?? 1_000);

  const context: AppContext = {
    config,
    nodeId,
    partners: options.partners,
    store,
    bus,
    auth,
    sessions,
    speech,
    engine,
    catalog,
    metrics,
    hub,
  };
  let ready = false;

  registerEnvelope(app);
  acceptEmptyJson(app);
  // Pages on other origins call the API with the session token; no cookies are involved.
  await app.register(cors, {
    origin: config.corsOrigins,
    methods: ['GET', 'POST'],
    allowedHeaders: ['authorization', 'content-type'],
    maxAge: 600,
  });

  // The request id in every response lets a client find the log lines of a failed call.
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.requestDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });

  await app.register(async (scope) => avatarSessionRoutes(scope, context));
  await app.register(async (scope) => sayAudioRoute(scope, context));
  await app.register(async (scope) => catalogRoutes(scope, context));
  await app.register(async (scope) => operationsRoutes(scope, { ...context, isReady: () => ready }));
  await app.register(kalturaSessionRoutes, {
    partners: options.partners,
    revocations: {
      revoke: (keys: string[], untilMs: number) => store.revokeKs(keys, untilMs),
      isRevoked: (keys: string[]) => store.isKsRevoked(keys),
    },
    throttle: {
      retryAfterSeconds: (request) => auth.retryAfterSeconds(request),
      recordFailure: (request) => auth.recordFailure(request, 'kaltura'),
    },
  });
  for (const plugin of options.plugins ?? []) await app.register(async (scope) => plugin(scope, context));

  await app.register(sdkAssetRoutes);
  if (existsSync(DEMO_DIR)) {
    await app.register(fastifyStatic, { root: DEMO_DIR, prefix: '/', decorateReply: false });
  }

  app.server.on('upgrade', (request, socket, head) => {
    if (!hub.handleUpgrade(request, socket, head)) socket.destroy();
  });

  speech.start();
  sweeper.start();
  await app.ready();
  ready = true;

  let closing: Promise<void> | undefined;
  async function close(): Promise<void> {
    ready = false;
    log.info({ nodeId }, 'server stopping');
    sweeper.stop();

    // With a shared store, other nodes keep serving the sessions, so only a lone node ends them.
    if (!options.store) {
      const open = await store.listOpenSessionIds(100_000);
      for (const sessionId of open) await sessions.end(sessionId, 'shutdown');
      log.info({ ended: open.length }, 'sessions ended for shutdown');
    }

    await speech.stop();
    hub.close();
    await app.close();
    await engine.close();
    await bus.close();
    await store.close();
    log.info({ nodeId }, 'server stopped');
  }

  return {
    app,
    context,
    async listen() {
      const address = await app.listen({ port: config.port, host: config.host });
      return address;
    },
    close: () => (closing ??= close()),
  };
}

/**
 * Accept JSON only, and an empty body as `{}`: clients send `{}` or nothing to calls that need no
 * body. Fastify's built-in text/plain parser is removed so that plain text gets 415.
 */
function acceptEmptyJson(app: FastifyInstance): void {
  app.removeContentTypeParser('text/plain');
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined || request.body === null) request.body = {};
  });

  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, {});
    parseJson(request, text, done);
  });
}
