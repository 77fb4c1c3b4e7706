/**
 * In-place iterative radix-2 FFT. `real` and `imag` have the same power-of-two length.
 */
export function fft(real: Float64Array, imag: Float64Array): void {
  const size = real.length;
  if (size !== imag.length || (size & (size - 1)) !== 0) {
    throw new RangeError(`FFT size must be a power of two, got ${size}`);
  }

  // Bit-reversal permutation.
  for (let index = 1, reversed = 0; index < size; index++) {
    let bit = size >> 1;
    for (; reversed & bit; bit >>= 1) {
      reversed ^= bit;
    }
    reversed ^= bit;

    if (index < reversed) {
      swap(real, index, reversed);
      swap(imag, index, reversed);
    }
  }

  for (let length = 2; length <= size; length <<= 1) {
    const angle = (-2 * Math.PI) / length;
    const stepReal = Math.cos(angle);
    const stepImag = Math.sin(angle);

    for (let start = 0; start < size; start += length) {
      let twiddleReal = 1;
      let twiddleImag = 0;

      for (let offset = 0; offset < length / 2; offset++) {
        const even = start + offset;
        const odd = even + length / 2;
        const oddReal = (real[odd] as number) * twiddleReal - (imag[odd] as number) * twiddleImag;
        const oddImag = (real[odd] as number) * twiddleImag + (imag[odd] as number) * twiddleReal;

        real[odd] = (real[even] as number) - oddReal;
        imag[odd] = (imag[even] as number) - oddImag;
        real[even] = (real[even] as number) + oddReal;
        imag[even] = (imag[even] as number) + oddImag;

        const nextReal = twiddleReal * stepReal - twiddleImag * stepImag;
        twiddleImag = twiddleReal * stepImag + twiddleImag * stepReal;
        twiddleReal = nextReal;
      }
    }
  }
}

function swap(values: Float64Array, a: number, b: number): void {
  const value = values[a] as number;
  values[a] = values[b] as number;
  values[b] = value;
}
