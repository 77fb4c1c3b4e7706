/**
 * Sentence segmentation for streamed text.
 *
 * A turn arrives in chunks that can split anywhere, even inside a word, and speech should start
 * as soon as the first sentence is complete. The segmenter buffers text and returns a sentence only
 * once its end is certain. A sentence end is a terminator followed by closing quotes and brackets,
 * whitespace and emoji, and it is known only when the next character has arrived, because "3." may
 * still become "3.14" and "Dr. " may be followed by "Smith".
 *
 * Invariant: the concatenation of every returned sentence equals the concatenation of every pushed
 * chunk. Whitespace after a sentence belongs to that sentence, and whitespace before the first
 * sentence belongs to the first sentence. The sentences do not depend on how the text was chunked.
 */

export interface SentenceSegmenterOptions {
  /**
   * Max sentence length in UTF-16 code units, trailing whitespace included; default 400. A longer
   * run is split at the last clause break (`,` `;` `:` dash) in its second half, else at the last
   * word break, else at the limit.
   */
  maxLength?: number;
}

const DEFAULT_MAX_LENGTH = 400;
const MIN_MAX_LENGTH = 20;

/** Sentence terminators; the full-width ones end a sentence without a following space. */
const TERMINATORS = new Set(['.', '!', '?', '…', '‼', '⁇', '⁈', '⁉', '。', '！', '？']);
const FULL_WIDTH_TERMINATORS = new Set(['。', '！', '？']);
const CLOSERS = new Set(['"', "'", ')', ']', '}', '”', '’', '»', '›', '」', '』', '】', '〕', '）']);
const OPENERS = /^[("'[{“‘«‹¿¡]+/u;
const CLAUSE_ENDS = new Set([',', ';', ':', '—', '–', '、', '，', '；', '：']);

/** Abbreviations that never end a sentence: titles and Latin abbreviations that precede more text. */
const NEVER_FINAL = new Set([
  'mr',
  'mrs',
  'ms',
  'dr',
  'prof',
  'sr',
  'jr',
  'st',
  'mt',
  'rev',
  'gen',
  'col',
  'lt',
  'sgt',
  'capt',
  'gov',
  'sen',
  'rep',
  'vs',
  'e.g',
  'i.e',
  'cf',
  'fig',
  'figs',
  'eq',
  'vol',
  'ch',
  'sec',
  'p',
  'pp',
]);

/** Abbreviations that end a sentence only when the next word is capitalised. */
const SOMETIMES_FINAL = new Set([
  'etc',
  'a.m',
  'p.m',
  'inc',
  'ltd',
  'co',
  'corp',
  'no',
  'approx',
  'dept',
  'est',
  'u.s',
  'u.k',
  'jan',
  'feb',
  'mar',
  'apr',
  'jun',
  'jul',
  'aug',
  'sep',
  'sept',
  'oct',
  'nov',
  'dec',
]);

/** Result of looking for the first sentence end in a buffer. */
type Boundary = { kind: 'found'; end: number } | { kind: 'pending' } | { kind: 'none' };

export class SentenceSegmenter {
  private buffer = '';
  private readonly maxLength: number;

  constructor(options: SentenceSegmenterOptions = {}) {
    this.maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;

    if (!Number.isInteger(this.maxLength) || this.maxLength < MIN_MAX_LENGTH) {
      throw new RangeError(`maxLength must be an integer of at least ${MIN_MAX_LENGTH}, got ${String(options.maxLength)}`);
    }
  }

  /** Add a chunk; returns the sentences whose end is now known, in order. */
  push(chunk: string): string[] {
    if (typeof chunk !== 'string') {
      throw new TypeError('chunk must be a string');
    }

    this.buffer += chunk;
    return this.drain(false);
  }

  /** End the text: returns every remaining sentence and empties the segmenter. */
  flush(): string[] {
    const sentences = this.drain(true);
    if (this.buffer !== '') {
      sentences.push(this.buffer);
      this.buffer = '';
    }

    return sentences;
  }

  /** Text pushed but not yet returned. */
  get pending(): string {
    return this.buffer;
  }

  private drain(final: boolean): string[] {
    const sentences: string[] = [];

    for (;;) {
      const boundary = findBoundary(this.buffer, final);

      let end: number | undefined;
      if (boundary.kind === 'found' && boundary.end <= this.maxLength) {
        end = boundary.end;
      } else if ((boundary.kind === 'found' && boundary.end > this.maxLength) || this.buffer.length > this.maxLength) {
        end = forcedBreak(this.buffer, this.maxLength);
      }

      if (end === undefined) {
        return sentences;
      }

      sentences.push(this.buffer.slice(0, end));
      this.buffer = this.buffer.slice(end);
    }
  }
}

/**
 * Find the end of the first sentence: the index of the first non-space character after the
 * terminator, its closers, whitespace and emoji. `pending` means a candidate end is not yet
 * decidable because the text stops inside that run.
 */
function findBoundary(text: string, final: boolean): Boundary {
  for (let index = 0; index < text.length; index++) {
    const character = text[index] as string;

    if (TERMINATORS.has(character)) {
      const result = terminatorBoundary(text, index, final);
      if (result.kind !== 'none') {
        return result;
      }
    } else if (character === '\n' && text.slice(0, index).trim() !== '') {
      const result = lineBreakBoundary(text, index, final);
      if (result.kind !== 'none') {
        return result;
      }
    }
  }

  return { kind: 'none' };
}

function terminatorBoundary(text: string, index: number, final: boolean): Boundary {
  let runEnd = index;
  while (runEnd < text.length && TERMINATORS.has(text[runEnd] as string)) {
    runEnd++;
  }

  let closersEnd = runEnd;
  while (closersEnd < text.length && CLOSERS.has(text[closersEnd] as string)) {
    closersEnd++;
  }

  const run = text.slice(index, runEnd);
  const fullWidth = [...run].some((character) => FULL_WIDTH_TERMINATORS.has(character));
  const { end, sawSpace } = skipSpaceAndEmoji(text, closersEnd);

  if (end === text.length) {
    // The text stops inside the run: wait for more, unless there is no more.
    return final ? { kind: 'none' } : { kind: 'pending' };
  }

  if (!sawSpace && !fullWidth) {
    // "3.14", "example.com", "?q=1": the terminator is inside a token.
    return { kind: 'none' };
  }

  const next = text[end] as string;
  if (/^[.…]+$/u.test(run) && !dotEndsSentence(text, index, run, next)) {
    return { kind: 'none' };
  }

  return { kind: 'found', end };
}

/** Decide whether a run of dots (or an ellipsis) ends the sentence, given the next character. */
function dotEndsSentence(text: string, index: number, run: string, next: string): boolean {
  if (isLowercase(next)) {
    return false;
  }

  if (run !== '.') {
    return true;
  }

  const token = tokenBefore(text, index);
  const word = token.replace(OPENERS, '').toLowerCase();

  if (NEVER_FINAL.has(word)) {
    return false;
  }

  if (SOMETIMES_FINAL.has(word)) {
    return isUppercase(next);
  }

  // A single letter is an initial ("J. R. R. Tolkien").
  if (/^\p{L}$/u.test(word)) {
    return false;
  }

  // "1. First step" at the start of a line or of the text is a list item, not a sentence.
  const lineStart = text.lastIndexOf('\n', index - token.length - 1) + 1;
  if (/^\d{1,3}$/u.test(word) && text.slice(lineStart, index - token.length).trim() === '') {
    return false;
  }

  return true;
}

/** Decide whether a line break ends a sentence: it does before a blank line or a line that does not start in lowercase. */
function lineBreakBoundary(text: string, index: number, final: boolean): Boundary {
  const { end } = skipSpaceAndEmoji(text, index);

  if (end === text.length) {
    return final ? { kind: 'none' } : { kind: 'pending' };
  }

  const gap = text.slice(index, end);
  const blankLine = (gap.match(/\n/gu)?.length ?? 0) >= 2;

  if (blankLine || !isLowercase(text[end] as string)) {
    return { kind: 'found', end };
  }

  return { kind: 'none' };
}

function skipSpaceAndEmoji(text: string, start: number): { end: number; sawSpace: boolean } {
  let end = start;
  let sawSpace = false;

  while (end < text.length) {
    const codePoint = text.codePointAt(end) as number;
    if (codePoint >= 0xd800 && codePoint <= 0xdbff && end + 1 === text.length) {
      // A high surrogate whose pair is still in the next chunk: undecidable until it arrives.
      return { end: text.length, sawSpace };
    }

    const character = String.fromCodePoint(codePoint);

    if (/\s/u.test(character)) {
      sawSpace = true;
    } else if (!isEmojiPart(character)) {
      break;
    }

    end += character.length;
  }

  return { end, sawSpace };
}

/** Emoji code points and the joiners, selectors and modifiers that build emoji sequences. */
function isEmojiPart(character: string): boolean {
  return /[\p{Extended_Pictographic}\p{Emoji_Modifier}\u200d\ufe0f\u20e3\u{1f1e6}-\u{1f1ff}\u{e0020}-\u{e007f}]/u.test(character);
}

/** Return the non-space text right before `index`. */
function tokenBefore(text: string, index: number): string {
  let start = index;
  while (start > 0 && !/\s/u.test(text[start - 1] as string)) {
    start--;
  }

  return text.slice(start, index);
}

/**
 * Find where to split a run longer than `maxLength`: after the last clause break in the second half
 * of the limit, else after the last word, else at the limit. A break point is the first non-space
 * character after whitespace, at most `maxLength`, so the result depends only on text that is
 * already known.
 */
function forcedBreak(text: string, maxLength: number): number {
  let lastWord = 0;
  let lastClause = 0;

  for (let index = 1; index <= maxLength && index < text.length; index++) {
    if (/\s/u.test(text[index] as string) || !/\s/u.test(text[index - 1] as string)) {
      continue;
    }

    lastWord = index;

    let before = index - 1;
    while (before > 0 && /\s/u.test(text[before] as string)) {
      before--;
    }

    if (CLAUSE_ENDS.has(text[before] as string) || TERMINATORS.has(text[before] as string)) {
      lastClause = index;
    }
  }

  if (lastClause >= maxLength / 2) {
    return lastClause;
  }

  if (lastWord > 0) {
    return lastWord;
  }

  // No whitespace at all: cut at the limit, but never between the halves of a surrogate pair.
  const code = text.charCodeAt(maxLength - 1);
  return code >= 0xd800 && code <= 0xdbff ? maxLength - 1 : maxLength;
}

function isLowercase(character: string): boolean {
  return /\p{Ll}/u.test(character);
}

function isUppercase(character: string): boolean {
  return /\p{Lu}/u.test(character);
}
