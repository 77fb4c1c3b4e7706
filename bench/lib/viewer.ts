import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { decodeAudioFrame } from '@orator/protocol';

export interface AudioArrival {
  turnNumber: number;
  sampleOffset: number;
  samples: number;
  /** performance.now() at arrival, in ms. */
  at: number;
}

export interface MessageArrival {
  type: string;
  at: number;
  body: Record<string, unknown>;
}

const CONNECT_TIMEOUT_MS = 10_000;

/** A viewer of one session's stream that records the arrival time of every frame. */
export class BenchViewer {
  readonly audio: AudioArrival[] = [];
  readonly messages: MessageArrival[] = [];
  sampleRate = 0;
  private listeners: Array<() => void> = [];

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      const at = performance.now();
      if (isBinary) {
        const frame = decodeAudioFrame(new Uint8Array(data as Buffer));
        this.audio.push({ turnNumber: frame.turnNumber, sampleOffset: frame.sampleOffset, samples: frame.pcm.length, at });
      } else {
        const body = JSON.parse(data.toString()) as Record<string, unknown>;
        if (body.type === 'ready') this.sampleRate = (body.audio as { sampleRate: number }).sampleRate;
        this.messages.push({ type: String(body.type), at, body });
      }
      const listeners = this.listeners;
      this.listeners = [];
      for (const listener of listeners) listener();
    });
  }

  /** Connect, authenticate and wait for `ready`. */
  static async connect(streamUrl: string, token: string): Promise<BenchViewer> {
    const socket = new WebSocket(streamUrl);
    const viewer = new BenchViewer(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    socket.send(JSON.stringify({ type: 'auth', token, protocol: 1 }));
    await viewer.until('ready message', () => viewer.sampleRate > 0, CONNECT_TIMEOUT_MS);
    return viewer;
  }

  /** Resolve once `predicate` holds; reject after `timeoutMs`. */
  async until(what: string, predicate: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!predicate()) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) throw new Error(`viewer timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.listeners.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Audio ms received for turns numbered above `afterTurn`. */
  audioMs(afterTurn = 0): number {
    let samples = 0;
    for (const frame of this.audio) if (frame.turnNumber > afterTurn) samples += frame.samples;
    return (samples / this.sampleRate) * 1000;
  }

  lastTurnNumber(): number {
    return this.audio.length === 0 ? 0 : this.audio[this.audio.length - 1]!.turnNumber;
  }

  close(): void {
    this.socket.close();
  }
}
