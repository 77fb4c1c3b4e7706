import WebSocket from 'ws';
import { decodeAudioFrame, type ServerMessage } from '@orator/protocol';

export interface ReceivedAudio {
  turnNumber: number;
  sampleOffset: number;
  samples: number;
  peak: number;
  receivedAt: number;
}

/** Test client of the viewer stream that records every message and audio frame with its arrival time. */
export class TestViewer {
  readonly messages: Array<ServerMessage & { receivedAt: number }> = [];
  readonly audio: ReceivedAudio[] = [];
  closeCode: number | undefined;
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      const receivedAt = Date.now();
      if (isBinary) {
        const frame = decodeAudioFrame(new Uint8Array(data as Buffer));
        let peak = 0;
        for (const sample of frame.pcm) peak = Math.max(peak, Math.abs(sample));
        this.audio.push({ turnNumber: frame.turnNumber, sampleOffset: frame.sampleOffset, samples: frame.pcm.length, peak, receivedAt });
      } else {
        this.messages.push({ ...(JSON.parse(data.toString()) as ServerMessage), receivedAt });
      }
      this.notify();
    });
    socket.on('close', (code) => {
      this.closeCode = code;
      this.notify();
    });
  }

  /** Connect and authenticate; resolves when the socket is open (not when `ready` arrives). */
  static async connect(streamUrl: string, token: string | undefined): Promise<TestViewer> {
    const socket = new WebSocket(streamUrl);
    const viewer = new TestViewer(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    if (token !== undefined) socket.send(JSON.stringify({ type: 'auth', token, protocol: 1 }));
    return viewer;
  }

  /** Wait until `predicate` holds, failing after `timeoutMs`. */
  async waitFor(description: string, predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out waiting for ${description}; got ${this.messages.map((m) => m.type).join(', ')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  waitForMessage(type: ServerMessage['type'], timeoutMs?: number, count = 1): Promise<void> {
    return this.waitFor(`${count} "${type}" message(s)`, () => this.ofType(type).length >= count, timeoutMs);
  }

  ofType<T extends ServerMessage['type']>(type: T): Array<Extract<ServerMessage, { type: T }> & { receivedAt: number }> {
    return this.messages.filter((message) => message.type === type) as Array<Extract<ServerMessage, { type: T }> & { receivedAt: number }>;
  }

  close(): void {
    this.socket.close();
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }
}
