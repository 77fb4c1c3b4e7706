import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeAudio } from '../../src/speech/audio-input.js';
import { EspeakEngine } from '../../src/speech/espeak/engine.js';
import type { SynthesisResult } from '../../src/speech/engine.js';
import { AudioDecodeError } from '../../src/speech/errors.js';
import { resample } from '../../src/speech/resample.js';
import { encodeWav } from '../../src/speech/wav.js';

const MP3_FIXTURE = new URL('../fixtures/speech-en.mp3', import.meta.url);
/** Length of the speech in the MP3 fixture, from its generator's output. */
const MP3_FIXTURE_MS = 4369;

let engine: EspeakEngine;
let speech: SynthesisResult;

before(async () => {
  engine = new EspeakEngine({ poolSize: 1 });
  speech = await engine.synthesize({ text: 'Testing the audio decoder with real speech.', voiceId: 'espeak:en-us', speed: 1 });
});

after(async () => {
  await engine.close();
});

async function rejectsWithCode(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof AudioDecodeError, `expected AudioDecodeError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (message) {
      assert.match(error.message, message);
    }
    return true;
  });
}

type SampleFormat = {
  name: string;
  formatTag: number;
  bits: number;
  write: (view: DataView, offset: number, value: number) => void;
  tolerance: number;
};

const SAMPLE_FORMATS: readonly SampleFormat[] = [
  {
    name: '8-bit PCM',
    formatTag: 1,
    bits: 8,
    write: (view, offset, value) => view.setUint8(offset, Math.round(value * 127) + 128),
    tolerance: 1 / 64,
  },
  {
    name: '16-bit PCM',
    formatTag: 1,
    bits: 16,
    write: (view, offset, value) => view.setInt16(offset, Math.round(value * 32767), true),
    tolerance: 1e-4,
  },
  {
    name: '24-bit PCM',
    formatTag: 1,
    bits: 24,
    write: (view, offset, value) => {
      const integer = Math.round(value * 8_388_607);
      view.setUint8(offset, integer & 0xff);
      view.setUint8(offset + 1, (integer >> 8) & 0xff);
      view.setInt8(offset + 2, integer >> 16);
    },
    tolerance: 1e-4,
  },
  {
    name: '32-bit PCM',
    formatTag: 1,
    bits: 32,
    write: (view, offset, value) => view.setInt32(offset, Math.round(value * 2_147_483_647), true),
    tolerance: 1e-4,
  },
  { name: '32-bit float', formatTag: 3, bits: 32, write: (view, offset, value) => view.setFloat32(offset, value, true), tolerance: 1e-4 },
];

/**
 * Build a WAV whose channel `c` contains `channelGains[c] * signal`. With `extensible`, the fmt chunk
 * uses WAVE_FORMAT_EXTENSIBLE, and an odd-sized `LIST` chunk before `data` checks chunk padding.
 */
function makeWav(
  signal: Float32Array,
  sampleRate: number,
  format: SampleFormat,
  channelGains: readonly number[],
  extensible = false,
): Uint8Array {
  const channels = channelGains.length;
  const bytesPerSample = format.bits / 8;
  const fmtSize = extensible ? 40 : 16;
  const listSize = 3;
  const dataSize = signal.length * channels * bytesPerSample;
  const fmtOffset = 12;
  const listOffset = fmtOffset + 8 + fmtSize;
  const dataOffset = listOffset + 8 + listSize + 1;
  const bytes = new Uint8Array(dataOffset + 8 + dataSize);
  const view = new DataView(bytes.buffer);
  const ascii = (offset: number, text: string) =>
    [...text].forEach((character, index) => view.setUint8(offset + index, character.charCodeAt(0)));

  ascii(0, 'RIFF');
  view.setUint32(4, bytes.length - 8, true);
  ascii(8, 'WAVE');
  ascii(fmtOffset, 'fmt ');
  view.setUint32(fmtOffset + 4, fmtSize, true);
  view.setUint16(fmtOffset + 8, extensible ? 0xfffe : format.formatTag, true);
  view.setUint16(fmtOffset + 10, channels, true);
  view.setUint32(fmtOffset + 12, sampleRate, true);
  view.setUint32(fmtOffset + 16, sampleRate * channels * bytesPerSample, true);
  view.setUint16(fmtOffset + 20, channels * bytesPerSample, true);
  view.setUint16(fmtOffset + 22, format.bits, true);
  if (extensible) {
    view.setUint16(fmtOffset + 24, 22, true);
    view.setUint16(fmtOffset + 26, format.bits, true);
    view.setUint32(fmtOffset + 28, 0, true);
    view.setUint16(fmtOffset + 32, format.formatTag, true);
  }
  ascii(listOffset, 'LIST');
  view.setUint32(listOffset + 4, listSize, true);
  ascii(dataOffset, 'data');
  view.setUint32(dataOffset + 4, dataSize, true);

  signal.forEach((value, frame) => {
    channelGains.forEach((gain, channel) => {
      format.write(view, dataOffset + 8 + (frame * channels + channel) * bytesPerSample, value * gain);
    });
  });

  return bytes;
}

function sine(frequency: number, sampleRate: number, ms: number, amplitude = 0.5): Float32Array {
  return Float32Array.from(
    { length: Math.round((sampleRate * ms) / 1000) },
    (_, index) => amplitude * Math.sin((2 * Math.PI * frequency * index) / sampleRate),
  );
}

function rms(samples: ArrayLike<number>, scale = 1): number {
  let sum = 0;
  for (let index = 0; index < samples.length; index++) {
    sum += ((samples[index] as number) / scale) ** 2;
  }
  return Math.sqrt(sum / Math.max(samples.length, 1));
}

test('decodeAudio reads eSpeak speech as WAV', async () => {
  const wav = encodeWav(speech.pcm, speech.sampleRate);
  const decoded = await decodeAudio(wav, { mimeType: 'audio/wav' });

  assert.equal(decoded.sampleRate, 22_050);
  assert.equal(decoded.durationMs, speech.durationMs);
  assert.deepEqual(decoded.pcm, speech.pcm);
});

for (const format of SAMPLE_FORMATS) {
  for (const extensible of [false, true]) {
    test(`decodeAudio reads ${format.name} WAV${extensible ? ' (extensible)' : ''}`, async () => {
      const signal = sine(440, 16_000, 200);
      // Three channels whose mean is signal / 3, so the test checks the downmix.
      const decoded = await decodeAudio(makeWav(signal, 16_000, format, [1, -1, 1], extensible));

      assert.equal(decoded.sampleRate, 16_000);
      assert.equal(decoded.pcm.length, signal.length);
      for (let index = 0; index < signal.length; index += 37) {
        const expected = (signal[index] as number) / 3;
        const actual = (decoded.pcm[index] as number) / 32768;
        assert.ok(Math.abs(actual - expected) <= format.tolerance + 1 / 16384, `sample ${index}: ${actual} vs ${expected}`);
      }
    });
  }
}

test('decodeAudio resamples to the target rate', async () => {
  const signal = sine(440, 44_100, 500);
  const decoded = await decodeAudio(makeWav(signal, 44_100, SAMPLE_FORMATS[1] as SampleFormat, [1]), { targetSampleRate: 22_050 });

  assert.equal(decoded.sampleRate, 22_050);
  assert.equal(decoded.pcm.length, Math.round(signal.length / 2));
  assert.ok(Math.abs(decoded.durationMs - 500) < 1);

  // A 440 Hz tone crosses zero 880 times a second.
  let crossings = 0;
  for (let index = 1; index < decoded.pcm.length; index++) {
    if ((decoded.pcm[index] as number) >= 0 !== (decoded.pcm[index - 1] as number) >= 0) {
      crossings++;
    }
  }
  assert.ok(Math.abs(crossings - 440) <= 4, `${crossings} zero crossings in 500 ms`);
  assert.ok(Math.abs(rms(decoded.pcm, 32768) - rms(signal)) < 0.02);
});

test('resample removes frequencies above the new Nyquist', () => {
  const passed = resample(sine(1000, 44_100, 300), 44_100, 16_000);
  const blocked = resample(sine(15_000, 44_100, 300), 44_100, 16_000);

  assert.ok(rms(passed) > 0.3, `1 kHz lost: ${rms(passed)}`);
  assert.ok(rms(blocked) < 0.03, `15 kHz aliased: ${rms(blocked)}`);
});

test('decodeAudio reads the MP3 fixture', async () => {
  const bytes = new Uint8Array(readFileSync(MP3_FIXTURE));
  const decoded = await decodeAudio(bytes, { mimeType: 'audio/mpeg', filename: 'speech.mp3' });

  assert.equal(decoded.sampleRate, 44_100);
  // LAME's encoder delay and padding are trimmed by gapless decoding, leaving at most a frame.
  assert.ok(Math.abs(decoded.durationMs - MP3_FIXTURE_MS) < 60, `duration ${decoded.durationMs} ms`);
  assert.ok(rms(decoded.pcm, 32768) > 0.02, 'decoded MP3 is silent');
});

test('decodeAudio resamples MP3 and reads it behind an ID3 tag', async () => {
  const mp3 = new Uint8Array(readFileSync(MP3_FIXTURE));
  // ID3v2.3 header with a 10-byte body of padding; the size is a syncsafe integer.
  const tag = new Uint8Array([0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0, 10, ...new Array(10).fill(0)]);
  const decoded = await decodeAudio(new Uint8Array([...tag, ...mp3]), { targetSampleRate: 22_050 });

  assert.equal(decoded.sampleRate, 22_050);
  assert.ok(Math.abs(decoded.durationMs - MP3_FIXTURE_MS) < 60, `duration ${decoded.durationMs} ms`);
});

test('decodeAudio rejects empty input', async () => {
  await rejectsWithCode(decodeAudio(new Uint8Array(0)), 'AUDIO_UNDECODABLE', /empty/u);
});

test('decodeAudio rejects unknown bytes', async () => {
  const noise = Uint8Array.from({ length: 1000 }, (_, index) => (index * 97 + 13) % 251);
  await rejectsWithCode(decodeAudio(noise), 'UNSUPPORTED_FORMAT', /MP3 or WAV/u);
});

test('decodeAudio names other audio formats', async () => {
  const ogg = new TextEncoder().encode('OggS\u0000\u0002 rest of an ogg page');
  await rejectsWithCode(decodeAudio(ogg), 'UNSUPPORTED_FORMAT', /Ogg/u);
});

test('decodeAudio rejects undecodable MP3', async () => {
  const garbage = Uint8Array.from({ length: 2000 }, (_, index) => (index * 31 + 7) % 256);
  await rejectsWithCode(decodeAudio(garbage, { mimeType: 'audio/mpeg' }), 'AUDIO_UNDECODABLE', /MP3/u);
});

test('decodeAudio rejects truncated WAV', async () => {
  const wav = encodeWav(speech.pcm, speech.sampleRate);
  await rejectsWithCode(decodeAudio(wav.slice(0, 30)), 'AUDIO_UNDECODABLE', /WAV/u);
  await rejectsWithCode(decodeAudio(wav.slice(0, 44)), 'AUDIO_UNDECODABLE', /no samples/u);
});

test('decodeAudio reads WAV whose data size is wrong', async () => {
  const wav = encodeWav(speech.pcm, speech.sampleRate);
  // Streaming writers leave 0xFFFFFFFF as the data size; the samples present are used.
  new DataView(wav.buffer).setUint32(40, 0xffffffff, true);
  const decoded = await decodeAudio(wav.slice(0, 44 + 2000));

  assert.equal(decoded.pcm.length, 1000);
});

test('decodeAudio rejects unsupported WAV encodings', async () => {
  const wav = encodeWav(speech.pcm, speech.sampleRate);
  // Format tag 2 is Microsoft ADPCM.
  new DataView(wav.buffer).setUint16(20, 2, true);
  await rejectsWithCode(decodeAudio(wav), 'UNSUPPORTED_FORMAT', /format 2/u);
});

test('decodeAudio enforces the byte limit', async () => {
  const wav = encodeWav(speech.pcm, speech.sampleRate);
  await rejectsWithCode(decodeAudio(wav, { maxBytes: 1000 }), 'TOO_LONG', /bytes/u);
});

test('decodeAudio enforces the duration limit', async () => {
  const wav = encodeWav(speech.pcm, speech.sampleRate);
  const mp3 = new Uint8Array(readFileSync(MP3_FIXTURE));

  await rejectsWithCode(decodeAudio(wav, { maxDurationMs: 500 }), 'TOO_LONG', /ms/u);
  await rejectsWithCode(decodeAudio(mp3, { maxDurationMs: 1000 }), 'TOO_LONG', /ms/u);
});

test('decodeAudio rejects an invalid target rate', async () => {
  await assert.rejects(decodeAudio(encodeWav(speech.pcm, speech.sampleRate), { targetSampleRate: 12.5 }), RangeError);
});
