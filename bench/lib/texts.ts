/** Texts the speech benchmarks send. Each first sentence is under the 400-character sentence limit, so it is spoken as one segment. */

export const SHORT_FIRST_SENTENCE = 'Hello there.';

export const LONG_FIRST_SENTENCE =
  'Thank you for calling the customer service line of our company today, where we are always happy to help you with questions about your account, ' +
  'your recent orders, the delivery of your packages and anything else that you would like to talk about with one of our friendly assistants.';

const REST =
  ' I can tell you about the weather in several cities around the world. It is sunny in Lisbon and quite windy in Chicago this afternoon. ' +
  'Tomorrow will bring light rain to London, while Tokyo stays warm and humid. Let me know which city you would like to hear about next. ' +
  'I can also read the latest headlines, set a reminder for your next meeting, or suggest a good book for the weekend. ' +
  'Many people enjoy a quiet walk in the park after a long day at work. Music, tea and a comfortable chair help as well.';

/** A turn that starts with a short sentence and lasts well over 30 s of speech. */
export const LONG_TURN = `${SHORT_FIRST_SENTENCE}${REST}${REST}`;

export function turnStartingWith(firstSentence: string): string {
  return `${firstSentence}${REST}`;
}
