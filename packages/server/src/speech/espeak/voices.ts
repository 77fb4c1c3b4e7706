import type { VoiceInfo } from '../engine.js';

export const ESPEAK_ENGINE_ID = 'espeak';

/** A curated voice: its public info and the eSpeak voice name passed to `set_voice`. */
export interface EspeakVoice extends VoiceInfo {
  espeakName: string;
}

/** eSpeak's default speaking rate in words per minute; a request's `speed` multiplies it. */
export const ESPEAK_DEFAULT_RATE = 175;

/** eSpeak NG clamps rates to 80..450 words per minute. */
export const ESPEAK_MIN_RATE = 80;
export const ESPEAK_MAX_RATE = 450;

/**
 * Languages Orator offers with eSpeak: [id suffix, eSpeak voice name, BCP 47 tag, display name].
 * Each gets a male voice (eSpeak's default) and a female one (the `+f3` variant).
 * eSpeak names its British English voice `en`, and rejects `en-gb`.
 */
const LANGUAGES: ReadonlyArray<readonly [string, string, string, string]> = [
  ['en-us', 'en-us', 'en-US', 'English (US)'],
  ['en-gb', 'en', 'en-GB', 'English (UK)'],
  ['es', 'es', 'es-ES', 'Spanish (Spain)'],
  ['es-419', 'es-419', 'es-419', 'Spanish (Latin America)'],
  ['fr', 'fr', 'fr-FR', 'French (France)'],
  ['de', 'de', 'de-DE', 'German'],
  ['it', 'it', 'it-IT', 'Italian'],
  ['pt', 'pt', 'pt-PT', 'Portuguese (Portugal)'],
  ['pt-br', 'pt-br', 'pt-BR', 'Portuguese (Brazil)'],
  ['nl', 'nl', 'nl-NL', 'Dutch'],
  ['pl', 'pl', 'pl-PL', 'Polish'],
];

/** eSpeak variant used for the female voice of each language. */
const FEMALE_VARIANT = 'f3';

/**
 * The eSpeak voices, in a stable order. Ids are `espeak:<language>` for the male voice and
 * `espeak:<language>:female` for the female one; they are part of the API (`voiceConfig.id`).
 */
export const ESPEAK_VOICES: readonly EspeakVoice[] = LANGUAGES.flatMap(([suffix, espeakName, language, displayName]) => [
  {
    id: `${ESPEAK_ENGINE_ID}:${suffix}`,
    name: `${displayName}, male`,
    language,
    gender: 'male' as const,
    engine: ESPEAK_ENGINE_ID,
    espeakName,
  },
  {
    id: `${ESPEAK_ENGINE_ID}:${suffix}:female`,
    name: `${displayName}, female`,
    language,
    gender: 'female' as const,
    engine: ESPEAK_ENGINE_ID,
    espeakName: `${espeakName}+${FEMALE_VARIANT}`,
  },
]);

export function findEspeakVoice(voiceId: string): EspeakVoice | undefined {
  return ESPEAK_VOICES.find((voice) => voice.id === voiceId);
}

/** Map a speed multiplier (0.5..2.0) to an eSpeak rate in words per minute. */
export function espeakRate(speed: number): number {
  return Math.min(ESPEAK_MAX_RATE, Math.max(ESPEAK_MIN_RATE, Math.round(ESPEAK_DEFAULT_RATE * speed)));
}
