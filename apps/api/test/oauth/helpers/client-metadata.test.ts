import { describe, expect, it } from 'vitest';
import { jwksProblem, keySetUrlProblem, logoutUriProblem, MAX_CLIENT_KEYS } from '../../../src/oauth/helpers/client-metadata.js';

/** The checks of a client's key set, its key set URL and its back-channel logout URI, each at its edge. */

const ecKey = { kty: 'EC', crv: 'P-256', x: 'x'.repeat(43), y: 'y'.repeat(43) };

describe('jwksProblem', () => {
  it('takes one to ten public keys within 16 KB', () => {
    expect(jwksProblem({ keys: [ecKey] })).toBeNull();
    expect(jwksProblem({ keys: Array.from({ length: MAX_CLIENT_KEYS }, () => ecKey) })).toBeNull();
    expect(MAX_CLIENT_KEYS).toBe(10);
  });

  it('refuses no keys, more than ten, a member without kty, and a private member, naming it', () => {
    expect(jwksProblem({ keys: [] })).toBe('must hold at least one key');
    expect(jwksProblem({ keys: Array.from({ length: MAX_CLIENT_KEYS + 1 }, () => ecKey) })).toBe('must hold at most 10 keys');
    expect(jwksProblem({ keys: [ecKey, { crv: 'P-256' }] })).toBe('must hold JSON Web Keys, each with a kty');
    expect(jwksProblem({ keys: [{ kty: 7 }] })).toBe('must hold JSON Web Keys, each with a kty');
    expect(jwksProblem({ keys: [ecKey, { ...ecKey, d: 'secret' }] })).toBe('must hold public keys only: a key has the private member "d"');
    expect(jwksProblem({ keys: [{ kty: 'oct', k: 'secret' }] })).toBe('must hold public keys only: a key has the private member "k"');
  });

  it('refuses a key set over 16 KB, not one of exactly 16 KB', () => {
    const padded = (bytes: number) => {
      const set = { keys: [{ kty: 'RSA', n: '' }] };
      set.keys[0]!.n = 'n'.repeat(bytes - Buffer.byteLength(JSON.stringify(set)));
      return set;
    };
    expect(jwksProblem(padded(16 * 1024))).toBeNull();
    expect(jwksProblem(padded(16 * 1024 + 1))).toBe('must be at most 16 KB');
  });
});

describe('keySetUrlProblem', () => {
  it('takes an https URL with a query, and refuses http, a fragment (even an empty one) and what is no URL', () => {
    expect(keySetUrlProblem('https://app.example/jwks?v=2')).toBeNull();
    expect(keySetUrlProblem('http://app.example/jwks')).toBe('http://app.example/jwks must use https');
    expect(keySetUrlProblem('https://app.example/jwks#k')).toBe('https://app.example/jwks#k must not have a fragment');
    expect(keySetUrlProblem('https://app.example/jwks#')).toBe('https://app.example/jwks# must not have a fragment');
    expect(keySetUrlProblem('/jwks')).toBe('/jwks is not an absolute URL');
    expect(keySetUrlProblem('https://user:pw@app.example/jwks')).toBe('https://user:pw@app.example/jwks must not contain a user name or password');
  });
});

describe('logoutUriProblem', () => {
  it('takes http and https, and refuses another scheme, a fragment (even an empty one) and what is no URL', () => {
    expect(logoutUriProblem('https://app.example/logout')).toBeNull();
    expect(logoutUriProblem('http://app.example/logout')).toBeNull();
    expect(logoutUriProblem('ftp://app.example/logout')).toBe('ftp://app.example/logout must use https (or http, for a confidential client)');
    expect(logoutUriProblem('https://app.example/logout#x')).toBe('https://app.example/logout#x must not have a fragment');
    expect(logoutUriProblem('https://app.example/logout#')).toBe('https://app.example/logout# must not have a fragment');
    expect(logoutUriProblem('logout')).toBe('logout is not an absolute URL');
  });
});
