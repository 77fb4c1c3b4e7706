import type { FastifyBaseLogger } from 'fastify';
import type { InterruptResponse } from '@orator/protocol';
import type { SpeechEngine } from '../speech/index.js';
import type { Metrics } from '../observability/metrics.js';
import type { EventBus } from '../store/bus.js';
import type { SessionStore } from '../store/types.js';
import { SessionSpeaker } from './session-speaker.js';

/** Lifetime of a speech lease, in ms; the holder renews it at a third of that. */
export const SPEECH_LEASE_MS = 6_000;

/**
 * Runs a SessionSpeaker for every session whose speech lease this node holds, and routes control
 * events (new text, interrupt, end) to it.
 */
export class SpeechCoordinator {
  private readonly speakers = new Map<string, { speaker: SessionSpeaker; renewTimer: NodeJS.Timeout }>();
  private readonly starting = new Set<string>();
  private unsubscribe: (() => void) | undefined;
  /** Set by stop(): a stopping node takes no new leases, so another node continues its queues. */
  private stopped = false;

  constructor(
    private readonly nodeId: string,
    private readonly store: SessionStore,
    private readonly bus: EventBus,
    private readonly engine: SpeechEngine,
    private readonly metrics: Metrics,
    private readonly log: FastifyBaseLogger,
  ) {}

  start(): void {
    this.unsubscribe = this.bus.onControl((sessionId, event) => {
      if (event.type === 'turn-updated') void this.ensureSpeaker(sessionId);
      else if (event.type === 'interrupt') this.speakers.get(sessionId)?.speaker.interrupt();
      else if (event.type === 'ended') this.stopSpeaker(sessionId);
    });
  }

  /** Number of sessions this node is speaking for. */
  get activeSpeakers(): number {
    return this.speakers.size;
  }

  /** Tell the speaking node that a turn changed. */
  async turnUpdated(sessionId: string, turnId: string): Promise<void> {
    await this.bus.publishControl(sessionId, { type: 'turn-updated', turnId });
  }

  /**
   * Interrupt a session: mark its turns interrupted in the store, stop the local speaker at once,
   * tell other nodes, and report what was cut.
   */
  async interrupt(sessionId: string): Promise<Omit<InterruptResponse, 'success'>> {
    const local = this.speakers.get(sessionId)?.speaker;
    const progress = local?.progress();

    const result = await this.store.interruptTurns(sessionId);
    local?.interrupt();
    await this.bus.publishControl(sessionId, { type: 'interrupt' });

    const droppedTurnIds = result.dropped.map((turn) => turn.turnId);
    this.bus.publishStream(sessionId, {
      kind: 'message',
      message: { type: 'interrupted', turnId: result.current?.turnId, droppedTurnIds },
    });

    if (!result.current) return { droppedTurnIds };

    const current = result.current;
    // The local speaker's estimate is the most recent one. A turn that was still queued was not heard at all.
    let spokenChars = current.state === 'queued' ? 0 : current.spokenChars;
    if (progress?.turnId === current.turnId) spokenChars = progress.spokenChars;
    this.log.info({ sessionId, turnId: current.turnId, spokenChars, dropped: droppedTurnIds.length }, 'session interrupted');
    return {
      interruptedTurn: {
        turnId: current.turnId,
        spokenText: current.text.slice(0, spokenChars),
        spokenChars,
        totalChars: current.text.length,
      },
      droppedTurnIds,
    };
  }

  /** Return whether this node is speaking the session now. */
  isSpeakingHere(sessionId: string): boolean {
    return this.speakers.has(sessionId);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    for (const sessionId of [...this.speakers.keys()]) this.stopSpeaker(sessionId);
  }

  private async ensureSpeaker(sessionId: string): Promise<void> {
    const existing = this.speakers.get(sessionId);
    if (existing) {
      existing.speaker.notify();
      return;
    }
    if (this.stopped || this.starting.has(sessionId)) return;
    this.starting.add(sessionId);

    try {
      const session = await this.store.getSession(sessionId);
      if (!session || session.state === 'ended') return;
      if (!(await this.store.acquireSpeechLease(sessionId, this.nodeId, SPEECH_LEASE_MS))) return;

      const speaker = new SessionSpeaker(session, this.store, this.bus, this.engine, this.metrics, this.log);
      const renewTimer = setInterval(() => void this.renewLease(sessionId), SPEECH_LEASE_MS / 3);
      renewTimer.unref();
      this.speakers.set(sessionId, { speaker, renewTimer });
      this.log.info({ sessionId, nodeId: this.nodeId }, 'speaker started');

      void speaker
        .run()
        .catch((error: unknown) => this.log.error({ err: error, sessionId }, 'speaker failed'))
        .finally(() => this.onSpeakerExit(sessionId, speaker));
    } catch (error) {
      this.log.error({ err: error, sessionId }, 'cannot start speaker');
    } finally {
      this.starting.delete(sessionId);
    }
  }

  private async renewLease(sessionId: string): Promise<void> {
    const entry = this.speakers.get(sessionId);
    if (!entry) return;

    try {
      if (await this.store.acquireSpeechLease(sessionId, this.nodeId, SPEECH_LEASE_MS)) return;
      this.log.warn({ sessionId, nodeId: this.nodeId }, 'speech lease lost; stopping speaker');
    } catch (error) {
      this.log.error({ err: error, sessionId }, 'speech lease renewal failed; stopping speaker');
    }
    this.stopSpeaker(sessionId);
  }

  private stopSpeaker(sessionId: string): void {
    this.speakers.get(sessionId)?.speaker.stop();
  }

  private onSpeakerExit(sessionId: string, speaker: SessionSpeaker): void {
    const entry = this.speakers.get(sessionId);
    if (entry?.speaker !== speaker) return;

    clearInterval(entry.renewTimer);
    this.speakers.delete(sessionId);
    void this.store
      .releaseSpeechLease(sessionId, this.nodeId)
      .catch((error: unknown) => this.log.error({ err: error, sessionId }, 'speech lease release failed'));
    this.log.info({ sessionId, nodeId: this.nodeId }, 'speaker stopped');

    // A turn may have arrived while the loop was exiting.
    void this.store.listPendingTurns(sessionId).then((turns) => {
      if (turns.length > 0) void this.ensureSpeaker(sessionId);
    });
  }
}
