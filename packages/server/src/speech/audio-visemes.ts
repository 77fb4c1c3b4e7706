import type { Viseme, VisemeCue } from '@orator/protocol';
import { fft } from './fft.js';
import { normalizeVisemeCues } from './visemes.js';

/** Analysis hop in ms: one viseme decision per hop. */
const HOP_MS = 20;
/** Analysis window in ms (Hann), longer than the hop so every sample is seen. */
const WINDOW_MS = 32;
/** Frames quieter than this, in dB below the loud frames, are silence. */
const SILENCE_DB_BELOW_PEAK = 30;
/** Absolute silence floor in dBFS, for recordings that are quiet throughout. */
const SILENCE_FLOOR_DBFS = -55;

/** Low-pass frames this many dB below the loud frames are lip closures or nasals. */
const QUIET_CLOSURE_DB = 20;
const QUIET_NASAL_DB = 10;

/** Features of one analysis frame. */
interface Frame {
  /** RMS level in dBFS. */
  db: number;
  /** Zero crossings per sample. */
  zcr: number;
  /** Share of spectral energy in each band of {@link BANDS_HZ}. */
  bands: number[];
}

/**
 * Bands in Hz: F1 of close vowels, F1 of open vowels, F2 of back vowels, F2 of front vowels,
 * and the fricative range.
 */
const BANDS_HZ: ReadonlyArray<readonly [number, number]> = [
  [200, 550],
  [550, 1100],
  [1100, 1800],
  [1800, 3400],
  [3400, 8000],
];

/**
 * Derive visemes from audio when no phonemes are known (say-audio). Each 20 ms frame is classified
 * by its level, zero-crossing rate and band energies. Silence becomes `sil` and a short dip between
 * voiced frames `PP`. Noisy frames become `SS`, `CH` or `FF` by the band of the noise. Voiced frames
 * become `aa` (strong first formant), `O`/`U` (energy below 1100 Hz only), `I`/`E` (strong second
 * formant), or `nn`/`PP` when quiet and low-pass. The labels are then smoothed over three frames.
 *
 * The timeline follows the form of `SynthesisResult.visemes`: first cue at 0, sorted, no two
 * consecutive equal visemes, every start before the audio's end.
 */
export function visemesFromPcm(pcm: Int16Array, sampleRate: number): VisemeCue[] {
  if (!Number.isFinite(sampleRate) || sampleRate < 4000) {
    throw new RangeError(`sampleRate must be at least 4000 Hz, got ${sampleRate}`);
  }

  const durationMs = (pcm.length / sampleRate) * 1000;
  const frames = analyzeFrames(pcm, sampleRate);
  if (frames.length === 0) {
    return [{ viseme: 'sil', startMs: 0 }];
  }

  const labels = smooth(classifyFrames(frames));
  const cues = labels.map((viseme, index) => ({ viseme, startMs: index * HOP_MS }));

  return normalizeVisemeCues(cues, durationMs);
}

function analyzeFrames(pcm: Int16Array, sampleRate: number): Frame[] {
  const hop = Math.max(1, Math.round((sampleRate * HOP_MS) / 1000));
  const windowLength = Math.round((sampleRate * WINDOW_MS) / 1000);
  let fftSize = 1;
  while (fftSize < windowLength) {
    fftSize <<= 1;
  }

  const window = Float64Array.from(
    { length: windowLength },
    (_, index) => 0.5 - 0.5 * Math.cos((2 * Math.PI * index) / (windowLength - 1)),
  );
  const real = new Float64Array(fftSize);
  const imag = new Float64Array(fftSize);
  const frames: Frame[] = [];

  for (let start = 0; start < pcm.length; start += hop) {
    // Center the window on the hop so the label describes the hop's own samples.
    const offset = start + Math.floor(hop / 2) - Math.floor(windowLength / 2);
    let energy = 0;
    let crossings = 0;
    let previous = 0;
    real.fill(0);
    imag.fill(0);

    for (let index = 0; index < windowLength; index++) {
      const position = offset + index;
      const sample = position >= 0 && position < pcm.length ? (pcm[position] as number) / 32768 : 0;
      energy += sample * sample;
      if (index > 0 && sample >= 0 !== previous >= 0) {
        crossings++;
      }
      previous = sample;
      real[index] = sample * (window[index] as number);
    }

    fft(real, imag);

    frames.push({
      db: 10 * Math.log10(energy / windowLength + 1e-12),
      zcr: crossings / windowLength,
      bands: bandShares(real, imag, sampleRate, fftSize),
    });
  }

  return frames;
}

function bandShares(real: Float64Array, imag: Float64Array, sampleRate: number, fftSize: number): number[] {
  const binHz = sampleRate / fftSize;
  const energies = BANDS_HZ.map(([low, high]) => {
    let sum = 0;
    const first = Math.ceil(low / binHz);
    const last = Math.min(fftSize / 2, Math.floor(high / binHz));

    for (let bin = first; bin <= last; bin++) {
      sum += (real[bin] as number) ** 2 + (imag[bin] as number) ** 2;
    }

    return sum;
  });
  const total = energies.reduce((sum, value) => sum + value, 0) + 1e-12;

  return energies.map((value) => value / total);
}

function classifyFrames(frames: readonly Frame[]): Viseme[] {
  // The 95th percentile level stands for "loud speech" and is robust to a few clicks.
  const levels = frames.map((frame) => frame.db).sort((a, b) => a - b);
  const peakDb = levels[Math.floor((levels.length - 1) * 0.95)] as number;
  const silenceDb = Math.max(SILENCE_FLOOR_DBFS, peakDb - SILENCE_DB_BELOW_PEAK);

  return frames.map((frame, index) => {
    if (frame.db < silenceDb) {
      return 'sil';
    }

    const before = frames[index - 1];
    const after = frames[index + 1];
    const isDip = before !== undefined && after !== undefined && frame.db < before.db - 12 && frame.db < after.db - 12;
    if (isDip) {
      return 'PP';
    }

    return classifySound(frame, peakDb);
  });
}

function classifySound(frame: Frame, peakDb: number): Viseme {
  const [closeF1, openF1, backF2, frontF2, noise] = frame.bands as [number, number, number, number, number];

  // Noise-dominated frames are fricatives, and the band of the noise decides which.
  if (frame.zcr > 0.3 || noise > 0.45) {
    if (noise > 0.6) {
      return 'SS';
    }

    return frontF2 > 0.3 ? 'CH' : 'FF';
  }

  // Quiet, low-pass voiced frames are closures (voiced murmur behind closed lips) or nasals and laterals.
  if (closeF1 > 0.5 && frame.db < peakDb - QUIET_CLOSURE_DB) {
    return 'PP';
  }

  if (closeF1 > 0.5 && frame.db < peakDb - QUIET_NASAL_DB) {
    return 'nn';
  }

  if (frontF2 > 0.25) {
    return closeF1 > openF1 ? 'I' : 'E';
  }

  if (openF1 > 0.45) {
    return 'aa';
  }

  if (frontF2 + noise < 0.08 && backF2 < 0.35) {
    return closeF1 > openF1 ? 'U' : 'O';
  }

  return openF1 > closeF1 ? 'aa' : 'E';
}

/** Replace each label that differs from two equal neighbours, removing one-frame flickers. */
function smooth(labels: readonly Viseme[]): Viseme[] {
  return labels.map((label, index) => {
    const before = labels[index - 1];
    const after = labels[index + 1];
    return before !== undefined && before === after && label !== before && label !== 'PP' ? before : label;
  });
}
