import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { EspeakEngine } from '../../src/speech/espeak/engine.js';
import { SpeechError } from '../../src/speech/errors.js';
import type { SynthesisResult } from '../../src/speech/engine.js';
import { assertTimelineShape } from './assert-timeline.js';

let engine: EspeakEngine;

before(async () => {
  engine = new EspeakEngine({ poolSize: 2 });
  await engine.start();
});

after(async () => {
  await engine.close();
});

function rms(pcm: Int16Array): number {
  let sum = 0;
  for (const sample of pcm) {
    sum += sample * sample;
  }
  return Math.sqrt(sum / Math.max(pcm.length, 1));
}

async function rejectsWithCode(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof SpeechError, `expected SpeechError, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  });
}

function assertResultShape(result: SynthesisResult, label: string): void {
  assert.equal(result.sampleRate, 22_050, label);
  assert.equal(result.durationMs, (result.pcm.length / result.sampleRate) * 1000, label);
  assertTimelineShape(result.visemes, result.durationMs, label);

  for (const word of result.words) {
    assert.ok(word.startMs <= word.endMs, `${label}: word ${word.text} ends before it starts`);
    assert.ok(word.endMs <= result.durationMs, `${label}: word ${word.text} ends after the audio`);
  }
}

/** Stable voice ids are part of the API: clients store them in `voiceConfig.id`. */
const EXPECTED_VOICE_IDS = ['en-us', 'en-gb', 'es', 'es-419', 'fr', 'de', 'it', 'pt', 'pt-br', 'nl', 'pl'].flatMap((language) => [
  `espeak:${language}`,
  `espeak:${language}:female`,
]);

test('espeak voices have stable ids', async () => {
  const voices = await engine.listVoices();

  assert.deepEqual(
    voices.map((voice) => voice.id),
    EXPECTED_VOICE_IDS,
  );
  for (const voice of voices) {
    assert.equal(voice.engine, 'espeak');
    assert.match(voice.language, /^[a-z]{2}(-[A-Z]{2}|-\d{3})$/u);
    assert.ok(voice.gender === 'male' || voice.gender === 'female');
    assert.ok(voice.name.length > 0);
    assert.equal(Object.hasOwn(voice, 'espeakName'), false, 'internal eSpeak name leaked into VoiceInfo');
  }
});

test('espeak says hello world', async () => {
  const result = await engine.synthesize({ text: 'Hello world', voiceId: 'espeak:en-us', speed: 1 });

  assertResultShape(result, 'hello world');
  assert.ok(result.durationMs > 300, `duration ${result.durationMs} ms`);
  assert.ok(result.durationMs < 3000, `duration ${result.durationMs} ms`);
  assert.ok(rms(result.pcm) > 500, `RMS ${rms(result.pcm)} is too quiet for speech`);
  assert.deepEqual(
    result.words.map((word) => word.text),
    ['Hello', 'world'],
  );
  assert.ok(result.phonemes.length >= 6);
  assert.ok(result.visemes.length >= 6, `only ${result.visemes.length} cues`);
  assert.equal(result.visemes[result.visemes.length - 1]?.viseme, 'sil');
});

test('espeak words rebuild the text', async () => {
  const text = 'The quick brown fox, café owner in São Paulo, paid 1984 dollars for 3.14 pies 😀 today!';
  const result = await engine.synthesize({ text, voiceId: 'espeak:en-us', speed: 1 });
  const words = result.words.map((word) => word.text);

  assertResultShape(result, 'rich text');
  assert.deepEqual(
    words.filter((word) => word !== '😀'),
    ['The', 'quick', 'brown', 'fox', 'café', 'owner', 'in', 'São', 'Paulo', 'paid', '1984', 'dollars', 'for', '3.14', 'pies', 'today'],
  );

  for (let index = 1; index < result.words.length; index++) {
    assert.ok((result.words[index]?.startMs ?? 0) >= (result.words[index - 1]?.endMs ?? 0), `word ${index} overlaps the previous one`);
  }
});

test('espeak escapes SSML characters in text', async () => {
  const result = await engine.synthesize({ text: '3 < 4 & 5 > 2', voiceId: 'espeak:en-us', speed: 1 });
  const spoken = result.phonemes.map((phoneme) => phoneme.phoneme.replace(/[ˈˌː]/gu, '')).join(' ');

  assertResultShape(result, 'ssml');
  assert.deepEqual(
    result.words.map((word) => word.text),
    ['3', '4', '&', '5', '2'],
  );
  // "&" is spoken as "and"; unescaped, eSpeak would drop "4 & 5 > 2" as a broken tag.
  assert.match(spoken, /æ n d/u);
});

test('espeak reads markup as text', async () => {
  const result = await engine.synthesize({ text: 'Say <break time="5s"/> now', voiceId: 'espeak:en-us', speed: 1 });

  assert.ok(result.durationMs < 4000, `a <break> tag was obeyed: ${result.durationMs} ms`);
  assert.ok(result.words.some((word) => word.text === 'now'));
});

test('espeak speed 2.0 is shorter than 0.5', async () => {
  const text = 'This sentence is spoken at two different speeds.';
  const fast = await engine.synthesize({ text, voiceId: 'espeak:en-us', speed: 2 });
  const slow = await engine.synthesize({ text, voiceId: 'espeak:en-us', speed: 0.5 });

  assert.ok(fast.durationMs * 2 < slow.durationMs, `fast ${fast.durationMs} ms, slow ${slow.durationMs} ms`);
});

test('espeak voices differ', async () => {
  const male = await engine.synthesize({ text: 'Good morning', voiceId: 'espeak:en-gb', speed: 1 });
  const female = await engine.synthesize({ text: 'Good morning', voiceId: 'espeak:en-gb:female', speed: 1 });
  const spanish = await engine.synthesize({ text: 'Buenos días', voiceId: 'espeak:es', speed: 1 });

  assert.notDeepEqual(male.pcm, female.pcm);
  assert.ok(spanish.phonemes.length > 0);
});

test('espeak pool serves concurrent requests', async () => {
  const texts = ['One fish.', 'Two fish, red fish.', 'Blue fish and more fish.', 'Hello there.', 'Good night moon.', 'Seven.'];
  const sequential: SynthesisResult[] = [];
  for (const text of texts) {
    sequential.push(await engine.synthesize({ text, voiceId: 'espeak:en-us', speed: 1 }));
  }

  const concurrent = await Promise.all(texts.map((text) => engine.synthesize({ text, voiceId: 'espeak:en-us', speed: 1 })));

  // Each worker has its own eSpeak instance, and eSpeak's output can differ by a few samples
  // between instances, so the audio is compared by length, not sample by sample.
  concurrent.forEach((result, index) => {
    const expected = sequential[index] as SynthesisResult;
    assert.deepEqual(
      result.words.map((word) => word.text),
      expected.words.map((word) => word.text),
      `words of ${texts[index]}`,
    );
    assert.ok(Math.abs(result.pcm.length - expected.pcm.length) < expected.pcm.length * 0.02, `audio length of ${texts[index]}`);
  });
});

test('espeak abort drops the request', async () => {
  const controller = new AbortController();
  const long = 'This is a long paragraph that keeps the synthesizer busy for a while. '.repeat(40);
  const pending = engine.synthesize({ text: long, voiceId: 'espeak:en-us', speed: 1 }, controller.signal);
  controller.abort();

  await rejectsWithCode(pending, 'ABORTED');
  await rejectsWithCode(engine.synthesize({ text: 'hi', voiceId: 'espeak:en-us', speed: 1 }, AbortSignal.abort()), 'ABORTED');

  const next = await engine.synthesize({ text: 'Still working', voiceId: 'espeak:en-us', speed: 1 });
  assert.deepEqual(
    next.words.map((word) => word.text),
    ['Still', 'working'],
  );
});

test('espeak rejects invalid requests', async () => {
  await rejectsWithCode(engine.synthesize({ text: 'hi', voiceId: 'espeak:xx', speed: 1 }), 'UNKNOWN_VOICE');
  await rejectsWithCode(engine.synthesize({ text: 'hi', voiceId: 'test:default', speed: 1 }), 'UNKNOWN_VOICE');
  await rejectsWithCode(engine.synthesize({ text: 'a'.repeat(5001), voiceId: 'espeak:en-us', speed: 1 }), 'TEXT_TOO_LONG');
  await rejectsWithCode(engine.synthesize({ text: 'hi', voiceId: 'espeak:en-us', speed: 3 }), 'INVALID_REQUEST');
  await rejectsWithCode(engine.synthesize({ text: 'hi', voiceId: 'espeak:en-us', speed: Number.NaN }), 'INVALID_REQUEST');
});

test('espeak returns silence for blank text', async () => {
  const result = await engine.synthesize({ text: '  \n ', voiceId: 'espeak:en-us', speed: 1 });

  assert.equal(result.pcm.length, 0);
  assert.equal(result.durationMs, 0);
  assert.deepEqual(result.visemes, [{ viseme: 'sil', startMs: 0 }]);
  assert.deepEqual(result.words, []);
});

test('espeak engine rejects requests after close', async () => {
  const closing = new EspeakEngine({ poolSize: 1 });
  await closing.start();
  await closing.close();

  await rejectsWithCode(closing.synthesize({ text: 'hi', voiceId: 'espeak:en-us', speed: 1 }), 'ENGINE_CLOSED');
});
