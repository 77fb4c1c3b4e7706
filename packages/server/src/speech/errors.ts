/** Stable codes of {@link SpeechError}. */
export type SpeechErrorCode =
  /** The voice id is not in the engine's voice list. */
  | 'UNKNOWN_VOICE'
  /** The text is longer than the engine's `maxTextLength`. */
  | 'TEXT_TOO_LONG'
  /** The request is malformed: text not a string, speed outside 0.5..2.0, and similar. */
  | 'INVALID_REQUEST'
  /** The caller's AbortSignal fired before the result was ready. */
  | 'ABORTED'
  /** The request waited longer than the engine's `timeoutMs`. */
  | 'TIMEOUT'
  /** Too many requests are waiting for a worker. */
  | 'OVERLOADED'
  /** The engine was closed before or while the request ran. */
  | 'ENGINE_CLOSED'
  /** The synthesizer failed: a worker crashed, failed to start or returned an error. */
  | 'ENGINE_FAILED';

/** Error raised by every {@link SpeechEngine}; `code` is stable and safe to show to API clients. */
export class SpeechError extends Error {
  override readonly name = 'SpeechError';

  constructor(
    readonly code: SpeechErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isSpeechError(error: unknown): error is SpeechError {
  return error instanceof SpeechError;
}

/** Stable codes of {@link AudioDecodeError}. */
export type AudioDecodeErrorCode =
  /** The bytes look like a supported format but cannot be decoded (truncated, corrupt, empty). */
  | 'AUDIO_UNDECODABLE'
  /** The bytes are not MP3 or WAV, or a WAV encoding Orator does not read. */
  | 'UNSUPPORTED_FORMAT'
  /** The input exceeds the byte or duration limit. */
  | 'TOO_LONG';

/** Error raised by `decodeAudio`. Its `message` describes the problem with the input and is safe to return to clients. */
export class AudioDecodeError extends Error {
  override readonly name = 'AudioDecodeError';

  constructor(
    readonly code: AudioDecodeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
