import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  AvatarDefinitionError,
  DEFAULT_MOUTH_SHAPES,
  NEUTRAL_POSE,
  VISEMES,
  buildAvatarScene,
  parseAvatarDefinition,
  renderAvatarSvg,
  type AnyAvatarDefinition,
} from '@orator/protocol';

const catalogDir = fileURLToPath(new URL('../../server/catalog/avatars/', import.meta.url));
const files = readdirSync(catalogDir).filter((name) => name.endsWith('.json'));
const load = (name: string): unknown => JSON.parse(readFileSync(`${catalogDir}${name}`, 'utf8'));
const VOICES = new Set(['espeak:en-us', 'espeak:en-us:female', 'espeak:en-gb', 'espeak:en-gb:female']);

function parseIssues(json: unknown): string[] {
  try {
    parseAvatarDefinition(json);
  } catch (error) {
    assert.ok(error instanceof AvatarDefinitionError);
    assert.equal(error.code, 'INVALID_AVATAR_DEFINITION');
    return error.issues;
  }
  return [];
}

test('catalog avatars parse and match file names', () => {
  assert.ok(files.length >= 7, `found ${files.length} avatars`);
  for (const name of files) {
    const def = parseAvatarDefinition(load(name));
    assert.equal(`${def.id}.json`, name);
    assert.ok(VOICES.has(def.defaultVoiceId), `${name}: voice ${def.defaultVoiceId}`);
  }
});

test('catalog has six distinct vector avatars', () => {
  const vectors = files.map((name) => parseAvatarDefinition(load(name))).filter((d) => d.kind === 'vector');
  assert.ok(vectors.length >= 6);
  const looks = new Set(vectors.map((d) => `${d.attributes.skinTone}|${d.attributes.hair}|${d.attributes.age}`));
  assert.equal(looks.size, vectors.length);
  assert.ok(new Set(vectors.map((d) => d.attributes.presentation)).size >= 2);
  assert.ok(new Set(vectors.map((d) => d.attributes.skinTone)).size >= 5);
});

test('image avatar files exist', () => {
  const images = files
    .map((name) => parseAvatarDefinition(load(name)))
    .filter((d): d is Extract<AnyAvatarDefinition, { kind: 'image' }> => d.kind === 'image');
  assert.ok(images.length >= 1);
  for (const def of images) {
    const urls = [def.portrait.url, ...Object.values(def.mouthImages), ...(def.blink ? [def.blink.url] : [])];
    for (const url of urls) assert.ok(existsSync(`${catalogDir}${def.id}/${url}`), `${def.id}/${url}`);
  }
});

test('thumbnail SVG has no invalid numbers', () => {
  for (const name of files) {
    const svg = renderAvatarSvg(parseAvatarDefinition(load(name)));
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.ok(svg.endsWith('</svg>'));
    assert.doesNotMatch(svg, /NaN|undefined|Infinity/, name);
  }
});

test('thumbnail SVG resolves image URLs on request', () => {
  const def = parseAvatarDefinition(load('bolt.json'));
  const svg = renderAvatarSvg(def, { resolveImage: (url) => `data:image/svg+xml;base64,${Buffer.from(url).toString('base64')}` });
  assert.doesNotMatch(svg, /href="portrait.svg"/);
  assert.match(svg, /href="data:image\/svg\+xml;base64,/);
});

test('mouth shapes default per viseme', () => {
  const raw = load('ava.json') as Record<string, unknown>;
  const def = parseAvatarDefinition({ ...raw, mouthShapes: { aa: { jawOpen: 1, width: 1.1, lipRound: 0, teeth: 0.4, tongue: 0.2 } } });
  assert.equal(def.kind, 'vector');
  if (def.kind !== 'vector') return;
  assert.equal(def.mouthShapes.aa.jawOpen, 1);
  assert.deepEqual(def.mouthShapes.O, DEFAULT_MOUTH_SHAPES.O);
  assert.deepEqual(Object.keys(def.mouthShapes).sort(), [...VISEMES].sort());
});

test('open mouth changes the mouth box', () => {
  const def = parseAvatarDefinition(load('ava.json'));
  if (def.kind !== 'vector') throw new Error('ava must be a vector avatar');
  const closed = buildAvatarScene(def, NEUTRAL_POSE).mouthBox;
  const open = buildAvatarScene(def, { ...NEUTRAL_POSE, mouth: DEFAULT_MOUTH_SHAPES.aa }).mouthBox;
  assert.ok(open.height > closed.height + 10, `closed ${closed.height}, open ${open.height}`);
});

test('invalid definitions list every problem', () => {
  const raw = load('ava.json') as Record<string, unknown>;
  const appearance = raw.appearance as Record<string, Record<string, unknown>>;
  const issues = parseIssues({
    ...raw,
    id: 'Bad Id',
    defaultVoiceId: '',
    appearance: { ...appearance, face: { ...appearance.face, width: 3, skin: 'red' }, hair: { style: 'mohawk', color: '#000' } },
    mouthShapes: { XX: {}, aa: { jawOpen: 2, width: 1, lipRound: 0, teeth: 0, tongue: 0 } },
  });
  const paths = issues.map((issue) => issue.split(' ')[0]);
  for (const path of [
    'id',
    'defaultVoiceId',
    'appearance.face.width',
    'appearance.face.skin',
    'appearance.hair.style',
    'mouthShapes.XX',
    'mouthShapes.aa.jawOpen',
  ]) {
    assert.ok(paths.includes(path), `missing issue for ${path}: ${issues.join(' | ')}`);
  }
});

test('non-object definitions are rejected', () => {
  for (const value of [null, 'ava', 42, []]) assert.deepEqual(parseIssues(value), ['(root) must be an object']);
});

test('image URLs must be safe', () => {
  const raw = load('bolt.json') as Record<string, unknown>;
  const cases: Array<[string, boolean]> = [
    ['portrait.svg', true],
    ['sub/dir/portrait.png', true],
    ['https://cdn.example.com/p.png', true],
    ['data:image/png;base64,AAAA', true],
    ['javascript:alert(1)', false],
    ['file:///etc/passwd', false],
    ['../secret.png', false],
    ['/etc/passwd', false],
    ['data:text/html,<b>', false],
    ['a b.png', false],
  ];
  for (const [url, ok] of cases) {
    const issues = parseIssues({ ...raw, portrait: { ...(raw.portrait as object), url } });
    assert.equal(issues.length === 0, ok, `${url}: ${issues.join('; ')}`);
  }
});

test('mouth rectangle must fit the portrait', () => {
  const raw = load('bolt.json') as Record<string, unknown>;
  const issues = parseIssues({ ...raw, mouthRect: { x: 500, y: 10, width: 100, height: 20 } });
  assert.ok(
    issues.some((issue) => issue.startsWith('mouthRect must lie inside')),
    issues.join('; '),
  );
});

test('image avatar needs all fifteen mouths', () => {
  const raw = load('bolt.json') as Record<string, unknown>;
  const mouths = { ...(raw.mouthImages as Record<string, string>) };
  delete mouths.O;
  const issues = parseIssues({ ...raw, mouthImages: mouths });
  assert.deepEqual(issues, ['mouthImages.O must be a non-empty string']);
});
