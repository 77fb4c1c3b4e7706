import { test } from 'node:test';
import assert from 'node:assert/strict';
import { median, medianOf, percentile, percentiles } from '../lib/stats.js';
import { visemeSync } from '../browser.js';

test('percentile uses nearest rank', () => {
  const values = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
  assert.equal(percentile(values, 50), 5);
  assert.equal(percentile(values, 95), 10);
  assert.equal(percentile(values, 0), 1);
  assert.ok(Number.isNaN(percentile([], 50)));
});

test('percentiles report count and max', () => {
  const result = percentiles([3, 1, 2]);
  assert.equal(result.count, 3);
  assert.equal(result.p50, 2);
  assert.equal(result.max, 3);
});

test('median picks a measured value', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2);
  assert.equal(median([Number.NaN, 7]), 7);
  assert.deepEqual(
    medianOf([
      { a: 1, b: 9 },
      { a: 3, b: 7 },
      { a: 2, b: 8 },
    ]),
    { a: 2, b: 8 },
  );
});

test('visemeSync measures drawn cue offsets', () => {
  const turns = [
    {
      turnNumber: 1,
      cues: [
        { viseme: 'sil', startMs: 0 },
        { viseme: 'aa', startMs: 100 },
        { viseme: 'PP', startMs: 200 },
      ],
    },
  ];
  const frames = [
    { time: 0, audioTime: 0, turnNumber: 1, turnMs: 90, viseme: 'sil' },
    { time: 16, audioTime: 0, turnNumber: 1, turnMs: 106, viseme: 'aa' },
    { time: 32, audioTime: 0, turnNumber: 1, turnMs: 206, viseme: 'aa' },
    { time: 48, audioTime: 0, turnNumber: 1, turnMs: 222, viseme: 'PP' },
  ];
  const result = visemeSync(frames, turns);
  assert.deepEqual(result.offsets, [6, 22]);
  assert.equal(result.mismatched, 1);
});
