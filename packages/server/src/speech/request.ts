import type { SynthesisRequest, VoiceInfo } from './engine.js';
import { SpeechError } from './errors.js';

export const MIN_SPEED = 0.5;
export const MAX_SPEED = 2.0;

/** Default max text length of one synthesis request, in UTF-16 code units. */
export const DEFAULT_MAX_TEXT_LENGTH = 5000;

/**
 * Validate a synthesis request at the engine boundary and return its voice.
 * Raises SpeechError INVALID_REQUEST, TEXT_TOO_LONG or UNKNOWN_VOICE.
 */
export function validateSynthesisRequest<Voice extends VoiceInfo>(
  request: SynthesisRequest,
  voices: readonly Voice[],
  maxTextLength: number,
): Voice {
  if (typeof request !== 'object' || request === null) {
    throw new SpeechError('INVALID_REQUEST', 'synthesis request must be an object with text, voiceId and speed');
  }

  if (typeof request.text !== 'string') {
    throw new SpeechError('INVALID_REQUEST', 'synthesis request text must be a string');
  }

  if (request.text.length > maxTextLength) {
    throw new SpeechError('TEXT_TOO_LONG', `text is ${request.text.length} characters; the maximum is ${maxTextLength}`);
  }

  if (typeof request.speed !== 'number' || !Number.isFinite(request.speed) || request.speed < MIN_SPEED || request.speed > MAX_SPEED) {
    throw new SpeechError('INVALID_REQUEST', `speed must be a number from ${MIN_SPEED} to ${MAX_SPEED}, got ${String(request.speed)}`);
  }

  const voice = voices.find((candidate) => candidate.id === request.voiceId);
  if (!voice) {
    throw new SpeechError('UNKNOWN_VOICE', `unknown voice "${String(request.voiceId).slice(0, 100)}"; list the voices with the catalog`);
  }

  return voice;
}
