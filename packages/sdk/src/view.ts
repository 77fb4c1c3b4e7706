/**
 * Everything the session shows and plays while attached: audio player, viseme timelines,
 * idle animation, canvas renderer and the requestAnimationFrame loop that ties them together.
 */
import {
  DEFAULT_MOUTH_SHAPES,
  NEUTRAL_POSE,
  parseAvatarDefinition,
  type AnyAvatarDefinition,
  type MouthShape,
  type SceneRect,
  type ServerMessage,
  type Viseme,
  type VisemeCue,
} from '@orator/protocol';
import { AudioPlayer } from './audio.js';
import type { AvatarSessionEvents } from './events.js';
import type { ApiClient } from './http.js';
import { IdleAnimator } from './idle.js';
import { TurnTimeline, sampleMouth, type MouthSample } from './lipsync.js';
import type { Logger } from './logger.js';
import { AvatarCanvas } from './renderer.js';

/** Frames kept for the debug API: about 10 s at 60 frames per second. */
const DEBUG_FRAMES = 600;
const SILENT: MouthSample = { viseme: 'sil', previous: 'sil', weight: 1, shape: DEFAULT_MOUTH_SHAPES.sil };

export type Emit = <K extends keyof AvatarSessionEvents>(event: K, ...args: AvatarSessionEvents[K]) => void;

export interface AvatarViewOptions {
  container: HTMLElement;
  render: boolean;
  baseUrl: string;
  api: ApiClient;
  logger: Logger;
  emit: Emit;
}

/** One animation frame as recorded for tests. */
export interface DebugFrame {
  /** performance.now() of the frame, in ms. */
  time: number;
  /** Playback clock, in seconds. */
  audioTime: number;
  turnNumber: number | undefined;
  turnMs: number | undefined;
  viseme: Viseme;
  /** Jaw opening of the drawn mouth, 0 to 1. */
  mouthOpen: number;
}

/** Debug and test hooks, reached through `session.debug`. */
export interface AvatarSessionDebug {
  readonly analyser: AnalyserNode | null;
  readonly audioContext: AudioContext | null;
  readonly canvas: HTMLCanvasElement | null;
  readonly avatar: AnyAvatarDefinition | null;
  readonly audioBlocked: boolean;
  /** Viseme drawn in the last frame. */
  readonly viseme: Viseme;
  /** Jaw opening drawn in the last frame, 0 to 1. */
  readonly mouthOpen: number;
  /** The last frames, oldest first. */
  readonly frames: readonly DebugFrame[];
  /** Viseme cues received per turn. */
  readonly turns: ReadonlyArray<{ turnId: string; turnNumber: number; cues: readonly VisemeCue[]; endMs: number | undefined }>;
  /** Mouth box in CSS pixels relative to the canvas, as drawn in the last frame. */
  mouthRect(): SceneRect | null;
  /** RMS level of the audio output right now, 0 to 1. */
  outputLevel(): number;
}

const EMPTY_DEBUG: AvatarSessionDebug = Object.freeze({
  analyser: null,
  audioContext: null,
  canvas: null,
  avatar: null,
  audioBlocked: false,
  viseme: 'sil',
  mouthOpen: 0,
  frames: [],
  turns: [],
  mouthRect: () => null,
  outputLevel: () => 0,
});

export class AvatarView {
  private readonly audio: AudioPlayer;
  private readonly renderer: AvatarCanvas | undefined;
  private readonly idle = new IdleAnimator();
  private readonly timelines = new Map<number, TurnTimeline>();
  private avatar: AnyAvatarDefinition | undefined;
  private loadingAvatarId: string | undefined;
  private frameHandle: number | undefined;
  private running = true;
  private lastSample: MouthSample = SILENT;
  private lastVisemeKey = '';
  private readonly frames: DebugFrame[] = [];
  private speakingTurn: string | undefined;
  private speakingEndTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: AvatarViewOptions) {
    this.audio = new AudioPlayer(options.logger, {
      blocked: () => {
        options.logger.info('audio is blocked until the user interacts with the page');
        options.emit('audioBlocked');
      },
      unlocked: () => options.emit('audioUnlocked'),
    });
    this.audio.ensureContext();
    if (options.render) this.renderer = new AvatarCanvas(options.container);
    this.scheduleFrame();
  }

  static debugOf(view: AvatarView | undefined): AvatarSessionDebug {
    return view ? view.debugApi() : EMPTY_DEBUG;
  }

  /** Fetch the avatar definition (public, no auth) and show it. Failures fall back to the placeholder. */
  loadAvatar(avatarId: string): void {
    if (this.avatar?.id === avatarId || this.loadingAvatarId === avatarId) return;
    this.loadingAvatarId = avatarId;
    const id = encodeURIComponent(avatarId);

    void (async () => {
      try {
        const json = await this.options.api.getJson<unknown>(`/v1/avatars/${id}.json`, `load avatar ${avatarId}`);
        const def = parseAvatarDefinition(json);
        await this.renderer?.setAvatar(def, `${this.options.baseUrl}/v1/avatars/${id}/`);
        if (this.loadingAvatarId === avatarId) this.avatar = def;
      } catch (error) {
        this.options.logger.warn(`avatar ${avatarId} could not be loaded`, error);
        this.options.emit('error', {
          message: `avatar ${avatarId} could not be loaded: ${error instanceof Error ? error.message : String(error)}`,
          code: 'AVATAR_LOAD_FAILED',
        });
      } finally {
        if (this.loadingAvatarId === avatarId) this.loadingAvatarId = undefined;
      }
    })();
  }

  handleMessage(message: ServerMessage): void {
    switch (message.type) {
      case 'ready':
        this.audio.setSampleRate(message.audio.sampleRate);
        if (message.avatarId) this.loadAvatar(message.avatarId);
        if (!message.speaking && this.speakingTurn !== undefined) this.endSpeaking(0);
        break;
      case 'turn-start':
        this.audio.allowTurn(message.turnNumber);
        this.timeline(message.turnId, message.turnNumber);
        this.options.emit('turnStart', { turnId: message.turnId, turnNumber: message.turnNumber });
        break;
      case 'segment':
        this.timeline(message.turnId, message.turnNumber).addSegment(message);
        break;
      case 'turn-end':
        this.timeline(message.turnId, message.turnNumber).durationMs = message.durationMs;
        if (message.reason === 'interrupted') this.audio.stopAll(message.turnNumber);
        this.options.emit('turnEnd', {
          turnId: message.turnId,
          turnNumber: message.turnNumber,
          reason: message.reason,
          durationMs: message.durationMs,
        });
        break;
      case 'interrupted':
        this.stopSpeech();
        break;
      case 'speaking-start':
        clearTimeout(this.speakingEndTimer);
        if (this.speakingTurn === undefined) this.options.emit('speakingStart', { turnId: message.turnId });
        this.speakingTurn = message.turnId;
        break;
      case 'speaking-end':
        // The server finished sending; the listener hears the end once the buffered audio has played.
        this.endSpeaking(this.audio.remainingSeconds() * 1000);
        break;
      case 'error':
        this.options.logger.warn(`viewer stream error ${message.code}: ${message.message}`);
        this.options.emit('error', { message: message.message, code: message.code });
        break;
      case 'heartbeat':
      case 'session-ended':
        break;
    }
  }

  handleAudio(turnNumber: number, sampleOffset: number, pcm: Int16Array): void {
    this.audio.enqueue(turnNumber, sampleOffset, pcm);
  }

  /** Cut all speech now: scheduled audio stops and the mouth closes. */
  stopSpeech(): void {
    this.audio.stopAll();
    this.timelines.clear();
    this.endSpeaking(0);
  }

  unlockAudio(): Promise<boolean> {
    return this.audio.unlock();
  }

  private endSpeaking(delayMs: number): void {
    clearTimeout(this.speakingEndTimer);
    if (this.speakingTurn === undefined) return;
    const fire = (): void => {
      const turnId = this.speakingTurn;
      this.speakingTurn = undefined;
      this.options.emit('speakingEnd', { turnId });
    };
    if (delayMs <= 0) fire();
    else this.speakingEndTimer = setTimeout(fire, delayMs);
  }

  private timeline(turnId: string, turnNumber: number): TurnTimeline {
    let timeline = this.timelines.get(turnNumber);
    if (!timeline) {
      timeline = new TurnTimeline(turnId, turnNumber);
      this.timelines.set(turnNumber, timeline);
      // Old turns are only needed while their audio plays; keep the last few.
      for (const key of [...this.timelines.keys()].sort((a, b) => a - b).slice(0, -8)) this.timelines.delete(key);
    }
    return timeline;
  }

  private mouthShapes(): Readonly<Record<Viseme, MouthShape>> {
    return this.avatar?.kind === 'vector' ? this.avatar.mouthShapes : DEFAULT_MOUTH_SHAPES;
  }

  private scheduleFrame(): void {
    if (!this.running) return;
    if (typeof requestAnimationFrame === 'function') this.frameHandle = requestAnimationFrame(() => this.frame());
    else this.frameHandle = setTimeout(() => this.frame(), 16) as unknown as number;
  }

  /** Draws one animation frame. The mouth follows the playback clock, never the arrival time of messages. */
  private frame(): void {
    if (!this.running) return;

    const playing = this.audio.playingTurn();
    const timeline = playing ? this.timelines.get(playing.turnNumber) : undefined;
    const sample = playing && timeline ? sampleMouth(timeline.cues, playing.ms, this.mouthShapes(), timeline.endMs) : SILENT;
    this.lastSample = sample;

    const wallSeconds = performance.now() / 1000;
    const pose = this.idle.pose(
      wallSeconds,
      sample.viseme !== 'sil' || (playing !== undefined && this.speakingTurn !== undefined),
      sample.shape,
    );
    this.renderer?.draw(pose, sample);

    const audioTime = playing?.now ?? this.audio.now();
    const key = `${timeline?.turnNumber ?? -1}:${sample.viseme}`;
    if (key !== this.lastVisemeKey) {
      this.lastVisemeKey = key;
      this.options.emit('viseme', { viseme: sample.viseme, mouth: sample.shape, turnId: timeline?.turnId, turnMs: playing?.ms, audioTime });
    }

    this.frames.push({
      time: wallSeconds * 1000,
      audioTime,
      turnNumber: playing?.turnNumber,
      turnMs: playing?.ms,
      viseme: sample.viseme,
      mouthOpen: sample.shape.jawOpen,
    });
    if (this.frames.length > DEBUG_FRAMES) this.frames.splice(0, this.frames.length - DEBUG_FRAMES);

    this.scheduleFrame();
  }

  private stopLoop(): void {
    this.running = false;
    if (this.frameHandle === undefined) return;
    if (typeof cancelAnimationFrame === 'function') cancelAnimationFrame(this.frameHandle);
    clearTimeout(this.frameHandle);
    this.frameHandle = undefined;
  }

  /** Session ended: stop sound and animation, leave the neutral face on the canvas. */
  end(): void {
    this.stopLoop();
    clearTimeout(this.speakingEndTimer);
    this.endSpeaking(0);
    this.audio.close();
    this.renderer?.draw({ ...NEUTRAL_POSE }, SILENT);
  }

  /** Detach: like end, and the canvas is removed from the container. */
  destroy(): void {
    this.end();
    this.renderer?.destroy();
  }

  private debugApi(): AvatarSessionDebug {
    // The getters below run with `this` bound to the returned object, so they reach the view by name.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const view = this;
    return {
      get analyser() {
        return view.audio.analyser ?? null;
      },
      get audioContext() {
        return view.audio.audioContext ?? null;
      },
      get canvas() {
        return view.renderer?.canvas ?? null;
      },
      get avatar() {
        return view.avatar ?? null;
      },
      get audioBlocked() {
        return view.audio.isBlocked;
      },
      get viseme() {
        return view.lastSample.viseme;
      },
      get mouthOpen() {
        return view.lastSample.shape.jawOpen;
      },
      get frames() {
        return [...view.frames];
      },
      get turns() {
        return [...view.timelines.values()].map((t) => ({ turnId: t.turnId, turnNumber: t.turnNumber, cues: [...t.cues], endMs: t.endMs }));
      },
      mouthRect: () => view.renderer?.mouthRect() ?? null,
      outputLevel: () => {
        const analyser = view.audio.analyser;
        if (!analyser) return 0;
        const data = new Float32Array(analyser.fftSize);
        analyser.getFloatTimeDomainData(data);
        let sum = 0;
        for (const value of data) sum += value * value;
        return Math.sqrt(sum / data.length);
      },
    };
  }
}
