import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { SCRIPTS, type ScriptName } from './scripts.js';

/** A standalone, Sentinel or Cluster connection; both expose the commands the store uses. */
export type RedisClient = Redis | Cluster;

type ScriptArgument = string | number | Buffer;
export type ScriptRunner = (name: ScriptName, keys: string[], args: ScriptArgument[]) => Promise<unknown>;

/** Register every store script on a client (EVALSHA, falling back to EVAL once per connection). */
export function defineScripts(client: RedisClient): ScriptRunner {
  for (const [name, definition] of Object.entries(SCRIPTS)) {
    const numberOfKeys = definition.numberOfKeys > 0 ? definition.numberOfKeys : undefined;
    client.defineCommand(name, { lua: definition.lua, ...(numberOfKeys === undefined ? {} : { numberOfKeys }) });
  }

  // defineCommand adds methods that ioredis's types do not list.
  const commands = client as unknown as Record<ScriptName, (...args: ScriptArgument[]) => Promise<unknown>>;
  return (name, keys, args) => {
    const fixed = SCRIPTS[name].numberOfKeys;
    if (fixed > 0) {
      if (keys.length !== fixed) throw new RangeError(`script ${name} takes ${fixed} keys, got ${keys.length}`);
      return commands[name](...keys, ...args);
    }
    return commands[name](keys.length, ...keys, ...args);
  };
}

export class RedisUrlError extends Error {
  readonly code = 'REDIS_URL_INVALID';
}

/** Connection target parsed from REDIS_URL. */
export type RedisTarget =
  | { mode: 'standalone'; url: string }
  | { mode: 'sentinel'; sentinels: Array<{ host: string; port: number }>; masterName: string; options: RedisOptions }
  | { mode: 'cluster'; nodes: Array<{ host: string; port: number }>; options: RedisOptions };

/**
 * Parse REDIS_URL. `redis://` and `rediss://` go to ioredis unchanged. Two extra schemes name
 * several hosts: `redis-sentinel://[:password@]host:port,host:port/masterName[/db]` and
 * `redis-cluster://[:password@]host:port,host:port`; `rediss-` variants use TLS.
 */
export function parseRedisUrl(raw: string): RedisTarget {
  const scheme = /^([a-z-]+):\/\//.exec(raw)?.[1];
  if (scheme === 'redis' || scheme === 'rediss') return { mode: 'standalone', url: raw };

  const multi = /^(rediss?)-(sentinel|cluster):\/\/(?:([^@/]*)@)?([^/]+)(?:\/(.*))?$/.exec(raw);
  if (!multi) {
    throw new RedisUrlError('REDIS_URL must start with redis://, rediss://, redis-sentinel:// or redis-cluster:// (see docs/scaling.md)');
  }
  const [, base, kind, credentials, hostList, path] = multi;

  const hosts = hostList!.split(',').map((entry) => parseHostPort(entry, kind === 'sentinel' ? 26379 : 6379));
  const options: RedisOptions = {};
  if (credentials) {
    const colon = credentials.indexOf(':');
    const username = colon < 0 ? credentials : credentials.slice(0, colon);
    const password = colon < 0 ? '' : credentials.slice(colon + 1);
    if (username) options.username = decodeURIComponent(username);
    if (password) options.password = decodeURIComponent(password);
  }
  if (base === 'rediss') options.tls = {};

  if (kind === 'cluster') {
    if (path) throw new RedisUrlError('a redis-cluster:// URL takes no path: Redis Cluster has only database 0');
    return { mode: 'cluster', nodes: hosts, options };
  }

  const [masterName, db] = (path ?? '').split('/');
  if (!masterName)
    throw new RedisUrlError('a redis-sentinel:// URL needs the master name as its path, e.g. redis-sentinel://host:26379/mymaster');
  if (db !== undefined && db !== '') {
    const index = Number(db);
    if (!Number.isInteger(index) || index < 0 || index > 15)
      throw new RedisUrlError(`the database in REDIS_URL must be an integer from 0 to 15, got "${db}"`);
    options.db = index;
  }
  return { mode: 'sentinel', sentinels: hosts, masterName: decodeURIComponent(masterName), options };
}

function parseHostPort(entry: string, defaultPort: number): { host: string; port: number } {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(entry.trim());
  if (!match) throw new RedisUrlError(`invalid host in REDIS_URL: "${entry}"; expected host or host:port`);

  const port = match[2] === undefined ? defaultPort : Number(match[2]);
  if (port < 1 || port > 65535) throw new RedisUrlError(`invalid port in REDIS_URL: "${entry}"`);
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}

/** Return the URL without its credentials, safe for logs and error messages. */
export function describeRedisUrl(raw: string): string {
  return raw.replace(/\/\/[^@/]*@/, '//');
}

// Commands fail after this many reconnection attempts instead of waiting without limit, so an
// HTTP request gets a 500 response while Redis is down rather than hanging.
const MAX_RETRIES_PER_REQUEST = 3;

/** Create a client for the target; it connects when `connect()` is called. */
export function createRedisClient(target: RedisTarget): RedisClient {
  const common: RedisOptions = { lazyConnect: true, maxRetriesPerRequest: MAX_RETRIES_PER_REQUEST };

  switch (target.mode) {
    case 'standalone':
      return new Redis(target.url, common);
    case 'sentinel':
      return new Redis({ ...common, ...target.options, sentinels: target.sentinels, name: target.masterName });
    case 'cluster':
      return new Cluster(target.nodes, { lazyConnect: true, redisOptions: { ...common, ...target.options } });
  }
}
