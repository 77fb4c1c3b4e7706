import type { WordTiming } from '@orator/protocol';

/** A word of the sentence text with its timing and its character span in that text. */
export interface AlignedWord extends WordTiming {
  charStart: number;
  charEnd: number;
}

/**
 * Split `text` into its whitespace-separated tokens and time each one from the engine's words.
 *
 * Engines leave out punctuation and sometimes words ("e.g." may come back as "e"), but viewers
 * and interrupt reports need words that rebuild the text exactly. A token takes the times of the
 * engine words found inside it, in order; a token with none gets times interpolated between its
 * neighbours. Times are ms from the start of the sentence's audio.
 */
export function alignWords(text: string, engineWords: readonly WordTiming[], durationMs: number): AlignedWord[] {
  const tokens: AlignedWord[] = [];
  for (const match of text.matchAll(/\S+/g)) {
    tokens.push({
      text: match[0],
      charStart: match.index!,
      charEnd: match.index! + match[0].length,
      startMs: Number.NaN,
      endMs: Number.NaN,
    });
  }

  let tokenIndex = 0;
  for (const word of engineWords) {
    const needle = word.text.trim().toLowerCase();
    if (needle === '') continue;

    for (let probe = tokenIndex; probe < tokens.length; probe++) {
      const token = tokens[probe]!;
      if (!token.text.toLowerCase().includes(needle)) continue;

      if (Number.isNaN(token.startMs)) token.startMs = word.startMs;
      token.endMs = Math.max(Number.isNaN(token.endMs) ? word.endMs : token.endMs, word.endMs);
      tokenIndex = probe;
      break;
    }
  }

  fillGaps(tokens, durationMs);
  return tokens;
}

/** Give untimed tokens an even share of the time between their timed neighbours. */
function fillGaps(tokens: AlignedWord[], durationMs: number): void {
  let index = 0;
  while (index < tokens.length) {
    if (!Number.isNaN(tokens[index]!.startMs)) {
      index += 1;
      continue;
    }

    let gapEnd = index;
    while (gapEnd < tokens.length && Number.isNaN(tokens[gapEnd]!.startMs)) gapEnd += 1;

    const from = index === 0 ? 0 : tokens[index - 1]!.endMs;
    const to = gapEnd < tokens.length ? tokens[gapEnd]!.startMs : durationMs;
    const share = Math.max(0, to - from) / (gapEnd - index);
    for (let gap = index; gap < gapEnd; gap++) {
      tokens[gap]!.startMs = from + share * (gap - index);
      tokens[gap]!.endMs = from + share * (gap - index + 1);
    }
    index = gapEnd;
  }
}
