/** NUL, or a UTF-16 surrogate not part of a pair: with the `u` flag a pair is one code point, outside `Cs`. */
const UNSTORABLE = /[\0\p{Cs}]/u;

/**
 * Whether a string holds characters no store keeps as given: PostgreSQL
 * refuses NUL in text, and a lone surrogate has no UTF-8 form (drivers write
 * U+FFFD in its place). Every boundary refuses request strings for which this
 * is true, with its own error, before they can reach a store.
 */
export function hasUnstorableCharacters(value: string): boolean {
  return UNSTORABLE.test(value);
}

/** What a boundary says about such a string. */
export const UNSTORABLE_MESSAGE = 'must not contain NUL characters or unpaired surrogates';
