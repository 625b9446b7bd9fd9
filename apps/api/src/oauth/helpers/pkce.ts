import { createHash, timingSafeEqual } from 'node:crypto';
import { InvalidGrant } from '../errors.js';

/** RFC 7636 §4.1, §4.2: 43 to 128 unreserved characters. */
const PKCE_VALUE = /^[A-Za-z0-9\-._~]{43,128}$/;

export function isPkceValue(value: string): boolean {
  return PKCE_VALUE.test(value);
}

/** BASE64URL(SHA256(ASCII(code_verifier))), RFC 7636 §4.2. */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/**
 * Checks a token request's verifier against the challenge the authorization
 * request carried (RFC 7636 §4.6). A verifier without a challenge is refused
 * too: it means someone stripped the challenge (RFC 9700 §4.8.2).
 */
export function verifyPkce(challenge: string | null, verifier: string | undefined): void {
  if (challenge === null) {
    if (verifier !== undefined) throw new InvalidGrant('code_verifier was sent, but the authorization request had no code_challenge.');
    return;
  }
  if (verifier === undefined) throw new InvalidGrant('code_verifier is required: the authorization request used PKCE.');
  if (!isPkceValue(verifier)) throw new InvalidGrant('code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636 §4.1).');
  const expected = Buffer.from(challenge);
  const actual = Buffer.from(s256(verifier));
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    throw new InvalidGrant('code_verifier does not match the code_challenge.');
  }
}
