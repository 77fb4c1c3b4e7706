/**
 * Lua scripts of the Redis store. Each one runs atomically on the Redis server and touches the keys
 * of one hash-tag slot only: the keys of one session, or one shared key. Turns are stored as JSON
 * (cjson in Redis), with an extra field `len`: the text length in UTF-16 code units, as JavaScript
 * counts it, because Lua counts bytes.
 */

export interface ScriptDefinition {
  numberOfKeys: number;
  lua: string;
}

// Moves a turn id to the finished list and deletes the oldest finished turns past the limit.
// Needs KEYS[1] session, KEYS[2] turns, KEYS[4] finished, KEYS[5] audio ids; takes the audio key prefix and the limit.
const RETIRE_TURN = `
local function retire(id, audioPrefix, maxFinished)
  redis.call('RPUSH', KEYS[4], id)
  while redis.call('LLEN', KEYS[4]) > maxFinished do
    local old = redis.call('LPOP', KEYS[4])
    redis.call('HDEL', KEYS[2], old)
    redis.call('DEL', audioPrefix .. old)
    redis.call('SREM', KEYS[5], old)
  end
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl > 0 then redis.call('PEXPIRE', KEYS[4], ttl) end
end
`;

export const SCRIPTS = {
  /** KEYS: partner's open set. ARGV: session id, its maximum end (ms), now (ms), quota, grace (ms). 1 when reserved. */
  oratorReserveQuota: {
    numberOfKeys: 1,
    lua: `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[1], math.floor(tonumber(last[2])) + tonumber(ARGV[5]))
return 1
`,
  },

  /** KEYS: session. ARGV: expire-at (ms), then field/value pairs. 1 when created, 0 when the id exists. */
  oratorCreateSession: {
    numberOfKeys: 1,
    lua: `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'nextTurn', 0, unpack(ARGV, 2))
redis.call('PEXPIREAT', KEYS[1], ARGV[1])
return 1
`,
  },

  /** KEYS: session. ARGV: time (ms). Returns the new deadline as a string, or nil when not open. */
  oratorTouchSession: {
    numberOfKeys: 1,
    lua: `
local state = redis.call('HGET', KEYS[1], 'state')
if not state or state == 'ended' then return false end
local last = tonumber(redis.call('HGET', KEYS[1], 'lastActivityAt'))
local at = tonumber(ARGV[1])
if at > last then
  last = at
  redis.call('HSET', KEYS[1], 'lastActivityAt', ARGV[1])
end
redis.call('HSET', KEYS[1], 'state', 'active')
local expiresAt = tonumber(redis.call('HGET', KEYS[1], 'expiresAt'))
local idle = tonumber(redis.call('HGET', KEYS[1], 'idleTimeoutMs'))
return string.format('%d', math.min(expiresAt, last + idle))
`,
  },

  /**
   * KEYS: session, turns, pending, finished, audio ids. ARGV: reason, time (ms), audio key prefix, minimum keep (ms).
   * Returns the ended record as HGETALL pairs, or nil when unknown or already ended. The record
   * stays until the token expires so the token gets 410.
   */
  oratorEndSession: {
    numberOfKeys: 5,
    lua: `
local state = redis.call('HGET', KEYS[1], 'state')
if not state or state == 'ended' then return false end
redis.call('HSET', KEYS[1], 'state', 'ended', 'endedAt', ARGV[2], 'endReason', ARGV[1])
for _, id in ipairs(redis.call('SMEMBERS', KEYS[5])) do redis.call('DEL', ARGV[3] .. id) end
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[5])
local tokenExpiresAt = tonumber(redis.call('HGET', KEYS[1], 'tokenExpiresAt'))
redis.call('PEXPIREAT', KEYS[1], math.max(tokenExpiresAt, tonumber(ARGV[2]) + tonumber(ARGV[4])))
return redis.call('HGETALL', KEYS[1])
`,
  },

  /**
   * KEYS: session, turns, pending. ARGV: turn id, kind ('' = text), text, isFinal ('1'/'0'),
   * seq ('' = none), max turn chars, max queued turns, time (ms), chunk length (UTF-16 units).
   * Returns {status, detail?, created?}: the same verdicts as the in-memory store.
   */
  oratorAppendChunk: {
    numberOfKeys: 3,
    lua: `
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return {'session-not-found'} end
if state == 'ended' then return {'session-ended'} end

local turnId, kind, text = ARGV[1], ARGV[2], ARGV[3]
local isFinal = ARGV[4] == '1'
local seq = nil
if ARGV[5] ~= '' then seq = tonumber(ARGV[5]) end
local maxChars, maxTurns, chunkLen = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[9])

local raw = redis.call('HGET', KEYS[2], turnId)
if raw and kind == 'audio' then return {'turn-final'} end

if not raw then
  if seq ~= nil and seq ~= 0 then return {'seq-gap', '0'} end
  if redis.call('LLEN', KEYS[3]) >= maxTurns then return {'queue-full'} end
  if chunkLen > maxChars then return {'turn-too-long'} end

  if kind == '' then kind = 'text' end
  local number = redis.call('HINCRBY', KEYS[1], 'nextTurn', 1)
  local turn = { turnId = turnId, kind = kind, number = number, text = text, chunks = 1, isFinal = isFinal,
    state = 'queued', createdAt = tonumber(ARGV[8]), spokenChars = 0, len = chunkLen }
  local json = cjson.encode(turn)
  redis.call('HSET', KEYS[2], turnId, json)
  redis.call('RPUSH', KEYS[3], turnId)
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl > 0 then
    redis.call('PEXPIRE', KEYS[2], ttl)
    redis.call('PEXPIRE', KEYS[3], ttl)
  end
  return {'appended', json, '1'}
end

local turn = cjson.decode(raw)
if turn.state == 'interrupted' then return {'dropped'} end
if seq ~= nil and seq < turn.chunks then return {'duplicate', raw} end
if turn.isFinal then return {'turn-final'} end
if seq ~= nil and seq > turn.chunks then return {'seq-gap', tostring(turn.chunks)} end
if turn.len + chunkLen > maxChars then return {'turn-too-long'} end

turn.text = turn.text .. text
turn.chunks = turn.chunks + 1
turn.isFinal = isFinal
turn.len = turn.len + chunkLen
local json = cjson.encode(turn)
redis.call('HSET', KEYS[2], turnId, json)
return {'appended', json, '0'}
`,
  },

  /** KEYS: turns, pending. Returns the JSON of queued and speaking turns in order of first arrival. */
  oratorListPending: {
    numberOfKeys: 2,
    lua: `
local ids = redis.call('LRANGE', KEYS[2], 0, -1)
if #ids == 0 then return {} end
return redis.call('HMGET', KEYS[1], unpack(ids))
`,
  },

  /** KEYS: turns. ARGV: turn id. 1 when the turn moved from queued to speaking. */
  oratorStartTurn: {
    numberOfKeys: 1,
    lua: `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local turn = cjson.decode(raw)
if turn.state ~= 'queued' then return 0 end
turn.state = 'speaking'
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(turn))
return 1
`,
  },

  /** KEYS: session, turns, pending, finished, audio ids. ARGV: turn id, 'done'|'lost', spoken chars, audio key prefix, finished turns kept. */
  oratorFinishTurn: {
    numberOfKeys: 5,
    lua: `${RETIRE_TURN}
local raw = redis.call('HGET', KEYS[2], ARGV[1])
if not raw then return 0 end
local turn = cjson.decode(raw)
if turn.state ~= 'speaking' and turn.state ~= 'queued' then return 0 end
turn.state = ARGV[2]
turn.spokenChars = tonumber(ARGV[3])
redis.call('HSET', KEYS[2], ARGV[1], cjson.encode(turn))
redis.call('LREM', KEYS[3], 0, ARGV[1])
retire(ARGV[1], ARGV[4], tonumber(ARGV[5]))
return 1
`,
  },

  /** KEYS: turns. ARGV: turn id, spoken chars; the count only grows. */
  oratorSetSpokenChars: {
    numberOfKeys: 1,
    lua: `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local turn = cjson.decode(raw)
local spoken = tonumber(ARGV[2])
if spoken <= turn.spokenChars then return 0 end
turn.spokenChars = spoken
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(turn))
return 1
`,
  },

  /**
   * KEYS: session, turns, pending, finished, audio ids. ARGV: audio key prefix, finished turns kept.
   * Returns the JSON of the interrupted turns as they were before the interrupt.
   */
  oratorInterruptTurns: {
    numberOfKeys: 5,
    lua: `${RETIRE_TURN}
local ids = redis.call('LRANGE', KEYS[3], 0, -1)
local result = {}
for _, id in ipairs(ids) do
  local raw = redis.call('HGET', KEYS[2], id)
  if raw then
    table.insert(result, raw)
    local turn = cjson.decode(raw)
    turn.state = 'interrupted'
    redis.call('HSET', KEYS[2], id, cjson.encode(turn))
  end
end
redis.call('DEL', KEYS[3])
for _, id in ipairs(ids) do retire(id, ARGV[1], tonumber(ARGV[2])) end
return result
`,
  },

  /** KEYS: session, audio key, audio ids. ARGV: turn id, PCM bytes, TTL (ms). Stores nothing for an unknown or ended session. */
  oratorPutTurnAudio: {
    numberOfKeys: 3,
    lua: `
local state = redis.call('HGET', KEYS[1], 'state')
if not state or state == 'ended' then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
redis.call('SADD', KEYS[3], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then redis.call('PEXPIRE', KEYS[3], ttl) end
return 1
`,
  },

  /** KEYS: revocation keys (one slot). ARGV: until (ms), now (ms). A revocation is only ever extended. */
  oratorRevokeKs: {
    numberOfKeys: 0,
    lua: `
local untilMs = tonumber(ARGV[1])
if untilMs <= tonumber(ARGV[2]) then return 0 end
for _, key in ipairs(KEYS) do
  local current = tonumber(redis.call('GET', key))
  if not current or current < untilMs then
    redis.call('SET', key, ARGV[1])
    redis.call('PEXPIREAT', key, ARGV[1])
  end
end
return 1
`,
  },

  /** KEYS: window. ARGV: window (ms). Returns {count, ms until reset}. */
  oratorHitRateLimit: {
    numberOfKeys: 1,
    lua: `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if count == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`,
  },

  /** KEYS: window. Returns {count, ms until reset}; count 0 when no window is open. */
  oratorPeekRateLimit: {
    numberOfKeys: 1,
    lua: `
local count = tonumber(redis.call('GET', KEYS[1]))
if not count then return {0, 0} end
return {count, redis.call('PTTL', KEYS[1])}
`,
  },

  /** KEYS: lease. ARGV: node id, TTL (ms). 1 when the node now holds the lease (taken or renewed). */
  oratorAcquireLease: {
    numberOfKeys: 1,
    lua: `
local owner = redis.call('GET', KEYS[1])
if owner and owner ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`,
  },

  /** KEYS: lease. ARGV: node id. Deletes the lease only when that node holds it. */
  oratorReleaseLease: {
    numberOfKeys: 1,
    lua: `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`,
  },

  /**
   * KEYS: session, pending, lease. Returns the first pending turn id of an open session that no
   * node holds the speech lease of, or nil.
   */
  oratorOrphanedTurn: {
    numberOfKeys: 3,
    lua: `
local state = redis.call('HGET', KEYS[1], 'state')
if not state or state == 'ended' then return false end
if redis.call('EXISTS', KEYS[3]) == 1 then return false end
return redis.call('LINDEX', KEYS[2], 0)
`,
  },
} satisfies Record<string, ScriptDefinition>;

export type ScriptName = keyof typeof SCRIPTS;
