import assert from 'node:assert/strict';
import { test } from 'node:test';
import { phpHttpBuildQuery, phpParseStr, phpUrlDecode, phpUrlEncode } from '../../src/ks/index.js';

const encodings: Array<[string, string]> = [
  ['user@example.com', 'user%40example.com'],
  ['AZaz09._-', 'AZaz09._-'],
  ['a b', 'a+b'],
  ['*', '%2A'],
  ['/:~', '%2F%3A%7E'],
  ['+&=%', '%2B%26%3D%25'],
  ['é', '%C3%A9'],
  ['\n', '%0A'],
];

for (const [input, expected] of encodings) {
  test(`phpUrlEncode ${JSON.stringify(input)}`, () => {
    assert.equal(phpUrlEncode(input), expected);
    assert.equal(phpUrlDecode(expected), input);
  });
}

test('phpUrlDecode keeps invalid escapes', () => {
  assert.equal(phpUrlDecode('100%'), '100%');
  assert.equal(phpUrlDecode('%zz%4'), '%zz%4');
  assert.equal(phpUrlDecode('%7e%7E'), '~~');
});

test('phpHttpBuildQuery order and encoding', () => {
  const fields = new Map([
    ['sview', '1_abcd1234'],
    ['all', '*'],
    ['_u', 'user@example.com'],
    ['empty', ''],
  ]);
  assert.equal(phpHttpBuildQuery(fields), 'sview=1_abcd1234&all=%2A&_u=user%40example.com&empty=');
});

test('phpParseStr duplicates and odd pieces', () => {
  const fields = phpParseStr('a=1&&b&a=2&=x&c=%41+B&d.e=1&f[0]=1&g h=1');
  assert.deepEqual(
    [...fields],
    [
      ['a', '2'],
      ['b', ''],
      ['c', 'A B'],
    ],
  );
});
