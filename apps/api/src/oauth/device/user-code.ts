import { randomBytes } from '../../crypto/random.js';

/**
 * RFC 8628 §6.1: consonants only (no vowels, so no words; no easily confused
 * characters), case-insensitive, eight of them: 20^8 ≈ 2^34.6 codes. Shown as
 * two groups of four.
 */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export const USER_CODE_LENGTH = 8;

/** A new user code, in its normal form (`BCDFGHJK`), each letter equally likely. */
export function newUserCode(): string {
  let code = '';
  while (code.length < USER_CODE_LENGTH) {
    for (const byte of randomBytes(16)) {
      // 240 = 12 × 20: rejecting the rest keeps every letter equally likely.
      if (byte < 240 && code.length < USER_CODE_LENGTH) code += USER_CODE_ALPHABET[byte % 20];
    }
  }
  return code;
}

/** How a user code is shown: `BCDF-GHJK`. */
export function formatUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * A typed user code in its normal form, or null when it cannot be one: case,
 * dashes and spaces are ignored (§6.1), anything else outside the alphabet is not.
 */
export function normalizeUserCode(typed: string): string | null {
  if (typed.length > 64) return null;
  const code = typed.toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== USER_CODE_LENGTH) return null;
  for (const c of code) if (!USER_CODE_ALPHABET.includes(c)) return null;
  return code;
}
