// Independent writers of raw KS payloads, so tests can build inputs that mintKs refuses to make
// (duplicate keys, missing fields, odd lengths) without going through the code under test.
import { createCipheriv, createHash } from 'node:crypto';

export const TEST_SECRET = 'test-admin-secret-0123456789abcdef';

/** Builds a v2 KS whose payload query string is exactly `query`. */
export function rawKsV2(partnerId: number | string, query: string, secret = TEST_SECRET, random = Buffer.alloc(16, 7)): string {
  const body = Buffer.concat([random, Buffer.from(query, 'utf8')]);
  const plaintext = Buffer.concat([createHash('sha1').update(body).digest(), body]);
  const padded = Buffer.concat([plaintext, Buffer.alloc((16 - (plaintext.length % 16)) % 16)]);
  const key = createHash('sha1').update(secret).digest().subarray(0, 16);
  const cipher = createCipheriv('aes-128-cbc', key, Buffer.alloc(16));
  cipher.setAutoPadding(false);
  const ciphertext = Buffer.concat([cipher.update(padded), cipher.final()]);
  return Buffer.concat([Buffer.from(`v2|${partnerId}|`), ciphertext])
    .toString('base64')
    .replaceAll('+', '-')
    .replaceAll('/', '_');
}

/** Builds a v1 KS over `info`; `signature` overrides the computed lower-case hex SHA-1. */
export function rawKsV1(info: string, secret = TEST_SECRET, signature?: string): string {
  const sig =
    signature ??
    createHash('sha1')
      .update(secret + info)
      .digest('hex');
  return Buffer.from(`${sig}|${info}`, 'utf8').toString('base64');
}

/** Decodes a KS of either alphabet to bytes (the test inputs are well-formed). */
export function ksBytes(ks: string): Buffer {
  return Buffer.from(ks.replaceAll('-', '+').replaceAll('_', '/'), 'base64');
}

/** Encodes bytes as a v2 KS is written (url-safe alphabet, padding kept). */
export function urlSafe(bytes: Buffer): string {
  return bytes.toString('base64').replaceAll('+', '-').replaceAll('/', '_');
}
