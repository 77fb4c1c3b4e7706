/**
 * Scripts the browser tests run in the demo page, kept as source strings: functions passed to
 * page.evaluate would go through the TypeScript loader, which may insert helper calls that do not
 * exist in the page.
 */

/** One animation frame as the mouth sampler records it. */
export interface MouthFrame {
  /** performance.now() of the frame, in ms. */
  time: number;
  turnNumber: number | null;
  /** Playback position in the playing turn, in ms. */
  turnMs: number | null;
  viseme: string;
  /** Jaw opening the SDK drew, 0 to 1. */
  mouthOpen: number;
  /** Mean luminance (0 to 1) of the canvas pixels inside the mouth box. */
  luminance: number | null;
  /** RMS level of the audio output, 0 to 1. */
  level: number;
}

/**
 * Start recording, once per animation frame after the SDK has drawn, the SDK's mouth state, the
 * canvas pixels in the mouth box and the audio output level. Results go to `window.__mouthFrames`.
 */
export const START_MOUTH_SAMPLER = `(() => {
  const session = window.oratorDemo.session;
  const sampler = { frames: [], running: true };
  window.__mouthSampler = sampler;
  window.__mouthFrames = sampler.frames;
  const step = () => {
    if (!sampler.running) return;
    const debug = session.debug;
    const canvas = debug.canvas;
    const rect = debug.mouthRect();
    const frames = debug.frames;
    const last = frames.length > 0 ? frames[frames.length - 1] : undefined;
    let luminance = null;
    if (canvas && rect && canvas.width > 0) {
      const scale = canvas.width / canvas.getBoundingClientRect().width;
      const x = Math.max(0, Math.floor(rect.x * scale));
      const y = Math.max(0, Math.floor(rect.y * scale));
      const width = Math.max(1, Math.min(canvas.width - x, Math.ceil(rect.width * scale)));
      const height = Math.max(1, Math.min(canvas.height - y, Math.ceil(rect.height * scale)));
      const data = canvas.getContext('2d').getImageData(x, y, width, height).data;
      let sum = 0;
      for (let i = 0; i < data.length; i += 4) sum += 0.2126 * data[i] + 0.7152 * data[i + 1] + 0.0722 * data[i + 2];
      luminance = sum / (data.length / 4) / 255;
    }
    sampler.frames.push({
      time: performance.now(),
      turnNumber: last && last.turnNumber !== undefined ? last.turnNumber : null,
      turnMs: last && last.turnMs !== undefined ? last.turnMs : null,
      viseme: debug.viseme,
      mouthOpen: debug.mouthOpen,
      luminance,
      level: debug.outputLevel(),
    });
    requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
})()`;

/** Stop the sampler and return its frames. */
export const STOP_MOUTH_SAMPLER = `(() => {
  window.__mouthSampler.running = false;
  return window.__mouthFrames;
})()`;

/** Viseme cues per turn as the SDK received them. */
export const READ_TURNS = `window.oratorDemo.session.debug.turns.map((turn) => ({ turnNumber: turn.turnNumber, turnId: turn.turnId, cues: turn.cues, endMs: turn.endMs }))`;

/** Names of the demo page's event log entries, oldest first. */
export const READ_EVENT_NAMES = `window.oratorDemo.log.map((entry) => entry.name)`;

/** Current RMS level of the SDK's audio output. */
export const READ_OUTPUT_LEVEL = `window.oratorDemo.session.debug.outputLevel()`;

/** True once the SDK loaded the avatar and drew its mouth at least once. */
export const AVATAR_DRAWN = `(() => {
  const session = window.oratorDemo && window.oratorDemo.session;
  return Boolean(session && session.debug.avatar && session.debug.mouthRect());
})()`;
