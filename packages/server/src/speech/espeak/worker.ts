import initializeEspeak, { type EspeakEvent } from '@echogarden/espeak-ng-emscripten';
import { JobCancelledError, serveWorker } from '../worker-host.js';
import type { EspeakJob, EspeakJobResult, EspeakWorkerOptions } from './protocol.js';
import { escapeForEspeak } from './ssml.js';
import { buildEspeakTimeline } from './timeline.js';

/** Worker thread entry: one eSpeak NG instance serving synthesis jobs. */
serveWorker<EspeakWorkerOptions, EspeakJob, EspeakJobResult>(async (options) => {
  const module = await initializeEspeak();
  const espeak = new module.eSpeakNGWorker();
  const sampleRate = espeak.get_samplerate();

  for (const name of options.voiceNames) {
    if (espeak.set_voice(name) !== 0) {
      throw new Error(`eSpeak NG has no voice named "${name}"`);
    }
  }

  // Warm-up: the first synthesis loads phoneme tables and is much slower than later ones.
  espeak.set_voice(options.voiceNames[0] ?? 'en-us');
  espeak.synthesize('Ready.', () => false);

  return (job, isCancelled) => {
    if (espeak.set_voice(job.espeakName) !== 0) {
      throw Object.assign(new Error(`eSpeak NG has no voice named "${job.espeakName}"`), { code: 'UNKNOWN_VOICE' });
    }
    espeak.set_rate(job.rate);

    const escaped = escapeForEspeak(job.text);
    const chunks: Int16Array[] = [];
    const events: EspeakEvent[] = [];
    let cancelled = false;

    espeak.synthesize(escaped.ssml, (samples, chunkEvents) => {
      if (samples && samples.length > 0) {
        chunks.push(samples);
      }
      events.push(...chunkEvents);

      // Returning true makes eSpeak stop, so an aborted request frees the worker early.
      cancelled = isCancelled();
      return cancelled;
    });

    if (cancelled) {
      throw new JobCancelledError('synthesis cancelled');
    }

    const pcm = concatSamples(chunks);
    const durationMs = (pcm.length / sampleRate) * 1000;
    const timeline = buildEspeakTimeline(events, escaped, job.text, durationMs);

    return {
      result: { pcm: pcm.buffer as ArrayBuffer, sampleRate, ...timeline },
      transfer: [pcm.buffer as ArrayBuffer],
    };
  };
});

function concatSamples(chunks: readonly Int16Array[]): Int16Array {
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const pcm = new Int16Array(total);
  let offset = 0;

  for (const chunk of chunks) {
    pcm.set(chunk, offset);
    offset += chunk.length;
  }

  return pcm;
}
