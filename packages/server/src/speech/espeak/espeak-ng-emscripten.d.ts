// Types for the parts of @echogarden/espeak-ng-emscripten 0.3.5 that Orator calls. The package
// ships JavaScript only; these shapes come from its espeak-ng.js.
declare module '@echogarden/espeak-ng-emscripten' {
  export type EspeakEventType =
    'list_terminated' | 'word' | 'sentence' | 'mark' | 'play' | 'end' | 'msg_terminated' | 'phoneme' | 'samplerate';

  export interface EspeakEvent {
    type: EspeakEventType;
    /** 1-based position in the input text, counted in Unicode code points. */
    text_position: number;
    /** Length in code points, for `word` events. */
    word_length: number;
    /** Position in the output audio, in ms. */
    audio_position: number;
    /** Phoneme (IPA) for `phoneme` events, mark name for `mark`, word or sentence number for those. */
    id?: string | number;
  }

  export interface EspeakVoiceEntry {
    name: string;
    identifier: string;
    languages: Array<{ priority: number; name: string }>;
  }

  export interface ESpeakNGWorker {
    /** Returns 0 on success; eSpeak keeps the previous voice on failure. */
    set_voice(name: string): number;
    set_rate(wordsPerMinute: number): void;
    get_rate(): number;
    get_samplerate(): number;
    list_voices(): EspeakVoiceEntry[];
    /**
     * Synthesizes SSML text synchronously. The callback receives each audio chunk (16-bit mono) and
     * its events; returning true stops synthesis.
     */
    synthesize(text: string, callback: (samples: Int16Array | undefined, events: EspeakEvent[]) => boolean): void;
  }

  export interface EspeakModule {
    eSpeakNGWorker: new () => ESpeakNGWorker;
  }

  const initialize: () => Promise<EspeakModule>;
  export default initialize;
}
