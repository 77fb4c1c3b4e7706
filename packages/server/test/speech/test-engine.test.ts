import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpeechError } from '../../src/speech/errors.js';
import { TestSpeechEngine } from '../../src/speech/test-engine.js';
import { assertTimelineShape } from './assert-timeline.js';

test('test engine lists its voice', async () => {
  const engine = new TestSpeechEngine();
  assert.deepEqual(
    (await engine.listVoices()).map((voice) => voice.id),
    ['test:default'],
  );
});

test('test engine is deterministic', async () => {
  const engine = new TestSpeechEngine();
  const request = { text: 'Hello there, general Kenobi!', voiceId: 'test:default', speed: 1 };
  const first = await engine.synthesize(request);
  const second = await engine.synthesize(request);

  assert.deepEqual(first, second);
});

test('test engine result has the engine shape', async () => {
  const engine = new TestSpeechEngine();
  const result = await engine.synthesize({ text: 'Shop, think... "quick" fox 42!', voiceId: 'test:default', speed: 1 });

  assert.equal(result.sampleRate, 22_050);
  assert.equal(result.durationMs, (result.pcm.length / result.sampleRate) * 1000);
  assertTimelineShape(result.visemes, result.durationMs);
  assert.deepEqual(
    result.words.map((word) => word.text),
    ['Shop', 'think', 'quick', 'fox', '42'],
  );
  assert.deepEqual(
    result.visemes.slice(0, 5).map((cue) => cue.viseme),
    ['CH', 'O', 'PP', 'sil', 'TH'],
  );
  assert.ok(
    result.pcm.some((sample) => Math.abs(sample) > 4000),
    'no audible tone',
  );
  for (const word of result.words) {
    assert.ok(word.endMs > word.startMs, `${word.text} has no duration`);
    assert.ok(word.endMs <= result.durationMs, `${word.text} ends after the audio`);
  }
});

test('test engine speed scales duration', async () => {
  const engine = new TestSpeechEngine();
  const slow = await engine.synthesize({ text: 'Same words here', voiceId: 'test:default', speed: 0.5 });
  const fast = await engine.synthesize({ text: 'Same words here', voiceId: 'test:default', speed: 2 });

  assert.ok(Math.abs(slow.durationMs - fast.durationMs * 4) < 5, `slow ${slow.durationMs} ms, fast ${fast.durationMs} ms`);
});

test('test engine validates like the real engines', async () => {
  const engine = new TestSpeechEngine({ maxTextLength: 10 });

  await assert.rejects(engine.synthesize({ text: 'hi', voiceId: 'espeak:en-us', speed: 1 }), { code: 'UNKNOWN_VOICE' });
  await assert.rejects(engine.synthesize({ text: 'far too long text', voiceId: 'test:default', speed: 1 }), { code: 'TEXT_TOO_LONG' });
  await assert.rejects(engine.synthesize({ text: 'hi', voiceId: 'test:default', speed: 1 }, AbortSignal.abort()), { code: 'ABORTED' });

  await engine.close();
  await assert.rejects(
    engine.synthesize({ text: 'hi', voiceId: 'test:default', speed: 1 }),
    (error: unknown) => error instanceof SpeechError && error.code === 'ENGINE_CLOSED',
  );
});
