import type { FastifyBaseLogger } from 'fastify';
import type { SessionStore } from '../store/types.js';
import type { SessionService } from './session-service.js';

// Sessions ended per sweep; the rest wait for the next sweep so one sweep stays short.
const SWEEP_BATCH = 500;

/** Ends sessions past their idle timeout or maximum duration, once per interval. */
export class Sweeper {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly store: SessionStore,
    private readonly sessions: SessionService,
    private readonly log: FastifyBaseLogger,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sweep(), this.intervalMs);
    this.timer.unref();
    this.log.info({ intervalMs: this.intervalMs }, 'session sweeper started');
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  async sweep(now = Date.now()): Promise<number> {
    // Overlapping sweeps would race to end the same sessions; the store makes that harmless, but skip the work.
    if (this.running) return 0;
    this.running = true;

    try {
      const expired = await this.store.listExpiredSessions(now, SWEEP_BATCH);
      for (const session of expired) {
        const reason = now >= session.expiresAt ? 'max_duration' : 'idle_timeout';
        await this.sessions.end(session.id, reason);
      }
      return expired.length;
    } catch (error) {
      this.log.error({ err: error }, 'session sweep failed');
      return 0;
    } finally {
      this.running = false;
    }
  }
}
