import type { VisemeCue, WordTiming } from '@orator/protocol';
import type { EspeakEvent } from '@echogarden/espeak-ng-emscripten';
import type { PhonemeTiming } from '../engine.js';
import { analyzePhoneme, buildVisemeTimeline } from '../visemes.js';
import type { EscapedText } from './ssml.js';

export interface EspeakTimeline {
  visemes: VisemeCue[];
  words: WordTiming[];
  phonemes: PhonemeTiming[];
}

interface Sound {
  phoneme: string;
  startMs: number;
  /** Index into the word list, or -1 for pauses and sounds before the first word. */
  word: number;
}

/**
 * Turn eSpeak's events for one synthesis into words, phonemes and visemes.
 *
 * eSpeak sends a `word` event before each word's phonemes and a `phoneme` event with an empty id
 * for each pause. A word therefore spans from its first phoneme to the start of whatever follows
 * its last phoneme. Words that produced no phoneme (unspoken punctuation) are left out.
 */
export function buildEspeakTimeline(
  events: readonly EspeakEvent[],
  escaped: EscapedText,
  text: string,
  durationMs: number,
): EspeakTimeline {
  const wordRanges: SourceRange[] = [];
  const sounds: Sound[] = [];

  for (const event of events) {
    if (event.type === 'word') {
      const range = sourceRange(escaped, event.text_position, event.word_length);
      const last = wordRanges[wordRanges.length - 1];

      // eSpeak splits numbers into several word events that start inside the same token ("1984"
      // gives "1984" and "984"). They stay one word, so the words still rebuild the text.
      if (!range) {
        continue;
      } else if (last && range.start < last.end) {
        last.end = Math.max(last.end, range.end);
      } else {
        wordRanges.push(range);
      }
    } else if (event.type === 'phoneme') {
      const phoneme = typeof event.id === 'string' ? event.id : '';
      if (analyzePhoneme(phoneme).marker) {
        continue;
      }

      const isPause = phoneme === '';
      sounds.push({ phoneme, startMs: event.audio_position, word: isPause ? -1 : wordRanges.length - 1 });
    }
  }

  const visemes = buildVisemeTimeline(sounds, durationMs);
  const phonemes = sounds
    .filter((sound) => sound.phoneme !== '')
    .map(({ phoneme, startMs }) => ({ phoneme, startMs: Math.min(startMs, durationMs) }));
  const wordTexts = wordRanges.map((range) => wordText(text.slice(range.start, range.end)));
  const words = wordTimings(wordTexts, sounds, durationMs);

  return { visemes, words, phonemes };
}

function wordTimings(wordTexts: readonly string[], sounds: readonly Sound[], durationMs: number): WordTiming[] {
  const words: WordTiming[] = [];

  for (let word = 0; word < wordTexts.length; word++) {
    const first = sounds.findIndex((sound) => sound.word === word);
    if (first === -1) {
      continue;
    }

    let last = first;
    while (last + 1 < sounds.length && sounds[last + 1]?.word === word) {
      last++;
    }

    const startMs = Math.min((sounds[first] as Sound).startMs, durationMs);
    const endMs = Math.min(sounds[last + 1]?.startMs ?? durationMs, durationMs);
    const text = wordTexts[word] as string;
    if (text !== '') {
      words.push({ text, startMs, endMs: Math.max(startMs, endMs) });
    }
  }

  return words;
}

interface SourceRange {
  start: number;
  end: number;
}

/** UTF-16 range in the caller's text of an eSpeak text position (1-based code points of the escaped input). */
function sourceRange(escaped: EscapedText, position: number, length: number): SourceRange | undefined {
  const first = position - 1;
  const last = Math.min(first + Math.max(length, 1) - 1, escaped.sourceEnd.length - 1);
  const start = escaped.sourceStart[first];
  const end = escaped.sourceEnd[last];

  if (start === undefined || end === undefined || end <= start) {
    return undefined;
  }

  return { start, end };
}

/** Word text without surrounding whitespace and sentence punctuation, unless that is all it is (`&`). */
function wordText(raw: string): string {
  const trimmed = raw.trim();
  const bare = trimmed.replace(/^[\s"'“”‘’«»¿¡([{]+|[\s"'“”‘’«».,;:!?…)\]}]+$/gu, '');
  return bare === '' ? trimmed : bare;
}
