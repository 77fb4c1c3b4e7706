import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeKsBase64, KsError, MAX_KS_LENGTH } from '../../src/ks/index.js';

const malformed = (error: unknown): boolean => error instanceof KsError && error.code === 'KS_MALFORMED';

// Each row: input, expected decoded bytes as latin1 text, or null when PHP's strict mode rejects it.
const cases: Array<{ name: string; input: string; expected: string | null }> = [
  { name: 'padded standard', input: 'YWJjZA==', expected: 'abcd' },
  { name: 'no padding', input: 'YWJjZA', expected: 'abcd' },
  { name: 'one pad of two', input: 'YWJjZA=', expected: null },
  { name: 'three pads', input: 'YWJjZA===', expected: null },
  { name: 'pad on full group', input: 'YWJj=', expected: null },
  { name: 'len%4==1', input: 'YWJjZ', expected: null },
  { name: 'data after =', input: 'YWJjZA==YQ', expected: null },
  { name: 'url-safe', input: '-_-_', expected: '\xfb\xff\xbf' },
  { name: 'standard +/', input: '+/+/', expected: '\xfb\xff\xbf' },
  { name: 'mixed alphabet', input: '+_-/', expected: '\xfb\xff\xbf' },
  { name: 'whitespace skipped', input: ' YW\tJj\r\nZA== ', expected: 'abcd' },
  { name: 'whitespace after pad', input: 'YWJjZA= =', expected: 'abcd' },
  { name: 'vertical tab rejected', input: 'YWJj\vZA==', expected: null },
  { name: 'bad character', input: 'YWJj*ZA==', expected: null },
  { name: 'dot rejected', input: 'YWJj.ZA', expected: null },
  { name: 'empty', input: '', expected: null },
  { name: 'only whitespace', input: '  \n', expected: null },
  { name: 'only padding', input: '==', expected: null },
  { name: 'decodes to "0"', input: 'MA==', expected: null },
  { name: 'decodes to "0" unpadded', input: 'MA', expected: null },
  { name: 'decodes to "00"', input: 'MDA=', expected: '00' },
];

for (const row of cases) {
  test(`strict base64: ${row.name}`, () => {
    if (row.expected === null) {
      assert.throws(() => decodeKsBase64(row.input), malformed);
    } else {
      assert.equal(decodeKsBase64(row.input).toString('latin1'), row.expected);
    }
  });
}

test('strict base64: length limit', () => {
  assert.throws(() => decodeKsBase64('A'.repeat(MAX_KS_LENGTH + 4)), malformed);
  assert.equal(decodeKsBase64('QUFB'.repeat(MAX_KS_LENGTH / 4)).length, (MAX_KS_LENGTH / 4) * 3);
});
