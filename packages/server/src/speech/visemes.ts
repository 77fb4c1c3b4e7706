import type { Viseme, VisemeCue } from '@orator/protocol';

/**
 * IPA → Oculus viseme mapping for the phonemes eSpeak NG emits (docs/lipsync.md has the table
 * and the reasons behind each row).
 *
 * eSpeak reports one phoneme per event, and an event's text can hold several IPA segments: a
 * stress mark, a diphthong (`ˈaɪ`), an r-coloured vowel (`ˈɔːɹ`), a nasal diphthong (`ɐ̃ʊ̃`), a
 * geminate (`ss`) or a syllabic consonant (`əl`). Every segment maps to one viseme, so a diphthong
 * becomes two mouth shapes within the phoneme's time.
 */

/** Multi-symbol segments that form one articulation; matched before single symbols. */
const CLUSTERS: ReadonlyArray<readonly [string, Viseme]> = [
  ['tʃ', 'CH'],
  ['dʒ', 'CH'],
  ['tɕ', 'CH'],
  ['dʑ', 'CH'],
  ['ʈʂ', 'CH'],
  ['ɖʐ', 'CH'],
  ['ts', 'SS'],
  ['dz', 'SS'],
];

/** Base IPA symbol → viseme. Symbols arrive without stress, length, tie bars and diacritics. */
export const PHONEME_VISEMES: Readonly<Record<string, Viseme>> = {
  // Bilabials: lips closed.
  p: 'PP',
  b: 'PP',
  m: 'PP',
  β: 'PP',
  ʙ: 'PP',
  // Labiodentals: lower lip on the upper teeth.
  f: 'FF',
  v: 'FF',
  ʋ: 'FF',
  ɸ: 'FF',
  ɱ: 'FF',
  // Dentals.
  θ: 'TH',
  ð: 'TH',
  // Alveolar and retroflex stops and taps.
  t: 'DD',
  d: 'DD',
  ɾ: 'DD',
  ʈ: 'DD',
  ɖ: 'DD',
  ɗ: 'DD',
  // Velar, uvular, palatal stops, back fricatives and glottals: jaw slightly open, lips neutral.
  k: 'kk',
  g: 'kk',
  ɡ: 'kk',
  ŋ: 'kk',
  x: 'kk',
  ɣ: 'kk',
  q: 'kk',
  ɢ: 'kk',
  χ: 'kk',
  c: 'kk',
  ɟ: 'kk',
  h: 'kk',
  ɦ: 'kk',
  ʔ: 'kk',
  ħ: 'kk',
  ʕ: 'kk',
  ɰ: 'kk',
  ɴ: 'kk',
  // Postalveolar and palatal fricatives: lips pushed forward.
  ʃ: 'CH',
  ʒ: 'CH',
  ç: 'CH',
  ʝ: 'CH',
  ɕ: 'CH',
  ʑ: 'CH',
  ʂ: 'CH',
  ʐ: 'CH',
  // Alveolar sibilants: teeth close, lips spread.
  s: 'SS',
  z: 'SS',
  // Alveolar and palatal nasals and laterals: tongue tip up, mouth slightly open.
  n: 'nn',
  l: 'nn',
  ɲ: 'nn',
  ɫ: 'nn',
  ʎ: 'nn',
  ɬ: 'nn',
  ɮ: 'nn',
  ɳ: 'nn',
  ɭ: 'nn',
  ʟ: 'nn',
  // Rhotics, including the r-coloured schwas of American English.
  r: 'RR',
  ɹ: 'RR',
  ʁ: 'RR',
  ʀ: 'RR',
  ɻ: 'RR',
  ɽ: 'RR',
  ɚ: 'RR',
  ɝ: 'RR',
  // Open vowels.
  a: 'aa',
  ɑ: 'aa',
  æ: 'aa',
  ɐ: 'aa',
  ʌ: 'aa',
  ɶ: 'aa',
  // Mid unrounded vowels.
  e: 'E',
  ɛ: 'E',
  ə: 'E',
  ɜ: 'E',
  ɘ: 'E',
  ɤ: 'E',
  // Close unrounded vowels and the palatal glide.
  i: 'I',
  ɪ: 'I',
  ɨ: 'I',
  ᵻ: 'I',
  ɯ: 'I',
  j: 'I',
  // Mid rounded vowels, front ones included (ø, œ): the lips decide the shape.
  o: 'O',
  ɔ: 'O',
  ɒ: 'O',
  ø: 'O',
  œ: 'O',
  ɵ: 'O',
  ɞ: 'O',
  // Close rounded vowels and the rounded glides.
  u: 'U',
  ʊ: 'U',
  y: 'U',
  ʏ: 'U',
  ʉ: 'U',
  w: 'U',
  ɥ: 'U',
};

/**
 * Marks that change no mouth shape and are removed before lookup: ASCII control characters (eSpeak
 * occasionally leaves one at the end of a phoneme), combining diacritics and tie bars
 * (U+0300–U+036F), spacing modifier letters including ˈ ˌ ː ʲ ʷ ʰ (U+02B0–U+02FF), superscript
 * n (ⁿ), the syllable dot and the hyphen eSpeak appends to unstressed French vowels.
 */
const IGNORED_MARKS = /[\u0000-\u001f\u0300-\u036f\u02b0-\u02ff\u1d9c-\u1dbf\u207f.-]/gu;

/** A phoneme split into visemes, plus the symbols the table does not know. */
export interface PhonemeAnalysis {
  /** Mouth shapes in order, consecutive duplicates merged; `['sil']` for a pause. */
  visemes: Viseme[];
  /** Symbols with no entry in {@link PHONEME_VISEMES}; empty when the phoneme is fully mapped. */
  unmapped: string[];
  /** True for eSpeak's language-switch markers such as `(en)`, which are not sounds. */
  marker: boolean;
}

/** Split one eSpeak phoneme (IPA) into visemes. An empty phoneme is eSpeak's pause. */
export function analyzePhoneme(phoneme: string): PhonemeAnalysis {
  if (phoneme.startsWith('(')) {
    return { visemes: [], unmapped: [], marker: true };
  }

  if (phoneme.trim() === '' || phoneme === '_') {
    return { visemes: ['sil'], unmapped: [], marker: false };
  }

  const symbols = [...phoneme.replace(IGNORED_MARKS, '')];
  const visemes: Viseme[] = [];
  const unmapped: string[] = [];

  for (let index = 0; index < symbols.length; index++) {
    const pair = `${symbols[index]}${symbols[index + 1] ?? ''}`;
    const cluster = CLUSTERS.find(([segment]) => segment === pair);
    if (cluster) {
      pushViseme(visemes, cluster[1]);
      index++;
      continue;
    }

    const symbol = symbols[index] as string;
    const viseme = PHONEME_VISEMES[symbol];
    if (viseme) {
      pushViseme(visemes, viseme);
    } else if (symbol.trim() !== '') {
      unmapped.push(symbol);
    }
  }

  return { visemes, unmapped, marker: false };
}

function pushViseme(visemes: Viseme[], viseme: Viseme): void {
  if (visemes[visemes.length - 1] !== viseme) {
    visemes.push(viseme);
  }
}

/** One phoneme with its start in ms; an empty `phoneme` is a pause. */
export interface TimedPhoneme {
  phoneme: string;
  startMs: number;
}

/**
 * Build the viseme timeline of an utterance from its timed phonemes.
 *
 * A phoneme lasts until the next phoneme starts (the last one until `durationMs`). A phoneme with
 * several visemes splits its time evenly among them. Pauses become `sil`, and so does the time
 * before the first phoneme. The result starts at 0, is sorted, has no two consecutive equal visemes
 * and no cue at or after `durationMs` except the cue at 0.
 */
export function buildVisemeTimeline(phonemes: readonly TimedPhoneme[], durationMs: number): VisemeCue[] {
  const cues: VisemeCue[] = [{ viseme: 'sil', startMs: 0 }];
  const sounds = phonemes.filter((item) => !analyzePhoneme(item.phoneme).marker);

  for (let index = 0; index < sounds.length; index++) {
    const current = sounds[index] as TimedPhoneme;
    const next = sounds[index + 1];
    const endMs = Math.max(current.startMs, next ? next.startMs : durationMs);
    const visemes = analyzePhoneme(current.phoneme).visemes;
    const share = (endMs - current.startMs) / Math.max(visemes.length, 1);

    visemes.forEach((viseme, position) => {
      cues.push({ viseme, startMs: Math.round(current.startMs + position * share) });
    });
  }

  return normalizeVisemeCues(cues, durationMs);
}

/**
 * Sort cues, keep the last of cues that share a start, drop cues at or after `durationMs` (the
 * cue at 0 stays), start with `sil` at 0 if nothing starts there, and merge consecutive equal
 * visemes.
 */
export function normalizeVisemeCues(cues: readonly VisemeCue[], durationMs: number): VisemeCue[] {
  const sorted = cues
    .map((cue, order) => ({ cue, order }))
    .sort((a, b) => a.cue.startMs - b.cue.startMs || a.order - b.order)
    .map(({ cue }) => ({ viseme: cue.viseme, startMs: Math.max(0, Math.round(cue.startMs)) }));

  const byStart: VisemeCue[] = [];
  for (const cue of sorted) {
    const last = byStart[byStart.length - 1];
    if (last && last.startMs === cue.startMs) {
      last.viseme = cue.viseme;
    } else {
      byStart.push(cue);
    }
  }

  const result: VisemeCue[] = [];
  for (const cue of byStart) {
    if (cue.startMs > 0 && cue.startMs >= durationMs) {
      break;
    }

    if (result.length === 0 && cue.startMs > 0) {
      result.push({ viseme: 'sil', startMs: 0 });
    }

    if (result[result.length - 1]?.viseme !== cue.viseme) {
      result.push(cue);
    }
  }

  return result.length > 0 ? result : [{ viseme: 'sil', startMs: 0 }];
}
