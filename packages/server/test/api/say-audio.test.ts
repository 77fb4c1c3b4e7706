import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { encodeWav } from '../../src/speech/index.js';
import { call, createSession, startTestServer, type TestServer } from '../helpers/server.js';
import { TestViewer } from '../helpers/viewer.js';

const MP3_FIXTURE = new URL('../fixtures/speech-en.mp3', import.meta.url);

async function sayAudio(server: TestServer, session: { sessionId: string; token: string }, form: FormData, token = session.token) {
  const response = await fetch(`${server.baseUrl}/v1/avatar-session/${session.sessionId}/say-audio`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function audioForm(bytes: Uint8Array, fields: Record<string, string>, filename: string, type: string): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('audio', new Blob([bytes as BlobPart], { type }), filename);
  return form;
}

describe('say-audio', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  test('mp3 is streamed with a lip-sync timeline', async () => {
    const session = await createSession(server);
    const init = await call(server.baseUrl, `/v1/avatar-session/${session.sessionId}/init-client`, {
      auth: `Bearer ${session.token}`,
      body: {},
    });
    const viewer = await TestViewer.connect(init.body.streamUrl as string, session.token);
    await viewer.waitForMessage('ready');

    const mp3 = new Uint8Array(await readFile(MP3_FIXTURE));
    const response = await sayAudio(server, session, audioForm(mp3, { turnId: 'clip', duration: '3' }, 'speech.mp3', 'audio/mpeg'));
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.body.turnId, 'clip');

    await viewer.waitForMessage('turn-end', 30_000);
    const [segment] = viewer.ofType('segment');
    assert.ok(segment);
    const distinct = new Set(segment.visemes.map((cue) => cue.viseme));
    assert.ok(segment.visemes.length >= 5, `only ${segment.visemes.length} cues`);
    assert.ok(distinct.size >= 3, `only ${[...distinct].join(',')} visemes`);
    assert.ok(distinct.has('sil'));
    assert.ok(
      viewer.audio.some((frame) => frame.peak > 1000),
      'decoded audio is silent',
    );
    viewer.close();
  });

  test('wav is accepted', async () => {
    const session = await createSession(server);
    const sampleRate = 16_000;
    const pcm = new Int16Array(sampleRate / 2);
    for (let index = 0; index < pcm.length; index++) pcm[index] = Math.round(8000 * Math.sin((2 * Math.PI * 220 * index) / sampleRate));
    const wav = encodeWav(pcm, sampleRate);
    const response = await sayAudio(server, session, audioForm(wav, { turnId: 'tone', duration: '0.5' }, 'tone.wav', 'audio/wav'));
    assert.equal(response.status, 200, JSON.stringify(response.body));
  });

  test('undecodable audio is 400 and says so', async () => {
    const session = await createSession(server);
    const response = await sayAudio(
      server,
      session,
      audioForm(new TextEncoder().encode('not audio at all, just text'), { turnId: 'junk', duration: '1' }, 'junk.mp3', 'audio/mpeg'),
    );
    assert.equal(response.status, 400);
    assert.equal(response.body.success, false);
    assert.match(response.body.error as string, /audio could not be decoded/);
  });

  test('missing file, bad duration and oversize are rejected', async () => {
    const session = await createSession(server);
    const noFile = new FormData();
    noFile.append('turnId', 'x');
    const missing = await sayAudio(server, session, noFile);
    assert.equal(missing.status, 400);
    assert.match(missing.body.error as string, /"audio" is required/);

    const mp3 = new Uint8Array(await readFile(MP3_FIXTURE));
    const badDuration = await sayAudio(server, session, audioForm(mp3, { turnId: 'y', duration: 'soon' }, 'a.mp3', 'audio/mpeg'));
    assert.equal(badDuration.status, 400);
    assert.match(badDuration.body.error as string, /duration/);

    const huge = await sayAudio(server, session, audioForm(new Uint8Array(11 * 1024 * 1024), { turnId: 'z' }, 'big.wav', 'audio/wav'));
    assert.equal(huge.status, 413);
    assert.equal(huge.body.success, false);
  });

  test('say-audio needs the session token', async () => {
    const session = await createSession(server);
    const mp3 = new Uint8Array(await readFile(MP3_FIXTURE));
    const response = await sayAudio(server, session, audioForm(mp3, { turnId: 'a' }, 'a.mp3', 'audio/mpeg'), 'bogus');
    assert.equal(response.status, 401);
    assert.equal(response.body.error, 'Invalid or expired token');
  });
});
