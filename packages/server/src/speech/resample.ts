/** Zero crossings of the windowed sinc on each side of a sample. */
const HALF_TAPS = 8;

/**
 * Resample mono float audio with a Blackman-windowed sinc filter. When downsampling, the filter's
 * cutoff moves to the new Nyquist frequency so high frequencies do not alias.
 */
export function resample(input: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (fromRate === toRate || input.length === 0) {
    return input.slice();
  }

  const ratio = toRate / fromRate;
  const cutoff = Math.min(1, ratio);
  const outputLength = Math.max(1, Math.round(input.length * ratio));
  const output = new Float32Array(outputLength);
  const reach = HALF_TAPS / cutoff;

  for (let index = 0; index < outputLength; index++) {
    const center = index / ratio;
    const first = Math.max(0, Math.ceil(center - reach));
    const last = Math.min(input.length - 1, Math.floor(center + reach));
    let sum = 0;
    let weightSum = 0;

    for (let tap = first; tap <= last; tap++) {
      const distance = tap - center;
      const weight = cutoff * sinc(cutoff * distance) * blackman(distance / reach);
      sum += (input[tap] as number) * weight;
      weightSum += weight;
    }

    // Normalising by the weight sum keeps the gain at 1 near the edges of the signal.
    output[index] = weightSum === 0 ? 0 : sum / weightSum;
  }

  return output;
}

function sinc(x: number): number {
  if (x === 0) {
    return 1;
  }

  const y = Math.PI * x;
  return Math.sin(y) / y;
}

/** Blackman window over [-1, 1]. */
function blackman(x: number): number {
  if (x <= -1 || x >= 1) {
    return 0;
  }

  const phase = Math.PI * (x + 1);
  return 0.42 - 0.5 * Math.cos(phase) + 0.08 * Math.cos(2 * phase);
}

/**
 * Convert float samples to 16-bit PCM. The scale is 32768, the divisor the decoders use, so 16-bit
 * input comes back unchanged. Values beyond the range clip.
 */
export function floatToInt16(samples: Float32Array): Int16Array {
  const pcm = new Int16Array(samples.length);

  for (let index = 0; index < samples.length; index++) {
    pcm[index] = Math.max(-32768, Math.min(32767, Math.round((samples[index] as number) * 32768)));
  }

  return pcm;
}
