import type { FastifyBaseLogger } from 'fastify';
import { AUDIO_FRAME_MAX_MS, encodeAudioFrame, type SegmentMessage, type ServerMessage } from '@orator/protocol';
import { SentenceSegmenter, SpeechError, visemesFromPcm, type SpeechEngine, type SynthesisResult } from '../speech/index.js';
import type { Metrics } from '../observability/metrics.js';
import type { EventBus } from '../store/bus.js';
import type { SessionRecord, SessionStore, TurnRecord } from '../store/types.js';
import { RealtimePacer } from './pacer.js';
import { alignWords } from './word-alignment.js';

/** Audio sent ahead of the viewers' playback, in ms; also the worst-case extra delay of an interrupt. */
export const STREAM_LEAD_MS = 300;

// How long a speaker waits for a new turn or chunk before it checks the store again, in ms. Events
// normally wake it sooner; the poll covers an event lost between nodes.
const WAKE_POLL_MS = 1_000;

// A speaker with nothing to say for this long stops and frees its memory; the next turn starts a new one.
const IDLE_EXIT_MS = 30_000;

/** A sentence ready to stream: its place in the turn's text and its synthesized audio. */
interface SpokenSentence {
  text: string;
  /** Offset of `text` in the turn's text. */
  charOffset: number;
  audio: Promise<SynthesisResult>;
}

/** Progress of the turn being spoken, for interrupt reports. */
export interface TurnProgress {
  turnId: string;
  spokenChars: number;
}

/** The per-session loop on the node that holds the session's speech lease. */
export class SessionSpeaker {
  private readonly pacer = new RealtimePacer(STREAM_LEAD_MS);
  private wake: (() => void) | undefined;
  private stopped = false;
  private speaking = false;
  private turnAbort = new AbortController();
  /** Character ends of words whose audio has been sent, with the turn time at which each word starts. */
  private current:
    { turnId: string; turnStartedAt: number; sentMs: number; wordEnds: Array<{ startMs: number; charEnd: number }> } | undefined;

  constructor(
    private readonly session: SessionRecord,
    private readonly store: SessionStore,
    private readonly bus: EventBus,
    private readonly engine: SpeechEngine,
    private readonly metrics: Metrics,
    private readonly log: FastifyBaseLogger,
  ) {}

  get sessionId(): string {
    return this.session.id;
  }

  /** Run until stopped or idle; resolves when the loop exits. */
  async run(): Promise<void> {
    let idleSince = Date.now();

    while (!this.stopped) {
      const [turn] = await this.store.listPendingTurns(this.session.id);
      if (!turn) {
        if (this.speaking) this.setSpeaking(false);
        if (Date.now() - idleSince >= IDLE_EXIT_MS) break;
        await this.sleepUntilWoken(WAKE_POLL_MS);
        continue;
      }

      if (turn.state === 'queued' && !(await this.store.startTurn(this.session.id, turn.turnId))) continue;
      if (turn.state === 'speaking') {
        // Another node was speaking this turn and stopped (its lease lapsed): continue after what it sent.
        this.log.warn(
          { sessionId: this.session.id, turnId: turn.turnId, resumeAtChar: turn.spokenChars },
          'turn taken over from another node',
        );
      }

      await this.speakTurn(turn);
      idleSince = Date.now();
    }

    if (this.speaking) this.setSpeaking(false);
  }

  /** New text or a new turn is in the store. */
  notify(): void {
    this.wake?.();
  }

  /** Stop the current turn at once; the store already marked it interrupted. */
  interrupt(): void {
    this.turnAbort.abort();
    this.pacer.reset();
    this.wake?.();
  }

  stop(): void {
    this.stopped = true;
    this.interrupt();
  }

  /** Estimate from the pacing clock how much of the current turn the viewers have heard. */
  progress(): TurnProgress | undefined {
    const current = this.current;
    if (!current) return undefined;

    const playedMs = current.sentMs - this.pacer.bufferedMs();
    let spokenChars = 0;
    for (const word of current.wordEnds) if (word.startMs <= playedMs) spokenChars = word.charEnd;
    return { turnId: current.turnId, spokenChars };
  }

  private async speakTurn(turn: TurnRecord): Promise<void> {
    const sessionId = this.session.id;
    this.turnAbort = new AbortController();
    const signal = this.turnAbort.signal;
    this.current = { turnId: turn.turnId, turnStartedAt: Date.now(), sentMs: 0, wordEnds: [] };

    this.publish({ type: 'turn-start', turnId: turn.turnId, turnNumber: turn.number });
    if (!this.speaking) this.setSpeaking(true, turn.turnId);
    this.log.info({ sessionId, turnId: turn.turnId, kind: turn.kind }, 'turn started');

    let outcome: 'completed' | 'interrupted' | 'lost';
    try {
      outcome = turn.kind === 'audio' ? await this.speakAudioTurn(turn, signal) : await this.speakTextTurn(turn, signal);
    } catch (error) {
      if (error instanceof SpeechError && error.code === 'ABORTED') {
        outcome = 'interrupted';
      } else {
        outcome = 'lost';
        this.log.error({ err: error, sessionId, turnId: turn.turnId }, 'turn failed; the rest of it is lost');
      }
    }

    const spokenChars = this.progress()?.spokenChars ?? 0;
    const durationMs = this.current.sentMs;
    this.current = undefined;

    if (outcome !== 'interrupted') await this.store.finishTurn(sessionId, turn.turnId, outcome === 'lost' ? 'lost' : 'done', spokenChars);
    this.publish({
      type: 'turn-end',
      turnId: turn.turnId,
      turnNumber: turn.number,
      reason: outcome === 'interrupted' ? 'interrupted' : 'completed',
      durationMs,
    });
    this.metrics.turnsSpoken.inc({ outcome });
    this.log.info({ sessionId, turnId: turn.turnId, outcome, durationMs }, 'turn ended');
  }

  /**
   * Speak a text turn sentence by sentence as chunks arrive. A sentence is synthesized once its end
   * is known, and at most one sentence ahead of the one streaming, because synthesis is far faster
   * than real time. Working further ahead would keep a whole turn's audio in memory. It would also
   * make other sessions' first sentences wait in the engine's queue.
   */
  private async speakTextTurn(turn: TurnRecord, signal: AbortSignal): Promise<'completed' | 'interrupted'> {
    const segmenter = new SentenceSegmenter();
    const segmented: Array<{ text: string; charOffset: number }> = [];
    // A turn taken over from another node resumes after the sentences that node finished sending.
    const resumeAt = turn.kind === 'text' && turn.state === 'speaking' ? Math.min(turn.spokenChars, turn.text.length) : 0;
    let consumedChars = resumeAt;
    let segmentedChars = resumeAt;
    let segmentIndex = 0;
    let flushed = false;

    /** Segment the text that arrived since the last read; false when the turn was interrupted. */
    const readNewText = async (): Promise<boolean> => {
      const latest = await this.store.getTurn(this.session.id, turn.turnId);
      if (!latest || latest.state === 'interrupted') return false;

      const sentences = segmenter.push(latest.text.slice(consumedChars));
      consumedChars = latest.text.length;
      if (latest.isFinal && !flushed) {
        sentences.push(...segmenter.flush());
        flushed = true;
      }
      for (const text of sentences) {
        const charOffset = segmentedChars;
        segmentedChars += text.length;
        if (toSpeakable(text).trim() !== '') segmented.push({ text, charOffset });
      }
      return true;
    };

    const startSynthesis = (): SpokenSentence | undefined => {
      const next = segmented.shift();
      if (!next) return undefined;
      const audio = this.synthesize(next.text, signal);
      // A sentence synthesized ahead may be abandoned by an interrupt; its rejection is expected.
      audio.catch(() => undefined);
      return { ...next, audio };
    };

    let ahead: SpokenSentence | undefined;
    while (!signal.aborted) {
      if (!(await readNewText())) return 'interrupted';

      while (!signal.aborted) {
        const current = ahead ?? startSynthesis();
        if (!current) break;

        if (segmented.length === 0 && !flushed && !(await readNewText())) return 'interrupted';
        ahead = startSynthesis();

        const result = await current.audio;
        await this.streamSegment(turn, segmentIndex++, current, result, signal);
      }

      if (signal.aborted) return 'interrupted';
      if (flushed && !ahead && segmented.length === 0) return 'completed';
      await this.sleepUntilWoken(WAKE_POLL_MS);
    }
    return 'interrupted';
  }

  private async speakAudioTurn(turn: TurnRecord, signal: AbortSignal): Promise<'completed' | 'interrupted'> {
    const bytes = await this.store.getTurnAudio(this.session.id, turn.turnId);
    if (!bytes) throw new Error('the audio of this turn is no longer in the store');

    const pcm = new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const sampleRate = this.engine.sampleRate;
    const result: SynthesisResult = {
      pcm,
      sampleRate,
      durationMs: (pcm.length / sampleRate) * 1000,
      visemes: visemesFromPcm(pcm, sampleRate),
      words: [],
      phonemes: [],
    };
    await this.streamSegment(turn, 0, { text: '', charOffset: 0, audio: Promise.resolve(result) }, result, signal);
    return signal.aborted ? 'interrupted' : 'completed';
  }

  private async synthesize(text: string, signal: AbortSignal): Promise<SynthesisResult> {
    const started = process.hrtime.bigint();
    const result = await this.engine.synthesize(
      { text: toSpeakable(text), voiceId: this.session.voiceId, speed: this.session.speed },
      signal,
    );
    this.metrics.synthesisSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    return result;
  }

  /** Send a segment's metadata, then its audio in frames of at most 100 ms, paced to real time. */
  private async streamSegment(
    turn: TurnRecord,
    index: number,
    sentence: SpokenSentence,
    result: SynthesisResult,
    signal: AbortSignal,
  ): Promise<void> {
    const current = this.current!;
    const startMs = current.sentMs;

    const words = alignWords(sentence.text, result.words, result.durationMs);
    const segment: SegmentMessage = {
      type: 'segment',
      turnId: turn.turnId,
      turnNumber: turn.number,
      index,
      text: sentence.text,
      startMs,
      durationMs: result.durationMs,
      visemes: result.visemes.map((cue) => ({ viseme: cue.viseme, startMs: cue.startMs + startMs })),
      words: words.map((word) => ({ text: word.text, startMs: word.startMs + startMs, endMs: word.endMs + startMs })),
    };
    this.publish(segment);
    current.wordEnds.push(...words.map((word) => ({ startMs: word.startMs + startMs, charEnd: sentence.charOffset + word.charEnd })));

    const frameSamples = Math.floor((result.sampleRate * AUDIO_FRAME_MAX_MS) / 1000);
    const firstSample = Math.round((startMs * result.sampleRate) / 1000);
    const pcmBytes = new Uint8Array(result.pcm.buffer, result.pcm.byteOffset, result.pcm.byteLength);

    for (let sample = 0; sample < result.pcm.length; sample += frameSamples) {
      await this.pacer.waitForSlot(signal);
      if (signal.aborted) return;

      const count = Math.min(frameSamples, result.pcm.length - sample);
      const frame = encodeAudioFrame(turn.number, firstSample + sample, pcmBytes.subarray(sample * 2, (sample + count) * 2));
      this.bus.publishStream(this.session.id, { kind: 'audio', frame });

      const frameMs = (count / result.sampleRate) * 1000;
      this.pacer.advance(frameMs);
      current.sentMs += frameMs;
    }

    // Progress for interrupt reports made on other nodes; on this node progress() reads it from memory.
    const heardChars = current.wordEnds.at(-1)?.charEnd ?? sentence.charOffset + sentence.text.length;
    await this.store.setSpokenChars(this.session.id, turn.turnId, heardChars);
  }

  private setSpeaking(speaking: boolean, turnId?: string): void {
    this.speaking = speaking;
    this.publish(speaking ? { type: 'speaking-start', turnId: turnId! } : { type: 'speaking-end' });
  }

  private publish(message: ServerMessage): void {
    this.bus.publishStream(this.session.id, { kind: 'message', message });
  }

  private sleepUntilWoken(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.wake = done;
    });
  }
}

/**
 * Text as the engine should read it. Emoji are dropped, because eSpeak reads them by name
 * ("grinning face") where a listener expects nothing; they keep their place in the segment text.
 */
function toSpeakable(text: string): string {
  return text.replace(/[\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Regional_Indicator}\u{FE0F}\u{200D}\u{20E3}]+/gu, ' ');
}
