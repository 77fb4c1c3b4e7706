/**
 * WebAudio playback of the viewer stream's PCM frames with a small jitter buffer, plus the
 * playback clock that lip-sync follows.
 *
 * Each turn gets a time origin on the clock: the time at which its sample 0 plays. Frame
 * `sampleOffset` n plays at origin + n / sampleRate, and viseme cue `startMs` t shows at
 * origin + t / 1000, so mouth and sound stay aligned even when frames arrive in bursts.
 */
import type { Logger } from './logger.js';

/** Lead time between "now" and the start of newly scheduled audio, in seconds: absorbs network jitter. */
export const PLAYBACK_LEAD_SECONDS = 0.12;
/** A frame due sooner than this is late: its turn is shifted later instead of playing a click. */
const MIN_LEAD_SECONDS = 0.02;
/** Turns whose audio ended longer ago than this are forgotten, in seconds. */
const TURN_RETENTION_SECONDS = 5;

interface TurnClock {
  /** Clock time of the turn's sample 0, in seconds. */
  origin: number;
  /** Clock time at which the last scheduled frame ends, in seconds. */
  end: number;
}

export interface AudioPlayerEvents {
  blocked(): void;
  unlocked(): void;
}

type AudioContextConstructor = new (options?: AudioContextOptions) => AudioContext;

function findAudioContext(): AudioContextConstructor | undefined {
  const scope = globalThis as unknown as { AudioContext?: AudioContextConstructor; webkitAudioContext?: AudioContextConstructor };
  return scope.AudioContext ?? scope.webkitAudioContext;
}

const GESTURE_EVENTS = ['pointerdown', 'keydown', 'touchend'] as const;

export class AudioPlayer {
  private context: AudioContext | undefined;
  private output: GainNode | undefined;
  private analyserNode: AnalyserNode | undefined;
  private sampleRate = 22_050;
  private readonly turns = new Map<number, TurnClock>();
  private readonly sources = new Set<AudioBufferSourceNode>();
  /** Clock time at which everything scheduled so far has played. */
  private queueEnd = 0;
  /** Frames of turns up to this number are dropped: they belong to an interrupted turn. */
  private droppedThrough = -1;
  private blocked = false;
  private gestureListening = false;
  private closed = false;
  /** Clock of the turn origins: true for the audio clock. Origins are reset when it changes. */
  private clockIsAudio = false;

  constructor(
    private readonly logger: Logger,
    private readonly events: AudioPlayerEvents,
  ) {}

  /** Create the AudioContext if needed and try to start it. Call it from a user gesture when possible. */
  ensureContext(): void {
    if (this.closed || this.context) return;

    const Context = findAudioContext();
    if (!Context) {
      this.logger.warn('Web Audio is not available; the avatar will move its mouth without sound');
      return;
    }

    // Let the browser pick its native rate: buffers are created at the stream's rate and WebAudio resamples.
    this.context = new Context({ latencyHint: 'interactive' });
    this.output = this.context.createGain();
    this.analyserNode = this.context.createAnalyser();
    this.analyserNode.fftSize = 2048;
    this.output.connect(this.analyserNode);
    this.analyserNode.connect(this.context.destination);
    this.context.onstatechange = () => this.onContextState();

    void this.context.resume().catch(() => undefined);
    // resume() stays pending while autoplay is blocked, so check the state on the next task.
    setTimeout(() => this.onContextState(), 0);
  }

  setSampleRate(rate: number): void {
    if (Number.isFinite(rate) && rate >= 3000 && rate <= 192_000) this.sampleRate = rate;
  }

  get analyser(): AnalyserNode | undefined {
    return this.analyserNode;
  }

  get audioContext(): AudioContext | undefined {
    return this.context;
  }

  get isBlocked(): boolean {
    return this.blocked;
  }

  /** Returns the playback clock in seconds: the audio clock when audio runs, otherwise a wall clock so lip-sync still moves. */
  now(): number {
    const running = this.context?.state === 'running';
    if (running !== this.clockIsAudio) {
      // Origins measured on the other clock mean nothing on this one; the next frame of each turn re-anchors it.
      this.clockIsAudio = running;
      this.turns.clear();
      this.queueEnd = 0;
    }
    return running && this.context ? this.context.currentTime : performance.now() / 1000;
  }

  /** Schedule one frame of a turn. `pcm` is signed 16-bit mono at the stream's sample rate. */
  enqueue(turnNumber: number, sampleOffset: number, pcm: Int16Array): void {
    if (this.closed || turnNumber <= this.droppedThrough || pcm.length === 0) return;

    const now = this.now();
    const offsetSeconds = sampleOffset / this.sampleRate;
    const durationSeconds = pcm.length / this.sampleRate;

    let turn = this.turns.get(turnNumber);
    if (!turn) {
      // A new turn starts after everything already queued, so consecutive turns never overlap.
      const start = Math.max(now + PLAYBACK_LEAD_SECONDS, this.queueEnd);
      turn = { origin: start - offsetSeconds, end: start };
      this.turns.set(turnNumber, turn);
    }

    let when = turn.origin + offsetSeconds;
    if (when < now + MIN_LEAD_SECONDS) {
      // Underrun: the frame came too late. Shift the whole turn so audio and visemes stay together.
      const shift = now + PLAYBACK_LEAD_SECONDS - when;
      turn.origin += shift;
      when += shift;
      this.logger.debug(`audio underrun in turn ${turnNumber}: shifted by ${Math.round(shift * 1000)} ms`);
    }

    turn.end = Math.max(turn.end, when + durationSeconds);
    this.queueEnd = Math.max(this.queueEnd, turn.end);
    this.schedule(pcm, when);
    this.forgetOldTurns(now);
  }

  private schedule(pcm: Int16Array, when: number): void {
    const context = this.context;
    if (!context || !this.output || context.state !== 'running') return;

    const buffer = context.createBuffer(1, pcm.length, this.sampleRate);
    const channel = buffer.getChannelData(0);
    for (let i = 0; i < pcm.length; i++) channel[i] = (pcm[i] as number) / 32768;

    const source = context.createBufferSource();
    source.buffer = buffer;
    source.connect(this.output);
    source.onended = () => {
      this.sources.delete(source);
      source.disconnect();
    };
    this.sources.add(source);
    source.start(when);
  }

  private forgetOldTurns(now: number): void {
    for (const [number, turn] of this.turns) {
      if (turn.end < now - TURN_RETENTION_SECONDS) this.turns.delete(number);
    }
  }

  /** Finds the turn whose audio is at the playback position now, with the position in ms from its start. */
  playingTurn(): { turnNumber: number; ms: number; now: number } | undefined {
    const now = this.now();
    let best: { turnNumber: number; origin: number } | undefined;
    for (const [turnNumber, turn] of this.turns) {
      // Keep a turn for a short tail after its end so the mouth can ease shut.
      if (turn.origin <= now && now <= turn.end + 0.3 && (!best || turn.origin > best.origin)) {
        best = { turnNumber, origin: turn.origin };
      }
    }
    return best ? { turnNumber: best.turnNumber, ms: (now - best.origin) * 1000, now } : undefined;
  }

  /** Seconds of scheduled audio still to play. */
  remainingSeconds(): number {
    return Math.max(0, this.queueEnd - this.now());
  }

  /** Accept frames of `turnNumber` again; a `turn-start` means the turn is new even if its number was dropped before. */
  allowTurn(turnNumber: number): void {
    if (turnNumber <= this.droppedThrough) this.droppedThrough = turnNumber - 1;
  }

  /** Stop every scheduled source at once and drop later frames of turns up to `throughTurn`. */
  stopAll(throughTurn?: number): void {
    for (const source of this.sources) {
      try {
        source.stop();
      } catch {
        // A source that has not started or already stopped throws InvalidStateError in some browsers.
      }
      source.disconnect();
    }
    this.sources.clear();

    if (throughTurn !== undefined) this.droppedThrough = Math.max(this.droppedThrough, throughTurn);
    else for (const number of this.turns.keys()) this.droppedThrough = Math.max(this.droppedThrough, number);
    this.turns.clear();
    this.queueEnd = 0;
  }

  private onContextState(): void {
    const state = this.context?.state as string | undefined;
    if (state === 'running') {
      if (this.blocked) {
        this.blocked = false;
        this.removeGestureListeners();
        this.events.unlocked();
      }
      return;
    }

    // Safari reports "interrupted" (phone call, other tab playing); it needs a gesture too.
    if ((state === 'suspended' || state === 'interrupted') && !this.blocked && !this.closed) {
      this.blocked = true;
      this.addGestureListeners();
      this.events.blocked();
    }
  }

  private readonly onGesture = (): void => {
    const context = this.context;
    if (!context) return;

    // iOS Safari unlocks output only for a sound started inside the gesture, so play one silent sample.
    try {
      const silent = context.createBuffer(1, 1, this.sampleRate);
      const source = context.createBufferSource();
      source.buffer = silent;
      source.connect(context.destination);
      source.start();
    } catch {
      // Not needed where resume() alone works.
    }
    void context.resume().then(
      () => this.onContextState(),
      (error: unknown) => this.logger.warn('could not resume audio', error),
    );
  };

  private addGestureListeners(): void {
    if (this.gestureListening || typeof document === 'undefined') return;
    this.gestureListening = true;
    for (const event of GESTURE_EVENTS) document.addEventListener(event, this.onGesture, { capture: true, passive: true });
  }

  private removeGestureListeners(): void {
    if (!this.gestureListening || typeof document === 'undefined') return;
    this.gestureListening = false;
    for (const event of GESTURE_EVENTS) document.removeEventListener(event, this.onGesture, { capture: true });
  }

  /** Try to start audio now; call from a click handler. Resolves true when audio runs. */
  async unlock(): Promise<boolean> {
    this.ensureContext();
    if (!this.context) return false;
    this.onGesture();
    await this.context.resume().catch(() => undefined);
    this.onContextState();
    return this.context.state === 'running';
  }

  close(): void {
    if (this.closed) return;
    this.stopAll();
    this.closed = true;
    this.removeGestureListeners();
    if (this.context) {
      this.context.onstatechange = null;
      void this.context.close().catch(() => undefined);
    }
    this.context = undefined;
    this.output = undefined;
    this.analyserNode = undefined;
  }
}
