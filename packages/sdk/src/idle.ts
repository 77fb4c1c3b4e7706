/**
 * Idle life for the avatar: blinks, breathing, slow head sway and eye movement, plus nods and brow
 * raises while speaking. Deterministic for a given random source, so tests can replay it.
 */
import { NEUTRAL_POSE, type AvatarPose, type MouthShape } from '@orator/protocol';
import { smoothstep } from './lipsync.js';

const BLINK_SECONDS = 0.16;
const BREATH_PERIOD_SECONDS = 4.2;
/** Rate at which the speaking level follows speech, per second. */
const SPEAKING_RATE = 4;

interface Gesture {
  kind: 'nod' | 'brow';
  start: number;
  duration: number;
}

export class IdleAnimator {
  private nextBlink: number;
  private nextGaze: number;
  private nextGesture = 0;
  private gazeFrom = { x: 0, y: 0 };
  private gazeTo = { x: 0, y: 0 };
  private gazeStart = 0;
  private gesture: Gesture | undefined;
  private speaking = 0;
  private lastTime: number | undefined;

  constructor(private readonly random: () => number = Math.random) {
    this.nextBlink = 1 + random() * 3;
    this.nextGaze = 1 + random() * 2;
  }

  /**
   * Pose at `time` (seconds, any monotonic clock). `isSpeaking` drives the gestures; `mouth`
   * comes from the lip-sync timeline.
   */
  pose(time: number, isSpeaking: boolean, mouth: MouthShape): AvatarPose {
    const dt = this.lastTime === undefined ? 0 : Math.min(0.25, Math.max(0, time - this.lastTime));
    this.lastTime = time;
    this.speaking += ((isSpeaking ? 1 : 0) - this.speaking) * Math.min(1, dt * SPEAKING_RATE);

    return {
      ...NEUTRAL_POSE,
      mouth,
      blink: this.blink(time),
      ...this.gaze(time),
      ...this.head(time),
      browRaise: this.browRaise(time),
      breathe: Math.sin((2 * Math.PI * time) / BREATH_PERIOD_SECONDS) * 1.6,
    };
  }

  private blink(time: number): number {
    if (time >= this.nextBlink + BLINK_SECONDS) {
      // People blink every 2 to 6 s; sometimes twice in a row.
      this.nextBlink = time + (this.random() < 0.15 ? 0.25 : 2 + this.random() * 4);
    }
    const t = (time - this.nextBlink) / BLINK_SECONDS;
    if (t < 0 || t > 1) return 0;
    return t < 0.4 ? t / 0.4 : 1 - (t - 0.4) / 0.6;
  }

  private gaze(time: number): { gazeX: number; gazeY: number } {
    if (time >= this.nextGaze) {
      const current = this.gaze0(time);
      this.gazeFrom = current;
      // While speaking the eyes stay closer to the viewer.
      const range = 1 - 0.6 * this.speaking;
      this.gazeTo = this.random() < 0.4 ? { x: 0, y: 0 } : { x: (this.random() * 2 - 1) * range, y: (this.random() * 2 - 1) * 0.5 * range };
      this.gazeStart = time;
      this.nextGaze = time + 0.8 + this.random() * 2.5;
    }
    const g = this.gaze0(time);
    return { gazeX: g.x, gazeY: g.y };
  }

  private gaze0(time: number): { x: number; y: number } {
    const k = smoothstep((time - this.gazeStart) / 0.12);
    return { x: this.gazeFrom.x + (this.gazeTo.x - this.gazeFrom.x) * k, y: this.gazeFrom.y + (this.gazeTo.y - this.gazeFrom.y) * k };
  }

  private currentGesture(time: number): { gesture: Gesture; progress: number } | undefined {
    if (this.speaking > 0.5 && time >= this.nextGesture) {
      this.gesture = { kind: this.random() < 0.6 ? 'nod' : 'brow', start: time, duration: 0.45 + this.random() * 0.3 };
      this.nextGesture = time + 1.2 + this.random() * 2;
    }
    const g = this.gesture;
    if (!g) return undefined;
    const progress = (time - g.start) / g.duration;
    if (progress < 0 || progress > 1) return undefined;
    return { gesture: g, progress };
  }

  private head(time: number): { headX: number; headY: number; headTilt: number } {
    // Incommensurate periods keep the sway from looking like a loop.
    const swayX = Math.sin(time * 0.83) * 2.2 + Math.sin(time * 0.37 + 1.3) * 1.4;
    const tilt = Math.sin(time * 0.51 + 0.7) * 1.2 + Math.sin(time * 0.23) * 0.8;
    let nod = 0;
    const active = this.currentGesture(time);
    if (active?.gesture.kind === 'nod') nod = Math.sin(Math.PI * active.progress) * 5;
    const talk = this.speaking * Math.sin(time * 7.3) * 0.8;
    return { headX: swayX * (1 + this.speaking * 0.5), headY: nod + talk, headTilt: tilt * (1 + this.speaking * 0.6) };
  }

  private browRaise(time: number): number {
    const active = this.currentGesture(time);
    if (active?.gesture.kind !== 'brow') return 0;
    return Math.sin(Math.PI * active.progress);
  }
}
