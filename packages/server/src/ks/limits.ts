/**
 * Maximum length of a KS string accepted for decoding, in characters. A Kaltura KS with a long
 * privilege list stays well under 4 KiB; the limit bounds the work done on hostile input.
 */
export const MAX_KS_LENGTH = 16_384;

/** Maximum length of a user id that `mintKs` accepts, in UTF-8 bytes. */
export const MAX_USER_ID_BYTES = 1_024;

/** Maximum length of a privilege string that `mintKs` accepts, in UTF-8 bytes. */
export const MAX_PRIVILEGES_BYTES = 8_192;
