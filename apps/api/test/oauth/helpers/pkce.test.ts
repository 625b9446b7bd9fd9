import { describe, expect, it } from 'vitest';
import { InvalidGrant } from '../../../src/oauth/errors.js';
import { isPkceValue, s256, verifyPkce } from '../../../src/oauth/helpers/pkce.js';

// RFC 7636 Appendix B.
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

/** The error `verifyPkce` throws, or null when it accepts. */
function refusal(challenge: string | null, verifier: string | undefined) {
  try {
    verifyPkce(challenge, verifier);
    return null;
  } catch (error) {
    if (!(error instanceof InvalidGrant)) throw error;
    return error.body;
  }
}
const invalidGrant = (description: string) => ({ error: 'invalid_grant', error_description: description });

describe('PKCE (RFC 7636)', () => {
  it('computes S256 as RFC 7636 Appendix B does', () => {
    expect(s256(VERIFIER)).toBe(CHALLENGE);
  });

  it('accepts 43 to 128 unreserved characters, nothing shorter, longer or outside them (§4.1)', () => {
    const unreserved = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';
    expect(isPkceValue(unreserved.slice(0, 43))).toBe(true);
    expect(isPkceValue(unreserved + unreserved.slice(0, 62))).toBe(true);
    for (const bad of ['a'.repeat(42), 'a'.repeat(129), `${'a'.repeat(42)}+`, `${'a'.repeat(42)}=`, `${'a'.repeat(42)} `, `x${'a'.repeat(43)}\n`, '']) {
      expect(isPkceValue(bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it('accepts the verifier of the challenge, and no verifier when there was no challenge', () => {
    expect(refusal(CHALLENGE, VERIFIER)).toBeNull();
    expect(refusal(null, undefined)).toBeNull();
  });

  it('refuses, with invalid_grant and the reason, every other combination', () => {
    expect(refusal(null, VERIFIER)).toEqual(invalidGrant('code_verifier was sent, but the authorization request had no code_challenge.'));
    expect(refusal(CHALLENGE, undefined)).toEqual(invalidGrant('code_verifier is required: the authorization request used PKCE.'));
    expect(refusal(CHALLENGE, `${VERIFIER}+`)).toEqual(invalidGrant('code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636 §4.1).'));
    const mismatch = invalidGrant('code_verifier does not match the code_challenge.');
    expect(refusal(CHALLENGE, `${VERIFIER.slice(0, -1)}Y`)).toEqual(mismatch);
    // The challenge itself as verifier (plain), and a challenge of another length, are refused the same way.
    expect(refusal(CHALLENGE, CHALLENGE)).toEqual(mismatch);
    expect(refusal(CHALLENGE.slice(1), VERIFIER)).toEqual(mismatch);
    expect(refusal(`${CHALLENGE}A`, VERIFIER)).toEqual(mismatch);
  });
});
