/** eSpeak input built from plain text, with a map from its code points back to the text. */
export interface EscapedText {
  ssml: string;
  /**
   * For code point `i` of `ssml`, the UTF-16 range `[sourceStart[i], sourceEnd[i])` of the
   * character of the original text it came from. eSpeak reports text positions in code points of
   * its input, so this map turns a word event back into the caller's text.
   */
  sourceStart: number[];
  sourceEnd: number[];
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/**
 * Escape plain text for eSpeak NG, which the Emscripten build always parses as SSML: without
 * escaping, `3 < 4` starts a tag and `&` starts an entity. C0 control characters other than tab and
 * line breaks are invalid in XML and become spaces.
 */
export function escapeForEspeak(text: string): EscapedText {
  let ssml = '';
  const sourceStart: number[] = [];
  const sourceEnd: number[] = [];
  let offset = 0;

  for (const character of text) {
    const replacement = ENTITIES[character] ?? (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/u.test(character) ? ' ' : character);

    const codePoints = [...replacement].length;
    for (let index = 0; index < codePoints; index++) {
      sourceStart.push(offset);
      sourceEnd.push(offset + character.length);
    }

    ssml += replacement;
    offset += character.length;
  }

  return { ssml, sourceStart, sourceEnd };
}
