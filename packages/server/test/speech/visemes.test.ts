import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { VISEMES } from '@orator/protocol';
import { EspeakEngine } from '../../src/speech/espeak/engine.js';
import { analyzePhoneme, buildVisemeTimeline, normalizeVisemeCues, PHONEME_VISEMES } from '../../src/speech/visemes.js';
import { assertTimelineShape } from './assert-timeline.js';
import { PHONETIC_TEXTS } from './phonetic-texts.js';

const PHONEME_CASES: ReadonlyArray<readonly [string, string[]]> = [
  ['', ['sil']],
  ['p', ['PP']],
  ['ˈaɪ', ['aa', 'I']],
  ['ˌoʊ', ['O', 'U']],
  ['ˈɔːɹ', ['O', 'RR']],
  ['tʃ', ['CH']],
  ['d͡ʒ', ['CH']],
  ['ts', ['SS']],
  ['pf', ['PP', 'FF']],
  ['ss', ['SS']],
  ['əl', ['E', 'nn']],
  ['ˈɑ̃', ['aa']],
  ['ɐ̃ʊ̃\u0001', ['aa', 'U']],
  ['ə-', ['E']],
  ['ʲ', []],
  ['n̩', ['nn']],
  ['ˈœy', ['O', 'U']],
  ['ç', ['CH']],
  ['θ', ['TH']],
];

for (const [phoneme, visemes] of PHONEME_CASES) {
  test(`analyzePhoneme ${JSON.stringify(phoneme)}`, () => {
    const analysis = analyzePhoneme(phoneme);
    assert.deepEqual(analysis.visemes, visemes);
    assert.deepEqual(analysis.unmapped, []);
    assert.equal(analysis.marker, false);
  });
}

test('analyzePhoneme marks language switches', () => {
  assert.equal(analyzePhoneme('(en)').marker, true);
  assert.deepEqual(analyzePhoneme('(fr)').visemes, []);
});

test('analyzePhoneme reports unknown symbols', () => {
  assert.deepEqual(analyzePhoneme('ˈaǂ').unmapped, ['ǂ']);
  assert.deepEqual(analyzePhoneme('ˈaǂ').visemes, ['aa']);
});

test('phoneme table uses only Oculus visemes', () => {
  for (const [symbol, viseme] of Object.entries(PHONEME_VISEMES)) {
    assert.ok((VISEMES as readonly string[]).includes(viseme), `${symbol} maps to ${viseme}`);
  }
});

test('buildVisemeTimeline splits diphthongs and marks pauses', () => {
  const visemes = buildVisemeTimeline(
    [
      { phoneme: 'h', startMs: 10 },
      { phoneme: 'ˈaɪ', startMs: 60 },
      { phoneme: '', startMs: 260 },
      { phoneme: '(en)', startMs: 270 },
      { phoneme: 'm', startMs: 300 },
      { phoneme: 'm', startMs: 350 },
    ],
    400,
  );

  assert.deepEqual(visemes, [
    { viseme: 'sil', startMs: 0 },
    { viseme: 'kk', startMs: 10 },
    { viseme: 'aa', startMs: 60 },
    { viseme: 'I', startMs: 160 },
    { viseme: 'sil', startMs: 260 },
    { viseme: 'PP', startMs: 300 },
  ]);
});

test('normalizeVisemeCues sorts, dedupes and clips', () => {
  const cues = normalizeVisemeCues(
    [
      { viseme: 'aa', startMs: 50 },
      { viseme: 'E', startMs: 20 },
      { viseme: 'I', startMs: 20 },
      { viseme: 'I', startMs: 30 },
      { viseme: 'O', startMs: 100 },
      { viseme: 'U', startMs: 120 },
    ],
    100,
  );

  assert.deepEqual(cues, [
    { viseme: 'sil', startMs: 0 },
    { viseme: 'I', startMs: 20 },
    { viseme: 'aa', startMs: 50 },
  ]);
});

test('normalizeVisemeCues of nothing is silence', () => {
  assert.deepEqual(normalizeVisemeCues([], 0), [{ viseme: 'sil', startMs: 0 }]);
});

let engine: EspeakEngine;

before(async () => {
  engine = new EspeakEngine();
  await engine.start();
});

after(async () => {
  await engine.close();
});

test('every phoneme eSpeak emits has a viseme', async () => {
  const voices = await engine.listVoices();
  const unmapped = new Map<string, Set<string>>();
  const covered = new Set<string>();

  for (const voice of voices) {
    const language = voice.id.replace(/^espeak:/u, '').replace(/:female$/u, '');
    const text = PHONETIC_TEXTS[language];
    assert.ok(text, `no phonetic text for ${voice.id}`);

    const result = await engine.synthesize({ text, voiceId: voice.id, speed: 1 });
    assert.ok(result.phonemes.length > 50, `${voice.id}: only ${result.phonemes.length} phonemes`);
    assertTimelineShape(result.visemes, result.durationMs, voice.id);

    for (const { phoneme } of result.phonemes) {
      const analysis = analyzePhoneme(phoneme);
      for (const symbol of analysis.unmapped) {
        const key = `${symbol} (U+${symbol.codePointAt(0)?.toString(16).padStart(4, '0')}) in ${JSON.stringify(phoneme)}`;
        unmapped.set(key, (unmapped.get(key) ?? new Set()).add(voice.id));
      }
      analysis.visemes.forEach((viseme) => covered.add(viseme));
    }
  }

  const report = [...unmapped].map(([symbol, voiceIds]) => `${symbol}: ${[...voiceIds].join(', ')}`);
  assert.deepEqual(report, [], `unmapped phonemes:\n${report.join('\n')}`);

  // The texts exercise every mouth shape except silence, which comes from pauses.
  const missing = VISEMES.filter((viseme) => viseme !== 'sil' && !covered.has(viseme));
  assert.deepEqual(missing, []);
});
