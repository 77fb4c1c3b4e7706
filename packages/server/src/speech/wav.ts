import { AudioDecodeError } from './errors.js';

/** Encode 16-bit mono PCM as a WAV file (RIFF, PCM format 1). */
export function encodeWav(pcm: Int16Array, sampleRate: number): Uint8Array {
  const dataBytes = pcm.length * 2;
  const bytes = new Uint8Array(44 + dataBytes);
  const view = new DataView(bytes.buffer);

  writeAscii(bytes, 0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  writeAscii(bytes, 8, 'WAVE');
  writeAscii(bytes, 12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  writeAscii(bytes, 36, 'data');
  view.setUint32(40, dataBytes, true);

  for (let index = 0; index < pcm.length; index++) {
    view.setInt16(44 + index * 2, pcm[index] as number, true);
  }

  return bytes;
}

/** Header facts of a WAV file and where its samples are. */
export interface WavInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** 1 for integer PCM, 3 for IEEE float. */
  format: 1 | 3;
  dataOffset: number;
  /** Bytes of sample data actually present (a streaming writer may leave the declared size wrong). */
  dataBytes: number;
  frames: number;
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_IEEE_FLOAT = 3;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

export function isWav(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && readAscii(bytes, 0, 4) === 'RIFF' && readAscii(bytes, 8, 4) === 'WAVE';
}

/** Read the `fmt ` and `data` chunks of a RIFF/WAVE file. Raises AudioDecodeError. */
export function readWavInfo(bytes: Uint8Array): WavInfo {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 12;
  let fmt: Omit<WavInfo, 'dataOffset' | 'dataBytes' | 'frames'> | undefined;

  while (offset + 8 <= bytes.length) {
    const id = readAscii(bytes, offset, 4);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;

    if (id === 'fmt ') {
      fmt = readFormat(view, body, size);
    } else if (id === 'data') {
      if (!fmt) {
        throw new AudioDecodeError('AUDIO_UNDECODABLE', 'invalid WAV file: the data chunk comes before the fmt chunk');
      }

      const blockAlign = fmt.channels * (fmt.bitsPerSample / 8);
      const present = Math.min(size, bytes.length - body);
      const dataBytes = present - (present % blockAlign);
      return { ...fmt, dataOffset: body, dataBytes, frames: dataBytes / blockAlign };
    }

    // Chunks are padded to an even size.
    offset = body + size + (size % 2);
  }

  throw new AudioDecodeError('AUDIO_UNDECODABLE', fmt ? 'invalid WAV file: no data chunk' : 'invalid WAV file: no fmt chunk');
}

function readFormat(view: DataView, body: number, size: number): Omit<WavInfo, 'dataOffset' | 'dataBytes' | 'frames'> {
  if (size < 16 || body + 16 > view.byteLength) {
    throw new AudioDecodeError('AUDIO_UNDECODABLE', 'invalid WAV file: the fmt chunk is truncated');
  }

  let formatTag = view.getUint16(body, true);
  const channels = view.getUint16(body + 2, true);
  const sampleRate = view.getUint32(body + 4, true);
  const bitsPerSample = view.getUint16(body + 14, true);

  if (formatTag === WAVE_FORMAT_EXTENSIBLE) {
    if (size < 40 || body + 26 > view.byteLength) {
      throw new AudioDecodeError('AUDIO_UNDECODABLE', 'invalid WAV file: the extensible fmt chunk is truncated');
    }
    // The first two bytes of the sub-format GUID hold the real format tag.
    formatTag = view.getUint16(body + 24, true);
  }

  if (channels < 1 || channels > 32) {
    throw new AudioDecodeError('AUDIO_UNDECODABLE', `invalid WAV file: ${channels} channels`);
  }

  if (sampleRate < 1000 || sampleRate > 384_000) {
    throw new AudioDecodeError('UNSUPPORTED_FORMAT', `unsupported WAV sample rate ${sampleRate} Hz; use 1000 to 384000 Hz`);
  }

  if (formatTag === WAVE_FORMAT_PCM && [8, 16, 24, 32].includes(bitsPerSample)) {
    return { sampleRate, channels, bitsPerSample, format: 1 };
  }

  if (formatTag === WAVE_FORMAT_IEEE_FLOAT && bitsPerSample === 32) {
    return { sampleRate, channels, bitsPerSample, format: 3 };
  }

  throw new AudioDecodeError(
    'UNSUPPORTED_FORMAT',
    `unsupported WAV encoding (format ${formatTag}, ${bitsPerSample} bits); use PCM 8, 16, 24 or 32-bit integer or 32-bit float`,
  );
}

/** Decode a WAV file's samples to mono float in [-1, 1], averaging the channels. */
export function decodeWavSamples(bytes: Uint8Array, info: WavInfo): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bytesPerSample = info.bitsPerSample / 8;
  const mono = new Float32Array(info.frames);

  for (let frame = 0; frame < info.frames; frame++) {
    let sum = 0;

    for (let channel = 0; channel < info.channels; channel++) {
      const position = info.dataOffset + (frame * info.channels + channel) * bytesPerSample;
      sum += readSample(view, position, info);
    }

    mono[frame] = sum / info.channels;
  }

  return mono;
}

function readSample(view: DataView, position: number, info: WavInfo): number {
  if (info.format === 3) {
    const value = view.getFloat32(position, true);
    return Number.isFinite(value) ? Math.max(-1, Math.min(1, value)) : 0;
  }

  switch (info.bitsPerSample) {
    case 8:
      // 8-bit WAV is unsigned with 128 as zero.
      return (view.getUint8(position) - 128) / 128;
    case 16:
      return view.getInt16(position, true) / 32768;
    case 24: {
      const value = view.getUint8(position) | (view.getUint8(position + 1) << 8) | (view.getInt8(position + 2) << 16);
      return value / 8_388_608;
    }
    default:
      return view.getInt32(position, true) / 2_147_483_648;
  }
}

function writeAscii(bytes: Uint8Array, offset: number, text: string): void {
  for (let index = 0; index < text.length; index++) {
    bytes[offset + index] = text.charCodeAt(index);
  }
}

function readAscii(bytes: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}
