import { readFileSync } from 'node:fs';

/** Server settings read from the environment; see the configuration table in the README. */
export interface OratorConfig {
  port: number;
  host: string;
  /** Public base URL used in links the server returns (stream URL, thumbnails); derived from the request when unset. */
  publicUrl: string | undefined;
  /** Session JWT keys, newest first: the first signs, any verifies. */
  jwtKeys: JwtKey[];
  /** True when no key was configured and a random per-process key is used. */
  jwtKeyGenerated: boolean;
  idleTimeoutMs: number;
  maxSessionMs: number;
  /** Lifetime of a session JWT, capped by the session's maximum lifetime. */
  tokenTtlMs: number;
  logLevel: string;
  redisUrl: string | undefined;
  redisKeyPrefix: string;
  speechEngine: 'espeak' | 'test';
  speechWorkers: number;
  tls: { cert: string; key: string } | undefined;
  /** Origins whose pages may call the API from a browser: `true` for any, or a list. */
  corsOrigins: true | string[];
  limits: Limits;
}

export interface JwtKey {
  kid: string;
  secret: Uint8Array;
}

/** Input limits; each one is enforced with a clear error. */
export interface Limits {
  /** Maximum JSON request body, in bytes (413 above it). */
  jsonBodyBytes: number;
  /** Maximum say-audio upload, in bytes. */
  audioBytes: number;
  /** Maximum say-audio duration, in seconds. */
  audioSeconds: number;
  /** Maximum characters in one say-text chunk. */
  chunkChars: number;
  /** Maximum characters in one turn, all chunks together. */
  turnChars: number;
  /** Maximum turns waiting or speaking in one session. */
  queuedTurns: number;
  /** Maximum length of a client-supplied turn id. */
  turnIdChars: number;
  /** Failed authentications per client address per window before 429. */
  authFailuresPerAddress: number;
  /** Failed authentications per partner per window before 429. */
  authFailuresPerPartner: number;
  authFailureWindowMs: number;
  /** Viewers per session. */
  viewersPerSession: number;
  /** Bytes waiting in one viewer's send buffer before it is closed as too slow. */
  viewerBufferBytes: number;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

const DEFAULT_LIMITS: Limits = {
  jsonBodyBytes: 64 * 1024,
  audioBytes: 10 * 1024 * 1024,
  audioSeconds: 120,
  chunkChars: 5_000,
  turnChars: 20_000,
  queuedTurns: 20,
  turnIdChars: 128,
  authFailuresPerAddress: 20,
  authFailuresPerPartner: 100,
  authFailureWindowMs: 60_000,
  viewersPerSession: 16,
  viewerBufferBytes: 1024 * 1024,
};

type Env = Record<string, string | undefined>;

function readInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;

  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function readJwtKeys(env: Env): { keys: JwtKey[]; generated: boolean } {
  // ORATOR_JWT_KEYS rotates keys: a JSON array of {kid, secret}, newest first.
  const rawKeys = env.ORATOR_JWT_KEYS;
  if (rawKeys !== undefined && rawKeys.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawKeys);
    } catch {
      throw new ConfigError('ORATOR_JWT_KEYS must be a JSON array of {"kid": "...", "secret": "..."}');
    }
    if (!Array.isArray(parsed) || parsed.length === 0) {
      throw new ConfigError('ORATOR_JWT_KEYS must be a non-empty JSON array');
    }
    const keys = parsed.map((entry, index) => {
      const kid = (entry as { kid?: unknown }).kid;
      const secret = (entry as { secret?: unknown }).secret;
      if (typeof kid !== 'string' || kid === '' || typeof secret !== 'string') {
        throw new ConfigError(`ORATOR_JWT_KEYS[${index}] needs a string "kid" and a string "secret"`);
      }
      return { kid, secret: checkJwtSecret(secret, `ORATOR_JWT_KEYS[${index}].secret`) };
    });
    return { keys, generated: false };
  }

  const secret = env.ORATOR_JWT_SECRET;
  if (secret !== undefined && secret !== '') {
    return { keys: [{ kid: 'default', secret: checkJwtSecret(secret, 'ORATOR_JWT_SECRET') }], generated: false };
  }

  return { keys: [{ kid: `generated-${Date.now().toString(36)}`, secret: crypto.getRandomValues(new Uint8Array(32)) }], generated: true };
}

// HS256 wants a key at least as long as its 256-bit output (RFC 7518, section 3.2).
function checkJwtSecret(secret: string, name: string): Uint8Array {
  const bytes = new TextEncoder().encode(secret);
  if (bytes.byteLength < 32) throw new ConfigError(`${name} must be at least 32 bytes long`);
  return bytes;
}

function readTls(env: Env): OratorConfig['tls'] {
  const certPath = env.ORATOR_TLS_CERT;
  const keyPath = env.ORATOR_TLS_KEY;
  if (!certPath && !keyPath) return undefined;
  if (!certPath || !keyPath) throw new ConfigError('set both ORATOR_TLS_CERT and ORATOR_TLS_KEY, or neither');

  try {
    return { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
  } catch (error) {
    throw new ConfigError(`cannot read the TLS certificate or key: ${(error as Error).message}`);
  }
}

function readCorsOrigins(env: Env): true | string[] {
  const raw = env.ORATOR_CORS_ORIGINS?.trim();
  if (!raw || raw === '*') return true;

  const origins = raw
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  for (const origin of origins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin))
      throw new ConfigError(`ORATOR_CORS_ORIGINS entries must look like https://app.example.com, got "${origin}"`);
  }
  return origins;
}

/** Read the configuration from environment variables; throws ConfigError naming the bad variable. */
export function loadConfig(env: Env = process.env): OratorConfig {
  const jwt = readJwtKeys(env);
  const maxSessionMs = readInteger(env, 'ORATOR_MAX_SESSION_S', 3600, 10, 7 * 24 * 3600) * 1000;

  const speechEngine = env.ORATOR_SPEECH_ENGINE ?? 'espeak';
  if (speechEngine !== 'espeak' && speechEngine !== 'test') {
    throw new ConfigError(`ORATOR_SPEECH_ENGINE must be "espeak" or "test", got "${speechEngine}"`);
  }

  return {
    port: readInteger(env, 'PORT', 8080, 0, 65535),
    host: env.HOST || '127.0.0.1',
    publicUrl: env.ORATOR_PUBLIC_URL?.replace(/\/+$/, '') || undefined,
    jwtKeys: jwt.keys,
    jwtKeyGenerated: jwt.generated,
    idleTimeoutMs: readInteger(env, 'ORATOR_IDLE_TIMEOUT_S', 60, 5, 24 * 3600) * 1000,
    maxSessionMs,
    tokenTtlMs: Math.min(readInteger(env, 'ORATOR_TOKEN_TTL_S', 3600, 10, 7 * 24 * 3600) * 1000, maxSessionMs),
    logLevel: env.LOG_LEVEL || 'info',
    redisUrl: env.REDIS_URL || undefined,
    redisKeyPrefix: env.ORATOR_REDIS_PREFIX || 'orator:',
    speechEngine,
    speechWorkers: readInteger(env, 'ORATOR_SPEECH_WORKERS', 2, 1, 64),
    tls: readTls(env),
    corsOrigins: readCorsOrigins(env),
    limits: { ...DEFAULT_LIMITS },
  };
}
