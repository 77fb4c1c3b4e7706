// PHP's `urlencode`, `http_build_query` and `parse_str`, as far as KS v2 payloads need them.

const UNRESERVED_BYTE = /^[A-Za-z0-9._-]$/;

/**
 * Encodes like PHP `urlencode`: bytes `[A-Za-z0-9._-]` stay, space becomes `+`, and every other
 * UTF-8 byte becomes `%XX` with upper-case hex (so `*` is `%2A` and `~` is `%7E`).
 */
export function phpUrlEncode(value: string): string {
  let encoded = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (UNRESERVED_BYTE.test(char)) {
      encoded += char;
    } else if (byte === 0x20) {
      encoded += '+';
    } else {
      encoded += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
    }
  }

  return encoded;
}

/**
 * Decodes like PHP `urldecode`: `+` becomes space, then each `%XX` becomes its byte. A `%` not
 * followed by two hex digits stays as it is, as in PHP. The bytes are read as UTF-8.
 */
export function phpUrlDecode(value: string): string {
  const bytes: number[] = [];
  const input = Buffer.from(value, 'utf8');
  for (let index = 0; index < input.length; index++) {
    const byte = input[index] as number;
    if (byte === 0x2b) {
      bytes.push(0x20);
      continue;
    }

    if (byte === 0x25 && index + 2 < input.length && isHexByte(input[index + 1]) && isHexByte(input[index + 2])) {
      bytes.push(parseInt(String.fromCharCode(input[index + 1] as number, input[index + 2] as number), 16));
      index += 2;
      continue;
    }

    bytes.push(byte);
  }

  return Buffer.from(bytes).toString('utf8');
}

function isHexByte(byte: number | undefined): boolean {
  return byte !== undefined && /^[0-9A-Fa-f]$/.test(String.fromCharCode(byte));
}

/**
 * Builds a query string like PHP `http_build_query($fields, '', '&')`: pairs in map order, keys
 * and values through {@link phpUrlEncode}. PHP skips null values, so callers leave them out.
 */
export function phpHttpBuildQuery(fields: ReadonlyMap<string, string>): string {
  const pairs: string[] = [];
  for (const [key, value] of fields) {
    pairs.push(`${phpUrlEncode(key)}=${phpUrlEncode(value)}`);
  }

  return pairs.join('&');
}

/**
 * Parses a query string like PHP `parse_str`. Pieces are split on `&`, a piece without `=` has the
 * value "", and keys and values are URL-decoded. A later duplicate replaces the value while the
 * key keeps its first position, which is how a JavaScript Map orders keys too.
 *
 * PHP would rewrite `.` and space in a key to `_` and read `[` as array syntax. No Kaltura field
 * or privilege name uses those characters, so such keys are skipped rather than imitated, and so
 * are empty keys, which PHP skips too.
 */
export function phpParseStr(query: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const piece of query.split('&')) {
    if (piece === '') {
      continue;
    }

    const equals = piece.indexOf('=');
    const rawKey = equals === -1 ? piece : piece.slice(0, equals);
    const rawValue = equals === -1 ? '' : piece.slice(equals + 1);
    const key = phpUrlDecode(rawKey);
    if (key === '' || /[.\s[\]]/.test(key)) {
      continue;
    }

    fields.set(key, phpUrlDecode(rawValue));
  }

  return fields;
}
