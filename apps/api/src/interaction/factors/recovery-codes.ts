import { randomBytes, sha256 } from '../../crypto/random.js';

/** How many a user gets at once. */
export const RECOVERY_CODE_COUNT = 10;

/** No 0/O, 1/I/L: easy to read back from paper. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/**
 * Ten one-time codes of 12 characters from a 31-letter alphabet (about 59 bits
 * each: with sign-in throttling, far beyond guessing), shown as `XXXX-XXXX-XXXX`.
 */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    let code = '';
    while (code.length < 12) {
      for (const byte of randomBytes(16)) {
        // 248 = 8 × 31: the rest would favour the first letters.
        if (byte < 248 && code.length < 12) code += ALPHABET[byte % 31];
      }
    }
    return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
  });
}

/** The code as typed, in any case, with or without dashes and spaces; null when it cannot be one. */
export function normaliseRecoveryCode(input: string): string | null {
  const code = input.replace(/[\s-]/g, '').toUpperCase();
  return code.length === 12 && [...code].every((c) => ALPHABET.includes(c)) ? code : null;
}

/** What is stored: a hash of the normalised code (its 59 random bits need no slow hash). */
export function recoveryCodeHash(normalised: string): string {
  return sha256(`tg_rc_${normalised}`);
}
