import { MPEGDecoder } from 'mpg123-decoder';
import { AudioDecodeError } from './errors.js';
import { floatToInt16, resample } from './resample.js';
import { decodeWavSamples, isWav, readWavInfo } from './wav.js';

export interface DecodeAudioOptions {
  /** MIME type from the upload, used only when the bytes do not identify the format. */
  mimeType?: string;
  /** File name from the upload, used like `mimeType`. */
  filename?: string;
  /** Resample the output to this rate in Hz (8000 to 192000); default: keep the file's rate. */
  targetSampleRate?: number;
  /** Max input size in bytes; default 20 MiB. */
  maxBytes?: number;
  /** Max audio duration in ms; default 300 000 (5 min). */
  maxDurationMs?: number;
}

export interface DecodedAudio {
  /** Signed 16-bit mono samples; multi-channel input is averaged. */
  pcm: Int16Array;
  sampleRate: number;
  durationMs: number;
}

const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;
const DEFAULT_MAX_DURATION_MS = 300_000;

/**
 * Decode an uploaded MP3 or WAV file to 16-bit mono PCM. The format is detected from the bytes
 * (RIFF/WAVE header, ID3 tag or MPEG frame sync). The MIME type and file name only decide whether
 * unrecognised bytes are still tried as MP3. Raises AudioDecodeError.
 */
export async function decodeAudio(bytes: Uint8Array, options: DecodeAudioOptions = {}): Promise<DecodedAudio> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxDurationMs = options.maxDurationMs ?? DEFAULT_MAX_DURATION_MS;
  validateTargetRate(options.targetSampleRate);

  if (!(bytes instanceof Uint8Array)) {
    throw new AudioDecodeError('AUDIO_UNDECODABLE', 'audio must be a byte array');
  }

  if (bytes.length > maxBytes) {
    throw new AudioDecodeError('TOO_LONG', `audio file is ${bytes.length} bytes; the maximum is ${maxBytes}`);
  }

  if (bytes.length === 0) {
    throw new AudioDecodeError('AUDIO_UNDECODABLE', 'audio file is empty');
  }

  const format = detectFormat(bytes, options);
  const decoded = format === 'wav' ? decodeWav(bytes, maxDurationMs) : await decodeMp3(bytes, maxDurationMs);
  const sampleRate = options.targetSampleRate ?? decoded.sampleRate;
  const samples = resample(decoded.samples, decoded.sampleRate, sampleRate);
  const pcm = floatToInt16(samples);

  return { pcm, sampleRate, durationMs: (pcm.length / sampleRate) * 1000 };
}

type Format = 'wav' | 'mp3';

/** Magic numbers of formats that are recognised only to name them in the error. */
const OTHER_FORMATS: ReadonlyArray<readonly [string, (bytes: Uint8Array) => boolean]> = [
  ['Ogg (Vorbis or Opus)', (bytes) => ascii(bytes, 0, 4) === 'OggS'],
  ['FLAC', (bytes) => ascii(bytes, 0, 4) === 'fLaC'],
  ['MP4/M4A', (bytes) => ascii(bytes, 4, 4) === 'ftyp'],
  ['WebM/Matroska', (bytes) => bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3],
  ['AIFF', (bytes) => ascii(bytes, 0, 4) === 'FORM'],
  ['a RIFF file that is not WAVE', (bytes) => ascii(bytes, 0, 4) === 'RIFF'],
];

function detectFormat(bytes: Uint8Array, options: DecodeAudioOptions): Format {
  if (isWav(bytes)) {
    return 'wav';
  }

  if (ascii(bytes, 0, 3) === 'ID3' || isMpegFrameSync(bytes)) {
    return 'mp3';
  }

  const other = OTHER_FORMATS.find(([, matches]) => matches(bytes));
  if (other) {
    throw new AudioDecodeError('UNSUPPORTED_FORMAT', `unsupported audio format ${other[0]}; send MP3 or WAV`);
  }

  // Some MP3 files start with junk before the first frame; the decoder resynchronises.
  const hint = `${options.mimeType ?? ''} ${options.filename ?? ''}`.toLowerCase();
  if (/audio\/(mpeg|mp3)|\.mp3\b/u.test(hint)) {
    return 'mp3';
  }

  throw new AudioDecodeError('UNSUPPORTED_FORMAT', 'unrecognised audio format; send MP3 or WAV');
}

/** An MPEG audio frame header: 11 sync bits, a valid version, a layer and a bitrate index other than "bad". */
function isMpegFrameSync(bytes: Uint8Array): boolean {
  if (bytes.length < 4) {
    return false;
  }

  const b1 = bytes[1] as number;
  const b2 = bytes[2] as number;
  const version = (b1 >> 3) & 0b11;
  const layer = (b1 >> 1) & 0b11;
  const bitrateIndex = b2 >> 4;
  const sampleRateIndex = (b2 >> 2) & 0b11;

  return bytes[0] === 0xff && (b1 & 0xe0) === 0xe0 && version !== 0b01 && layer !== 0 && bitrateIndex !== 0xf && sampleRateIndex !== 0b11;
}

interface FloatAudio {
  samples: Float32Array;
  sampleRate: number;
}

function decodeWav(bytes: Uint8Array, maxDurationMs: number): FloatAudio {
  const info = readWavInfo(bytes);
  const durationMs = (info.frames / info.sampleRate) * 1000;

  if (durationMs > maxDurationMs) {
    throw new AudioDecodeError('TOO_LONG', `audio is ${Math.round(durationMs)} ms long; the maximum is ${maxDurationMs} ms`);
  }

  if (info.frames === 0) {
    throw new AudioDecodeError('AUDIO_UNDECODABLE', 'WAV file has no samples');
  }

  return { samples: decodeWavSamples(bytes, info), sampleRate: info.sampleRate };
}

// NOTE: mpg123 decodes on the calling thread; a 20 MiB MP3 blocks the event loop for a few hundred ms.
async function decodeMp3(bytes: Uint8Array, maxDurationMs: number): Promise<FloatAudio> {
  const decoder = new MPEGDecoder();
  await decoder.ready;

  try {
    const decoded = decoder.decode(bytes);
    const frames = decoded.samplesDecoded;

    if (frames === 0 || decoded.channelData.length === 0 || !decoded.sampleRate) {
      const detail = decoded.errors[0]?.message ? ` (${decoded.errors[0].message})` : '';
      throw new AudioDecodeError('AUDIO_UNDECODABLE', `MP3 data could not be decoded${detail}`);
    }

    const durationMs = (frames / decoded.sampleRate) * 1000;
    if (durationMs > maxDurationMs) {
      throw new AudioDecodeError('TOO_LONG', `audio is ${Math.round(durationMs)} ms long; the maximum is ${maxDurationMs} ms`);
    }

    return { samples: downmix(decoded.channelData, frames), sampleRate: decoded.sampleRate };
  } finally {
    decoder.free();
  }
}

function downmix(channels: readonly Float32Array[], frames: number): Float32Array {
  const mono = new Float32Array(frames);

  for (const channel of channels) {
    for (let index = 0; index < frames; index++) {
      mono[index] = (mono[index] as number) + (channel[index] ?? 0) / channels.length;
    }
  }

  return mono;
}

function validateTargetRate(rate: number | undefined): void {
  if (rate !== undefined && (!Number.isInteger(rate) || rate < 8000 || rate > 192_000)) {
    throw new RangeError(`targetSampleRate must be an integer from 8000 to 192000 Hz, got ${rate}`);
  }
}

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}
