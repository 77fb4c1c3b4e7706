/**
 * Paces audio to real time for one session. Audio is sent at most `leadMs` ahead of the viewers'
 * playback, so an interrupt silences them within one frame plus that lead, and a stalled stream
 * does not pile up in buffers.
 */
export class RealtimePacer {
  /** Wall-clock time (epoch ms) at which all audio sent so far has finished playing. */
  private playbackEndsAt = 0;

  constructor(private readonly leadMs: number) {}

  /** Wait until the next frame may be sent; resolves early, without sending, when `signal` aborts. */
  async waitForSlot(signal: AbortSignal): Promise<void> {
    const waitMs = this.playbackEndsAt - this.leadMs - Date.now();
    if (waitMs <= 0 || signal.aborted) return;

    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, waitMs);
      function done(): void {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Record that `durationMs` of audio was sent. */
  advance(durationMs: number): void {
    this.playbackEndsAt = Math.max(Date.now(), this.playbackEndsAt) + durationMs;
  }

  /** Audio sent but not yet played, in ms (an estimate: viewers add their own jitter buffer). */
  bufferedMs(): number {
    return Math.max(0, this.playbackEndsAt - Date.now());
  }

  /** Forget the audio in flight, after an interrupt. */
  reset(): void {
    this.playbackEndsAt = 0;
  }
}
