/**
 * Names of every Redis key and channel Orator uses. Keys of one session carry the hash tag
 * `{sessionId}`, so a Redis Cluster keeps them in one slot and one Lua script may touch them all.
 * Keys shared by many sessions (the deadline index, a partner's open sessions, revocations) each
 * live in their own slot and are only changed by scripts that touch that one key.
 */
export class RedisKeys {
  constructor(readonly prefix: string) {
    if (/[{}]/.test(prefix)) throw new RangeError(`the Redis key prefix must not contain "{" or "}", got "${prefix}"`);
  }

  /** Hash of the session record, plus the counter `nextTurn`. */
  session(sessionId: string): string {
    return `${this.prefix}s:{${sessionId}}`;
  }

  /** Hash: turn id to the turn as JSON. */
  turns(sessionId: string): string {
    return `${this.session(sessionId)}:turns`;
  }

  /** List of ids of queued and speaking turns, in order of first arrival. */
  pending(sessionId: string): string {
    return `${this.session(sessionId)}:pending`;
  }

  /** List of ids of finished turns, oldest first, kept so late chunks of them are recognised. */
  finished(sessionId: string): string {
    return `${this.session(sessionId)}:finished`;
  }

  /** String: the id of the node that speaks the session, with a TTL. */
  lease(sessionId: string): string {
    return `${this.session(sessionId)}:lease`;
  }

  /** Set of the turn ids that have an audio key, so ending the session can delete them all. */
  audioIds(sessionId: string): string {
    return `${this.session(sessionId)}:audio-ids`;
  }

  /** Prefix of the binary PCM keys of audio turns; the turn id follows. */
  audioPrefix(sessionId: string): string {
    return `${this.session(sessionId)}:audio:`;
  }

  audio(sessionId: string, turnId: string): string {
    return `${this.audioPrefix(sessionId)}${turnId}`;
  }

  /** Sorted set of open session ids scored by the time each one should end (idle or maximum). */
  deadlines(): string {
    return `${this.prefix}deadlines`;
  }

  /** Sorted set of one partner's open session ids scored by their maximum end time. */
  partnerOpen(partnerId: number): string {
    return `${this.prefix}partner:{${partnerId}}:open`;
  }

  /** Return the key of a revoked KS identity. All revocations share the slot `{ksrev}`, so one MGET reads several. */
  revokedKs(key: string): string {
    return `${this.prefix}ksrev:{ksrev}:${key}`;
  }

  rateWindow(key: string): string {
    return `${this.prefix}rl:${key}`;
  }

  /** Pub/sub channel of one session's control events. */
  controlChannel(sessionId: string): string {
    return `${this.prefix}ctl:${sessionId}`;
  }

  /** Pattern matching every control channel; glob characters of the prefix are escaped. */
  controlPattern(): string {
    return `${this.prefix.replace(/[*?[\]\\]/g, '\\$&')}ctl:*`;
  }

  /** Session id of a control channel name, or undefined for another channel. */
  sessionOfControlChannel(channel: string): string | undefined {
    const head = `${this.prefix}ctl:`;
    return channel.startsWith(head) ? channel.slice(head.length) : undefined;
  }

  /** Pub/sub channel of one session's viewer stream. */
  streamChannel(sessionId: string): string {
    return `${this.prefix}stream:${sessionId}`;
  }
}
