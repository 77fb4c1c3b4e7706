import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SentenceSegmenter } from '../../src/speech/segmenter.js';

function segmentWhole(text: string, maxLength?: number): string[] {
  const segmenter = new SentenceSegmenter({ maxLength });
  return [...segmenter.push(text), ...segmenter.flush()];
}

function segmentChunks(chunks: readonly string[], maxLength?: number): string[] {
  const segmenter = new SentenceSegmenter({ maxLength });
  const sentences: string[] = [];
  for (const chunk of chunks) {
    sentences.push(...segmenter.push(chunk));
  }
  sentences.push(...segmenter.flush());
  return sentences;
}

const CASES: ReadonlyArray<{ name: string; text: string; sentences: string[] }> = [
  { name: 'two plain sentences', text: 'Hello there. How are you?', sentences: ['Hello there. ', 'How are you?'] },
  { name: 'leading and trailing whitespace', text: '  Hi.  Bye.  ', sentences: ['  Hi.  ', 'Bye.  '] },
  { name: 'decimal number', text: 'Pi is 3.14 today. Yes.', sentences: ['Pi is 3.14 today. ', 'Yes.'] },
  { name: 'sentence ending in a number', text: 'I have 3. Then more.', sentences: ['I have 3. ', 'Then more.'] },
  {
    name: 'title abbreviations',
    text: 'Dr. Smith met Mr. and Mrs. Jones. They talked.',
    sentences: ['Dr. Smith met Mr. and Mrs. Jones. ', 'They talked.'],
  },
  {
    name: 'latin abbreviations',
    text: 'Fruit, e.g. Apples, i.e. Red ones. Good.',
    sentences: ['Fruit, e.g. Apples, i.e. Red ones. ', 'Good.'],
  },
  { name: 'etc before lowercase', text: 'Apples, pears, etc. are fine. Next.', sentences: ['Apples, pears, etc. are fine. ', 'Next.'] },
  { name: 'etc at sentence end', text: 'Apples, pears, etc. Then we ate.', sentences: ['Apples, pears, etc. ', 'Then we ate.'] },
  { name: 'initials', text: 'J. R. R. Tolkien wrote it. Really.', sentences: ['J. R. R. Tolkien wrote it. ', 'Really.'] },
  {
    name: 'url',
    text: 'Visit https://example.com/a.b?q=1. Then log in.',
    sentences: ['Visit https://example.com/a.b?q=1. ', 'Then log in.'],
  },
  {
    name: 'email',
    text: 'Write to jane.doe@mail.example.org. We answer fast.',
    sentences: ['Write to jane.doe@mail.example.org. ', 'We answer fast.'],
  },
  { name: 'ellipsis before lowercase', text: 'Wait... what happened? Nothing.', sentences: ['Wait... what happened? ', 'Nothing.'] },
  { name: 'ellipsis before uppercase', text: 'Well… Maybe. Sure!', sentences: ['Well… ', 'Maybe. ', 'Sure!'] },
  { name: 'quote after period', text: 'He said "Go." Then he left.', sentences: ['He said "Go." ', 'Then he left.'] },
  { name: 'bracket after period', text: '(See the table.) It helps.', sentences: ['(See the table.) ', 'It helps.'] },
  { name: 'emoji after terminator', text: 'Great job! 🎉🎉 Next step.', sentences: ['Great job! 🎉🎉 ', 'Next step.'] },
  { name: 'emoji sequence', text: 'Done! 👩🏽‍💻 Go on.', sentences: ['Done! 👩🏽‍💻 ', 'Go on.'] },
  { name: 'question and exclamation run', text: 'Really?! Yes.', sentences: ['Really?! ', 'Yes.'] },
  { name: 'numbered list', text: 'Steps:\n1. Open it.\n2. Close it.', sentences: ['Steps:\n', '1. Open it.\n', '2. Close it.'] },
  { name: 'blank line', text: 'Title\n\nbody text here.', sentences: ['Title\n\n', 'body text here.'] },
  { name: 'wrapped line', text: 'a long\nline continues. End.', sentences: ['a long\nline continues. ', 'End.'] },
  { name: 'spanish openers', text: '¿Qué tal? ¡Muy bien!', sentences: ['¿Qué tal? ', '¡Muy bien!'] },
  { name: 'full-width terminators', text: '你好。我们走吧！好', sentences: ['你好。', '我们走吧！', '好'] },
  { name: 'no terminator', text: 'just words', sentences: ['just words'] },
  { name: 'only whitespace', text: '   ', sentences: ['   '] },
  { name: 'empty', text: '', sentences: [] },
];

for (const { name, text, sentences } of CASES) {
  test(`segmenter: ${name}`, () => {
    assert.deepEqual(segmentWhole(text), sentences);
  });
}

test('segmenter waits for the character after a terminator', () => {
  const segmenter = new SentenceSegmenter();

  assert.deepEqual(segmenter.push('It costs 3.'), []);
  assert.deepEqual(segmenter.push('14 dollars.   '), []);
  assert.deepEqual(segmenter.push('Ok'), ['It costs 3.14 dollars.   ']);
  assert.deepEqual(segmenter.flush(), ['Ok']);
});

test('segmenter keeps an abbreviation split across chunks', () => {
  assert.deepEqual(segmentChunks(['Ask D', 'r', '.', ' ', 'Sm', 'ith now. Bye']), ['Ask Dr. Smith now. ', 'Bye']);
});

test('segmenter flush returns nothing after everything was returned', () => {
  const segmenter = new SentenceSegmenter();
  assert.deepEqual(segmenter.push('One. Two'), ['One. ']);
  assert.deepEqual(segmenter.flush(), ['Two']);
  assert.deepEqual(segmenter.flush(), []);
});

test('segmenter caps a run-on sentence at a clause break', () => {
  const clause = 'this clause goes on and on without stopping, ';
  const text = clause.repeat(20);
  const sentences = segmentWhole(text, 120);

  assert.equal(sentences.join(''), text);
  assert.ok(sentences.length > 1);
  for (const sentence of sentences) {
    assert.ok(sentence.length <= 120, `sentence of ${sentence.length} chars: ${JSON.stringify(sentence)}`);
  }
  for (const sentence of sentences.slice(0, -1)) {
    assert.match(sentence, /, $/u);
  }
});

test('segmenter caps a run-on sentence at a word break', () => {
  const text = 'word '.repeat(100);
  const sentences = segmentWhole(text, 50);

  assert.equal(sentences.join(''), text);
  for (const sentence of sentences) {
    assert.ok(sentence.length <= 50);
    assert.match(sentence, /^(word )+$/u);
  }
});

test('segmenter cuts text without spaces at the limit', () => {
  const text = `${'x'.repeat(59)}😀${'y'.repeat(60)}`;
  const sentences = segmentWhole(text, 60);

  assert.equal(sentences.join(''), text);
  assert.equal(sentences[0], 'x'.repeat(59));
  for (const sentence of sentences) {
    assert.ok(sentence.length <= 60);
    assert.ok(!/[\ud800-\udbff]$/u.test(sentence), 'a sentence ends inside a surrogate pair');
  }
});

test('segmenter rejects a too small maxLength', () => {
  assert.throws(() => new SentenceSegmenter({ maxLength: 3 }), RangeError);
});

/** Texts for the chunking property; together they hit every rule above. */
const PROPERTY_TEXTS = [
  ...CASES.map((entry) => entry.text),
  'Dr. Who paid $3.50 at 5 p.m. Then he left... or not?! "Fine." (Really.) 🎉 Mail me at a.b@c.de. OK.\n\n- item one\n- item two',
  'It is 3.\n14 is not pi. e.g. this, and i.e. that; etc. Visit www.x.org/path.html. 😀😀 Bye!',
  `${'run on and on, '.repeat(12)}end.`,
];

test('segmenter output is independent of chunking', () => {
  for (const text of PROPERTY_TEXTS) {
    for (const maxLength of [undefined, 40]) {
      const expected = segmentWhole(text, maxLength);
      assert.equal(expected.join(''), text);

      // Every split into two chunks, and every split into three chunks up to a bound.
      for (let first = 0; first <= text.length; first++) {
        const two = segmentChunks([text.slice(0, first), text.slice(first)], maxLength);
        assert.deepEqual(two, expected, `split at ${first} of ${JSON.stringify(text)}`);
      }

      const step = Math.max(1, Math.floor(text.length / 25));
      for (let first = 0; first <= text.length; first += step) {
        for (let second = first; second <= text.length; second += step) {
          const three = segmentChunks([text.slice(0, first), text.slice(first, second), text.slice(second)], maxLength);
          assert.deepEqual(three, expected, `split at ${first} and ${second} of ${JSON.stringify(text)}`);
        }
      }

      // One UTF-16 code unit at a time, the worst case for a streamed turn.
      assert.deepEqual(segmentChunks([...text.split('')], maxLength), expected);
    }
  }
});
