import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_MOUTH_SHAPES, type SegmentMessage, type VisemeCue } from '@orator/protocol';
import { TurnTimeline, VISEME_BLEND_MS, findCueIndex, sampleMouth, smoothstep } from '../src/lipsync.js';

const cues: VisemeCue[] = [
  { viseme: 'sil', startMs: 0 },
  { viseme: 'PP', startMs: 100 },
  { viseme: 'aa', startMs: 200 },
  { viseme: 'O', startMs: 400 },
];

test('cue lookup finds the active cue', () => {
  const cases: Array<[number, number]> = [
    [-5, -1],
    [0, 0],
    [99.9, 0],
    [100, 1],
    [250, 2],
    [399, 2],
    [400, 3],
    [10_000, 3],
  ];
  for (const [ms, index] of cases) assert.equal(findCueIndex(cues, ms), index, `at ${ms} ms`);
  assert.equal(findCueIndex([], 10), -1);
});

test('smoothstep endpoints and midpoint', () => {
  assert.equal(smoothstep(-1), 0);
  assert.equal(smoothstep(0), 0);
  assert.equal(smoothstep(0.5), 0.5);
  assert.equal(smoothstep(1), 1);
  assert.equal(smoothstep(2), 1);
  assert.ok(smoothstep(0.25) < 0.25, 'eases in');
});

test('mouth blends into each cue over the blend time', () => {
  const start = sampleMouth(cues, 200, DEFAULT_MOUTH_SHAPES);
  assert.equal(start.viseme, 'aa');
  assert.equal(start.previous, 'PP');
  assert.equal(start.weight, 0);
  assert.equal(start.shape.jawOpen, DEFAULT_MOUTH_SHAPES.PP.jawOpen);

  const middle = sampleMouth(cues, 200 + VISEME_BLEND_MS / 2, DEFAULT_MOUTH_SHAPES);
  const expected = (DEFAULT_MOUTH_SHAPES.PP.jawOpen + DEFAULT_MOUTH_SHAPES.aa.jawOpen) / 2;
  assert.ok(Math.abs(middle.shape.jawOpen - expected) < 1e-9, `jawOpen ${middle.shape.jawOpen} vs ${expected}`);

  const settled = sampleMouth(cues, 200 + VISEME_BLEND_MS, DEFAULT_MOUTH_SHAPES);
  assert.equal(settled.weight, 1);
  assert.deepEqual(settled.shape, DEFAULT_MOUTH_SHAPES.aa);
});

test('mouth opening rises monotonically during a blend', () => {
  let previous = -1;
  for (let ms = 200; ms <= 200 + VISEME_BLEND_MS; ms += 5) {
    const open = sampleMouth(cues, ms, DEFAULT_MOUTH_SHAPES).shape.jawOpen;
    assert.ok(open >= previous, `jawOpen fell at ${ms} ms`);
    previous = open;
  }
});

test('mouth closes after the end of the audio', () => {
  const before = sampleMouth(cues, 450, DEFAULT_MOUTH_SHAPES, 500);
  assert.equal(before.viseme, 'O');
  const at = sampleMouth(cues, 500, DEFAULT_MOUTH_SHAPES, 500);
  assert.equal(at.viseme, 'sil');
  assert.equal(at.previous, 'O');
  assert.equal(at.shape.jawOpen, DEFAULT_MOUTH_SHAPES.O.jawOpen);
  const after = sampleMouth(cues, 500 + VISEME_BLEND_MS, DEFAULT_MOUTH_SHAPES, 500);
  assert.deepEqual(after.shape, DEFAULT_MOUTH_SHAPES.sil);
});

test('mouth is silent before the first cue', () => {
  const sample = sampleMouth([{ viseme: 'aa', startMs: 50 }], 10, DEFAULT_MOUTH_SHAPES);
  assert.equal(sample.viseme, 'sil');
  assert.deepEqual(sample.shape, DEFAULT_MOUTH_SHAPES.sil);
});

const segment = (index: number, startMs: number, durationMs: number, visemes: VisemeCue[]): SegmentMessage => ({
  type: 'segment',
  turnId: 't1',
  turnNumber: 3,
  index,
  text: `part ${index}`,
  startMs,
  durationMs,
  visemes,
  words: [],
});

test('timeline merges segments in index order', () => {
  const timeline = new TurnTimeline('t1', 3);
  timeline.addSegment(
    segment(1, 500, 400, [
      { viseme: 'E', startMs: 500 },
      { viseme: 'sil', startMs: 850 },
    ]),
  );
  timeline.addSegment(
    segment(0, 0, 500, [
      { viseme: 'PP', startMs: 0 },
      { viseme: 'aa', startMs: 120 },
    ]),
  );
  assert.deepEqual(
    timeline.cues.map((c) => c.viseme),
    ['PP', 'aa', 'E', 'sil'],
  );
  assert.equal(timeline.endMs, 900);
});

test('timeline ignores a repeated segment', () => {
  const timeline = new TurnTimeline('t1', 3);
  timeline.addSegment(segment(0, 0, 500, [{ viseme: 'PP', startMs: 0 }]));
  timeline.addSegment(segment(0, 0, 500, [{ viseme: 'PP', startMs: 0 }]));
  assert.equal(timeline.cues.length, 1);
});

test('timeline end prefers turn-end duration', () => {
  const timeline = new TurnTimeline('t1', 3);
  timeline.addSegment(segment(0, 0, 500, [{ viseme: 'PP', startMs: 0 }]));
  timeline.durationMs = 320;
  assert.equal(timeline.endMs, 320);
});
