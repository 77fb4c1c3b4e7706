import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignWords } from '../../src/speaking/word-alignment.js';

test('alignment keeps punctuation and every token', () => {
  const words = alignWords(
    'Dr. Smith, e.g. here!',
    [
      { text: 'Doctor', startMs: 0, endMs: 100 },
      { text: 'Smith', startMs: 100, endMs: 300 },
      { text: 'e', startMs: 300, endMs: 350 },
      { text: 'here', startMs: 500, endMs: 700 },
    ],
    800,
  );

  assert.deepEqual(
    words.map((word) => word.text),
    ['Dr.', 'Smith,', 'e.g.', 'here!'],
  );
  assert.deepEqual(
    words.map((word) => [word.charStart, word.charEnd]),
    [
      [0, 3],
      [4, 10],
      [11, 15],
      [16, 21],
    ],
  );
  assert.equal(words[1]!.startMs, 100);
  assert.equal(words[2]!.startMs, 300);
  assert.equal(words[3]!.startMs, 500);
});

test('untimed tokens share the gap between neighbours', () => {
  const words = alignWords(
    'one two three four',
    [
      { text: 'one', startMs: 0, endMs: 100 },
      { text: 'four', startMs: 400, endMs: 500 },
    ],
    600,
  );

  assert.deepEqual(
    words.map((word) => [word.startMs, word.endMs]),
    [
      [0, 100],
      [100, 250],
      [250, 400],
      [400, 500],
    ],
  );
});

test('trailing untimed tokens run to the end of the audio', () => {
  const words = alignWords('alpha beta', [{ text: 'alpha', startMs: 10, endMs: 200 }], 1000);
  assert.deepEqual(
    words.map((word) => [word.startMs, word.endMs]),
    [
      [10, 200],
      [200, 1000],
    ],
  );
});

test('no engine words spreads the text over the audio', () => {
  const words = alignWords('  a  b ', [], 300);
  assert.deepEqual(
    words.map((word) => [word.text, word.startMs, word.endMs]),
    [
      ['a', 0, 150],
      ['b', 150, 300],
    ],
  );
});

test('engine words out of reach do not move backwards', () => {
  const words = alignWords(
    'the cat the end',
    [
      { text: 'the', startMs: 0, endMs: 50 },
      { text: 'cat', startMs: 50, endMs: 150 },
      { text: 'the', startMs: 150, endMs: 200 },
      { text: 'end', startMs: 200, endMs: 300 },
    ],
    300,
  );
  assert.deepEqual(
    words.map((word) => word.startMs),
    [0, 50, 150, 200],
  );
});
