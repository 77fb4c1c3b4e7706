import { KsError } from './errors.js';
import { MAX_KS_LENGTH } from './limits.js';

// PHP's strict base64_decode skips exactly these four bytes and rejects every other byte outside
// the alphabet (php-src ext/standard/base64.c, reverse table value -1).
const PHP_WHITESPACE = new Set(['\t', '\n', '\r', ' ']);

const STANDARD_ALPHABET = /^[A-Za-z0-9+/]$/;

/**
 * Decodes the outer base64 layer of a KS as Kaltura's server does: `-` and `_` are first mapped
 * to `+` and `/`, so both alphabets (even mixed) are accepted, then PHP's strict rules apply.
 * Whitespace is skipped, padding is optional, and a one-character last group, data after `=`,
 * or wrong padding are rejected. An empty result or the single byte "0" (falsy in PHP) is
 * rejected too. Throws KsError KS_MALFORMED.
 */
export function decodeKsBase64(input: string): Buffer {
  if (input.length === 0 || input.length > MAX_KS_LENGTH) {
    throw new KsError('KS_MALFORMED', `KS length must be between 1 and ${MAX_KS_LENGTH} characters`);
  }

  let data = '';
  let padding = 0;
  for (const rawChar of input) {
    if (PHP_WHITESPACE.has(rawChar)) {
      continue;
    }

    if (rawChar === '=') {
      padding++;
      continue;
    }

    let char = rawChar;
    if (char === '-') {
      char = '+';
    } else if (char === '_') {
      char = '/';
    }

    if (!STANDARD_ALPHABET.test(char)) {
      throw new KsError('KS_MALFORMED', 'KS contains a character outside the base64 alphabet');
    }

    if (padding > 0) {
      throw new KsError('KS_MALFORMED', 'KS has base64 data after the padding');
    }

    data += char;
  }

  if (data.length % 4 === 1) {
    throw new KsError('KS_MALFORMED', 'KS base64 is truncated (one character in the last group)');
  }

  if (padding > 0 && (padding > 2 || (data.length + padding) % 4 !== 0)) {
    throw new KsError('KS_MALFORMED', 'KS base64 padding is wrong');
  }

  // The input is now validated, so Node's lenient decoder cannot skip anything silently.
  const decoded = Buffer.from(data, 'base64');
  if (decoded.length === 0 || (decoded.length === 1 && decoded[0] === 0x30)) {
    throw new KsError('KS_MALFORMED', 'KS decodes to an empty value');
  }

  return decoded;
}

/** Encodes with the standard RFC 4648 alphabet and `=` padding, as a v1 KS is written. */
export function encodeStandardBase64(bytes: Buffer): string {
  return bytes.toString('base64');
}

/** Encodes as a v2 KS is written: `+` becomes `-`, `/` becomes `_`, and `=` padding is kept. */
export function encodeKsUrlSafeBase64(bytes: Buffer): string {
  return bytes.toString('base64').replaceAll('+', '-').replaceAll('/', '_');
}
