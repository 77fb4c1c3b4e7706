import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AUDIO_FRAME_MAX_MS } from '@orator/protocol';
import { EspeakEngine } from '../../src/speech/index.js';
import { call, createSession, startTestServer, type TestServer } from '../helpers/server.js';
import { TestViewer } from '../helpers/viewer.js';

const ANSWER =
  'Orator speaks while the answer is still arriving. The first sentence starts before the last chunk is sent. ' +
  'Dr. Smith measured 3.14 units, e.g. in the lab at https://example.com/a.b today. ' +
  'Numbers like 2.5 and abbreviations stay whole. That is the end of the answer.';

/** Split text into `count` chunks at arbitrary points, mid-word included, as an LLM stream does. */
function splitIntoChunks(text: string, count: number): string[] {
  const chunks: string[] = [];
  for (let index = 0; index < count; index++) {
    chunks.push(text.slice(Math.round((index * text.length) / count), Math.round(((index + 1) * text.length) / count)));
  }
  return chunks;
}

describe('speech stream with eSpeak NG', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ build: { engine: new EspeakEngine({ poolSize: 1 }) } });
  });
  after(() => server.close());

  async function openViewer(session: { sessionId: string; token: string }): Promise<TestViewer> {
    const init = await call(server.baseUrl, `/v1/avatar-session/${session.sessionId}/init-client`, {
      auth: `Bearer ${session.token}`,
      body: {},
    });
    const viewer = await TestViewer.connect(init.body.streamUrl as string, session.token);
    await viewer.waitForMessage('ready');
    return viewer;
  }

  test('segments carry visemes that end within one frame of their audio', async () => {
    const session = await createSession(server, {
      visualConfig: { avatarId: server.server.context.catalog.avatars[0]!.id },
      voiceConfig: { id: 'espeak:en-us' },
    });
    const viewer = await openViewer(session);
    await call(server.baseUrl, `/v1/avatar-session/${session.sessionId}/say-text`, {
      auth: `Bearer ${session.token}`,
      body: { text: 'Hello world. How are you today?' },
    });
    await viewer.waitForMessage('turn-end', 20_000);

    const segments = viewer.ofType('segment');
    assert.equal(segments.length, 2);
    const sampleRate = viewer.ofType('ready')[0]!.audio.sampleRate;
    const samples = viewer.audio.reduce((sum, frame) => sum + frame.samples, 0);
    const audioMs = (samples / sampleRate) * 1000;

    for (const segment of segments) {
      assert.ok(segment.visemes.length > 3, `segment "${segment.text}" has ${segment.visemes.length} visemes`);
      assert.ok(segment.visemes.some((cue) => cue.viseme !== 'sil'));
      const lastCue = segment.visemes.at(-1)!;
      assert.ok(lastCue.startMs < segment.startMs + segment.durationMs + AUDIO_FRAME_MAX_MS, 'a cue starts after the audio');
    }
    const end = segments.at(-1)!;
    assert.ok(
      Math.abs(end.startMs + end.durationMs - audioMs) <= AUDIO_FRAME_MAX_MS,
      `segments end at ${end.startMs + end.durationMs} ms, audio at ${audioMs} ms`,
    );
    assert.ok(
      viewer.audio.some((frame) => frame.peak > 2000),
      'speech audio is silent',
    );
    viewer.close();
  });

  test('streamed LLM chunks start speaking before the last chunk', async () => {
    const session = await createSession(server);
    const viewer = await openViewer(session);
    const chunks = splitIntoChunks(ANSWER, 20);
    assert.equal(chunks.length, 20);

    let lastChunkSentAt = 0;
    for (const [index, text] of chunks.entries()) {
      const isFinal = index === chunks.length - 1;
      if (isFinal) lastChunkSentAt = Date.now();
      const response = await call(server.baseUrl, `/v1/avatar-session/${session.sessionId}/say-text`, {
        auth: `Bearer ${session.token}`,
        body: { text, turnId: 'llm-answer', isFinal, seq: index },
      });
      assert.equal(response.status, 200);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    await viewer.waitForMessage('turn-end', 60_000);

    const firstAudio = viewer.audio[0]!;
    assert.ok(firstAudio.receivedAt < lastChunkSentAt, 'speech waited for the last chunk');

    const words = viewer.ofType('segment').flatMap((segment) => segment.words.map((word) => word.text));
    assert.equal(words.join('').replace(/\s+/g, ''), ANSWER.replace(/\s+/g, ''));
    assert.equal(
      viewer
        .ofType('segment')
        .map((segment) => segment.text)
        .join(''),
      ANSWER,
    );
    viewer.close();
  });

  test('interrupt reports the spoken part and later chunks stay silent', async () => {
    const session = await createSession(server);
    const viewer = await openViewer(session);
    const long = 'This sentence is spoken in full before the cut. '.repeat(8);
    await call(server.baseUrl, `/v1/avatar-session/${session.sessionId}/say-text`, {
      auth: `Bearer ${session.token}`,
      body: { text: long, turnId: 'cut', isFinal: false },
    });
    await viewer.waitFor('about a second of audio', () => viewer.audio.length >= 12, 20_000);

    const interrupt = await call(server.baseUrl, `/v1/avatar-session/${session.sessionId}/interrupt`, {
      auth: `Bearer ${session.token}`,
      body: {},
    });
    const cut = interrupt.body.interruptedTurn as { turnId: string; spokenText: string; spokenChars: number; totalChars: number };
    assert.equal(cut.turnId, 'cut');
    assert.ok(cut.spokenChars > 0, `spoken ${cut.spokenChars} of ${cut.totalChars}`);
    assert.ok(cut.spokenChars < cut.totalChars, `spoken ${cut.spokenChars} of ${cut.totalChars}`);
    assert.ok(long.startsWith(cut.spokenText));

    await viewer.waitForMessage('interrupted');
    const framesAfterCut = viewer.audio.length;
    const late = await call(server.baseUrl, `/v1/avatar-session/${session.sessionId}/say-text`, {
      auth: `Bearer ${session.token}`,
      body: { text: 'This must never be heard.', turnId: 'cut', isFinal: true },
    });
    assert.equal(late.body.dropped, true);
    await new Promise((resolve) => setTimeout(resolve, 700));
    assert.ok(viewer.audio.length - framesAfterCut <= 1);
    assert.ok(!viewer.ofType('segment').some((segment) => segment.text.includes('never be heard')));
    viewer.close();
  });

  test('a stalled viewer does not delay another', async () => {
    const session = await createSession(server);
    const init = await call(server.baseUrl, `/v1/avatar-session/${session.sessionId}/init-client`, {
      auth: `Bearer ${session.token}`,
      body: {},
    });
    const healthy = await openViewer(session);
    const stalled = await TestViewer.connect(init.body.streamUrl as string, session.token);
    await stalled.waitForMessage('ready');
    // Stop reading from the socket: the server's send buffer for this viewer fills up.
    (stalled.socket as unknown as { _socket: { pause(): void } })._socket.pause();

    const startedAt = Date.now();
    await call(server.baseUrl, `/v1/avatar-session/${session.sessionId}/say-text`, {
      auth: `Bearer ${session.token}`,
      body: { text: 'Short and sweet. Still flowing.' },
    });
    await healthy.waitForMessage('turn-end', 20_000);
    const segments = healthy.ofType('segment');
    const audioMs = segments.reduce((sum, segment) => sum + segment.durationMs, 0);
    // Real-time pacing bounds the healthy viewer's wait by the audio length plus generous slack.
    assert.ok(Date.now() - startedAt < audioMs + 5_000, 'the healthy viewer was delayed');
    healthy.close();
    stalled.socket.terminate();
  });
});
