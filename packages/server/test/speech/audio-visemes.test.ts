import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { VisemeCue } from '@orator/protocol';
import { decodeAudio } from '../../src/speech/audio-input.js';
import { visemesFromPcm } from '../../src/speech/audio-visemes.js';
import { EspeakEngine } from '../../src/speech/espeak/engine.js';
import { encodeWav } from '../../src/speech/wav.js';
import { assertTimelineShape } from './assert-timeline.js';

let engine: EspeakEngine;

before(async () => {
  engine = new EspeakEngine({ poolSize: 1 });
  await engine.start();
});

after(async () => {
  await engine.close();
});

function visemeAt(cues: readonly VisemeCue[], timeMs: number): string {
  let viseme = 'sil';
  for (const cue of cues) {
    if (cue.startMs > timeMs) {
      break;
    }
    viseme = cue.viseme;
  }
  return viseme;
}

/** Share of 10 ms steps where both timelines agree, exactly and on silence versus sound. */
function agreement(reference: readonly VisemeCue[], derived: readonly VisemeCue[], durationMs: number): { exact: number; silence: number } {
  let steps = 0;
  let exact = 0;
  let silence = 0;

  for (let timeMs = 0; timeMs < durationMs; timeMs += 10) {
    const expected = visemeAt(reference, timeMs);
    const actual = visemeAt(derived, timeMs);
    steps++;
    exact += expected === actual ? 1 : 0;
    silence += (expected === 'sil') === (actual === 'sil') ? 1 : 0;
  }

  return { exact: exact / steps, silence: silence / steps };
}

const SPEECH: ReadonlyArray<readonly [string, string]> = [
  ['espeak:en-us', 'The quick brown fox jumps over the lazy dog. She sells sea shells by the seashore. Who would know?'],
  ['espeak:es', 'Hola, ¿cómo estás? Muy bien, gracias. La casa es azul.'],
  ['espeak:fr', 'Portez ce vieux whisky au juge blond qui fume. Bonjour madame.'],
];

for (const [voiceId, text] of SPEECH) {
  test(`visemesFromPcm follows ${voiceId} speech`, async () => {
    const speech = await engine.synthesize({ text, voiceId, speed: 1 });
    // Through a WAV file, as a say-audio upload would arrive.
    const decoded = await decodeAudio(encodeWav(speech.pcm, speech.sampleRate));
    const derived = visemesFromPcm(decoded.pcm, decoded.sampleRate);
    const score = agreement(speech.visemes, derived, speech.durationMs);

    assertTimelineShape(derived, decoded.durationMs, voiceId);
    assert.ok(new Set(derived.map((cue) => cue.viseme)).size >= 6, 'fewer than 6 distinct visemes');
    assert.ok(derived.length >= speech.durationMs / 200, `only ${derived.length} cues in ${speech.durationMs} ms`);
    assert.ok(score.silence >= 0.85, `silence agrees on ${score.silence}`);
    // Fifteen classes make chance agreement about 0.1; eSpeak's own timeline is the reference.
    assert.ok(score.exact >= 0.3, `visemes agree on ${score.exact}`);
  });
}

test('visemesFromPcm follows the MP3 fixture', async () => {
  const decoded = await decodeAudio(new Uint8Array(readFileSync(new URL('../fixtures/speech-en.mp3', import.meta.url))));
  const derived = visemesFromPcm(decoded.pcm, decoded.sampleRate);

  assertTimelineShape(derived, decoded.durationMs, 'mp3');
  assert.ok(new Set(derived.map((cue) => cue.viseme)).size >= 6);
  assert.ok(derived.some((cue) => cue.viseme === 'aa'));
  assert.ok(derived.some((cue) => cue.viseme === 'SS'));
});

test('visemesFromPcm keeps silence silent', () => {
  assert.deepEqual(visemesFromPcm(new Int16Array(22_050), 22_050), [{ viseme: 'sil', startMs: 0 }]);
  assert.deepEqual(visemesFromPcm(new Int16Array(0), 22_050), [{ viseme: 'sil', startMs: 0 }]);
});

test('visemesFromPcm rejects a bad sample rate', () => {
  assert.throws(() => visemesFromPcm(new Int16Array(100), 0), RangeError);
});
