import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mintKs } from '../../src/ks/index.js';
import { findEspeakVoice } from '../../src/speech/espeak/voices.js';
import { readdirSync, readFileSync } from 'node:fs';
import { BUILT_IN_AVATAR_DIR } from '../../src/catalog/catalog.js';
import { call, PARTNER, startTestServer, type TestServer } from '../helpers/server.js';

describe('catalog', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  async function list(body: unknown, auth = `KS ${server.adminKs}`) {
    return call(server.baseUrl, '/v1/catalog-item/list', { auth, body });
  }

  test('lists avatars with thumbnails and default voices', async () => {
    const response = await list({ filter: { typeEqual: 'Visual' } });
    assert.equal(response.status, 200);
    const objects = response.body.objects as Array<Record<string, unknown>>;
    assert.ok(objects.length >= 6, `only ${objects.length} avatars`);
    assert.equal(response.body.totalCount, objects.length);
    for (const avatar of objects) {
      assert.equal(avatar.type, 'Visual');
      assert.equal(typeof avatar.name, 'string');
      assert.ok(avatar.attributes, `${String(avatar.id)} has no attributes`);
      assert.equal(typeof avatar.attributes, 'object');
      assert.equal(typeof avatar.defaultVoiceId, 'string');
    }

    const thumbnail = await fetch(objects[0]!.thumbnailUrl as string);
    assert.equal(thumbnail.status, 200);
    assert.match(thumbnail.headers.get('content-type') ?? '', /image\/svg\+xml/);
    assert.match(await thumbnail.text(), /^<svg[\s>]/);
  });

  test('lists voices of the engine', async () => {
    const response = await list({ filter: { typeEqual: 'Voice' } });
    const objects = response.body.objects as Array<Record<string, unknown>>;
    assert.ok(objects.length >= 1);
    assert.ok(objects.every((voice) => voice.type === 'Voice' && typeof voice.language === 'string'));
  });

  test('pager slices and a bad filter is 400', async () => {
    const all = await list({});
    const page = await list({ pager: { offset: 1, limit: 2 } });
    assert.deepEqual(page.body.objects, (all.body.objects as unknown[]).slice(1, 3));
    assert.equal(page.body.totalCount, all.body.totalCount);

    const bad = await list({ filter: { typeEqual: 'Hologram' } });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error as string, /"Visual" or "Voice"/);

    const badLimit = await list({ pager: { limit: 100_000 } });
    assert.equal(badLimit.status, 400);
  });

  test('needs a KS; a USER KS may read it', async () => {
    const anonymous = await call(server.baseUrl, '/v1/catalog-item/list', { body: {} });
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.body.error, 'Invalid Kaltura Session');

    const userKs = mintKs({ partnerId: PARTNER.id, adminSecret: PARTNER.adminSecrets[0]!, type: 0, userId: 'viewer', expirySeconds: 600 });
    const user = await list({}, `KS ${userKs}`);
    assert.equal(user.status, 200);
  });

  test('avatar data is public JSON', async () => {
    const id = server.server.context.catalog.avatars[0]!.id;
    const avatar = await call(server.baseUrl, `/v1/avatars/${id}.json`, { method: 'GET' });
    assert.equal(avatar.status, 200);
    assert.equal(avatar.body.id, id);
    const missing = await call(server.baseUrl, '/v1/avatars/nobody.json', { method: 'GET' });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.success, false);
  });

  test('image avatar files are served and inlined in its thumbnail', async () => {
    const imageAvatar = server.server.context.catalog.avatars.find((avatar) => avatar.kind === 'image');
    assert.ok(imageAvatar, 'the catalog has no image avatar');
    const portrait = await fetch(`${server.baseUrl}/v1/avatars/${imageAvatar.id}/portrait.svg`);
    assert.equal(portrait.status, 200);
    assert.match(portrait.headers.get('content-type') ?? '', /image\/svg\+xml/);

    const thumbnail = await (await fetch(`${server.baseUrl}/v1/avatars/${imageAvatar.id}/thumbnail.svg`)).text();
    assert.match(thumbnail, /data:image\/svg\+xml;base64,/);

    for (const name of ['..%2F..%2Fava.json', 'nothing.svg']) {
      const missing: Response = await fetch(`${server.baseUrl}/v1/avatars/${imageAvatar.id}/${name}`);
      assert.equal(missing.status, 404, name);
    }
  });

  test('browsers on other origins may call the API', async () => {
    const preflight = await fetch(`${server.baseUrl}/v1/avatar-session/abc/say-text`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://app.example.com');
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /authorization/i);
  });

  test('built-in avatars default to eSpeak voices', () => {
    for (const file of readdirSync(BUILT_IN_AVATAR_DIR).filter((name) => name.endsWith('.json'))) {
      const avatar = JSON.parse(readFileSync(`${BUILT_IN_AVATAR_DIR}${file}`, 'utf8')) as { defaultVoiceId: string };
      assert.ok(findEspeakVoice(avatar.defaultVoiceId), `${file}: ${avatar.defaultVoiceId} is not an eSpeak voice`);
    }
  });
});
