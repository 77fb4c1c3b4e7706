import { loadConfig, type OratorConfig } from '../../src/config.js';
import { buildServer, type BuildOptions, type OratorServer } from '../../src/app.js';
import { mintKs } from '../../src/ks/index.js';
import type { Partner, PartnerRegistry } from '../../src/partners/partner.js';
import { TestSpeechEngine } from '../../src/speech/index.js';

export const PARTNER: Partner = {
  id: 4242,
  name: 'Test partner',
  adminSecrets: ['0123456789abcdef0123456789abcdef', 'fedcba9876543210fedcba9876543210'],
  enabled: true,
  maxConcurrentSessions: 1000,
  ksVersion: 2,
  ksMaxExpirySeconds: 86400,
};

export const DISABLED_PARTNER: Partner = { ...PARTNER, id: 4343, name: 'Disabled partner', enabled: false };

export class ListRegistry implements PartnerRegistry {
  constructor(private readonly partners: Partner[]) {}
  get(partnerId: number): Partner | undefined {
    return this.partners.find((partner) => partner.id === partnerId);
  }
  list(): Partner[] {
    return [...this.partners];
  }
}

export interface TestServer {
  server: OratorServer;
  /** Every log line the server wrote, for checks that no credential is logged. */
  logs: string[];
  baseUrl: string;
  adminKs: string;
  close(): Promise<void>;
}

/** Start a real server on a free loopback port, with the fast test speech engine unless `build.engine` overrides it. */
export async function startTestServer(
  overrides: {
    env?: Record<string, string>;
    partners?: Partner[];
    config?: (config: OratorConfig) => void;
    build?: Partial<BuildOptions>;
  } = {},
): Promise<TestServer> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    ORATOR_JWT_SECRET: 'test-secret-test-secret-test-secret-42',
    ...overrides.env,
  });
  overrides.config?.(config);
  const logLines: string[] = [];
  if (process.env.TEST_LOGS) config.logLevel = 'debug';

  const server = await buildServer(config, {
    partners: new ListRegistry(overrides.partners ?? [PARTNER, DISABLED_PARTNER]),
    engine: new TestSpeechEngine(),
    logStream: { write: (line: string) => logLines.push(line) },
    ...overrides.build,
  });
  const baseUrl = await server.listen();
  const adminKs = mintKs({ partnerId: PARTNER.id, adminSecret: PARTNER.adminSecrets[0]!, type: 2, userId: 'tester', expirySeconds: 3600 });
  return { server, logs: logLines, baseUrl, adminKs, close: () => server.close() };
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** Send a JSON request (POST unless `method` says otherwise) over real HTTP and parse the JSON response. */
export async function call(
  baseUrl: string,
  path: string,
  options: { method?: string; auth?: string; body?: unknown; rawBody?: string; contentType?: string } = {},
): Promise<JsonResponse> {
  const headers: Record<string, string> = {};
  if (options.auth) headers.authorization = options.auth;
  let body: string | undefined;
  if (options.rawBody !== undefined) {
    body = options.rawBody;
    headers['content-type'] = options.contentType ?? 'application/json';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }

  const response = await fetch(`${baseUrl}${path}`, { method: options.method ?? 'POST', headers, body });
  const text = await response.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { raw: text };
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

/** Create a session with the admin KS and return its id and token. */
export async function createSession(
  test: TestServer,
  body: unknown = { visualConfig: { avatarId: firstAvatarId(test) } },
): Promise<{ sessionId: string; token: string }> {
  const response = await call(test.baseUrl, '/v1/avatar-session', { auth: `KS ${test.adminKs}`, body });
  if (response.status !== 200) throw new Error(`create failed: ${response.status} ${JSON.stringify(response.body)}`);
  return { sessionId: response.body.sessionId as string, token: response.body.token as string };
}

export function firstAvatarId(test: TestServer): string {
  return test.server.context.catalog.avatars[0]!.id;
}
