import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AUDIO_FRAME_HEADER_BYTES, decodeAudioFrame, encodeAudioFrame } from '@orator/protocol';

test('audio frame round trip', () => {
  const samples = new Int16Array([0, 1, -1, 32767, -32768, 1234]);
  const frame = encodeAudioFrame(7, 44_100, new Uint8Array(samples.buffer));
  assert.equal(frame.byteLength, AUDIO_FRAME_HEADER_BYTES + samples.byteLength);

  // The SDK receives frames as ArrayBuffer from the WebSocket.
  const decoded = decodeAudioFrame(frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength));
  assert.equal(decoded.turnNumber, 7);
  assert.equal(decoded.sampleOffset, 44_100);
  assert.deepEqual([...decoded.pcm], [...samples]);
});

test('audio frame header is little-endian', () => {
  const bytes = new Uint8Array([1, 0, 0, 0, 0x10, 0x27, 0, 0, 0xff, 0x7f]);
  const decoded = decodeAudioFrame(bytes);
  assert.equal(decoded.turnNumber, 1);
  assert.equal(decoded.sampleOffset, 10_000);
  assert.deepEqual([...decoded.pcm], [32767]);
});

test('audio frame decoding from an offset view', () => {
  const backing = new Uint8Array(32);
  backing.set([2, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00], 5);
  const decoded = decodeAudioFrame(backing.subarray(5, 15));
  assert.equal(decoded.turnNumber, 2);
  assert.deepEqual([...decoded.pcm], [1]);
});

test('invalid audio frames are rejected', () => {
  assert.throws(() => decodeAudioFrame(new Uint8Array(4)), RangeError);
  assert.throws(() => decodeAudioFrame(new Uint8Array(AUDIO_FRAME_HEADER_BYTES + 3)), RangeError);
  assert.equal(decodeAudioFrame(new Uint8Array(AUDIO_FRAME_HEADER_BYTES)).pcm.length, 0);
});
