import { describe, expect, it } from 'vitest';
import { requireBoundKey } from '../../../src/oauth/dpop/binding.js';
import { OAuthError } from '../../../src/oauth/errors.js';

const key = (jkt: string) => ({ jkt, jwk: { kty: 'EC' } });

function refusal(jkt: string | null, proven: ReturnType<typeof key> | null | undefined) {
  try {
    requireBoundKey(jkt, proven, 'The refresh token');
    return null;
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    return { status: error.status, body: error.body, detail: error.detail };
  }
}

describe('DPoP binding of a code or refresh token (RFC 9449 §5, §10)', () => {
  it('lets anything through for an unbound one, and the bound key\'s proof for a bound one', () => {
    expect(refusal(null, undefined)).toBeNull();
    expect(refusal(null, key('a'))).toBeNull();
    expect(refusal('a', key('a'))).toBeNull();
  });

  it('refuses a bound one without a proof, or with another key\'s', () => {
    const missing = { status: 400, body: { error: 'invalid_dpop_proof', error_description: 'The refresh token is bound to a DPoP key: send a DPoP proof made with that key.' }, detail: undefined };
    expect(refusal('a', undefined)).toEqual(missing);
    expect(refusal('a', null)).toEqual(missing);
    expect(refusal('a', key('b'))).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'The refresh token is bound to another DPoP key than this proof\'s.' }, detail: 'dpop key mismatch' });
  });
});
