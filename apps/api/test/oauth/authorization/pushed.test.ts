import { describe, expect, it } from 'vitest';
import { sha256 } from '../../../src/crypto/random.js';
import { newRequestUri, pushedParameters, REQUEST_URI_PREFIX, requestUriHash, usePushedRequest } from '../../../src/oauth/authorization/pushed.js';
import type { PushedRequest, PushedRequestStore } from '../../../src/storage/types.js';

/*
 * Pushed authorization requests (RFC 9126) below the endpoint: the value
 * handed out, what is stored of a push, and how a `request_uri` is used.
 * par.test.ts runs the same through /oauth/par and /oauth/authorize.
 */

const NOW = 1_800_000_000_000;

/** A store holding one pushed request, recording what it was asked. */
function storeHolding(pushed: PushedRequest | null) {
  const calls: [string, string, number][] = [];
  const store = {
    consume: async (uriHash: string, clientId: string, now: number) => { calls.push([uriHash, clientId, now]); return pushed; },
  } as unknown as PushedRequestStore;
  return { store, calls };
}

const pushed = (parameters: string) => ({ parameters }) as unknown as PushedRequest;

describe('pushed authorization requests', () => {
  it('hands out a request_uri in the RFC 9126 namespace with 256 random bits, and keeps only its hash', () => {
    const uri = newRequestUri();
    expect(REQUEST_URI_PREFIX).toBe('urn:ietf:params:oauth:request_uri:');
    expect(uri).toMatch(/^urn:ietf:params:oauth:request_uri:[A-Za-z0-9_-]{43}$/);
    expect(newRequestUri()).not.toBe(uri);
    expect(requestUriHash(uri)).toBe(sha256(uri));
  });

  it('stores what the client pushed but its credentials, its resources, and the authenticated client id last', () => {
    const params = new Map([
      ['response_type', 'code'], ['client_id', 'whoever'], ['client_secret', 's3cret'], ['redirect_uri', 'https://app.example/cb'],
      ['client_assertion', 'eyJ...'], ['client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'], ['scope', 'openid read'],
    ]);
    expect(pushedParameters(params, ['https://a.example/', 'https://b.example/'], 'app'))
      .toBe('response_type=code&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&scope=openid+read&resource=https%3A%2F%2Fa.example%2F&resource=https%3A%2F%2Fb.example%2F&client_id=app');
    expect(pushedParameters(new Map(), [], 'app')).toBe('client_id=app');
  });

  it('uses a pushed request once, by the hash of its request_uri, for the client the browser names', async () => {
    const { store, calls } = storeHolding(pushed('response_type=code&scope=openid&resource=https%3A%2F%2Fa.example%2F&client_id=app'));
    const found = await usePushedRequest(store, 'urn:ietf:params:oauth:request_uri:abc', 'app', NOW);
    expect(calls).toEqual([[sha256('urn:ietf:params:oauth:request_uri:abc'), 'app', NOW]]);
    expect(found.kind).toBe('pushed');
    if (found.kind !== 'pushed') return;
    expect(Object.fromEntries(found.params.values)).toEqual({ response_type: 'code', scope: 'openid', client_id: 'app' });
    expect(found.params.resources).toEqual(['https://a.example/']);
  });

  it('refuses a request without client_id before looking anything up, and one the store does not give', async () => {
    const unused = storeHolding(pushed('client_id=app'));
    expect(await usePushedRequest(unused.store, 'urn:ietf:params:oauth:request_uri:abc', undefined, NOW))
      .toEqual({ kind: 'problem', problem: 'The request does not say which application is asking (client_id is missing).' });
    expect(unused.calls).toEqual([]);
    expect(await usePushedRequest(storeHolding(null).store, 'urn:ietf:params:oauth:request_uri:abc', 'app', NOW))
      .toEqual({ kind: 'problem', problem: 'This sign-in link has expired or was already used. Return to the application and start again.' });
  });

  it('refuses a stored request that cannot be read (stored before NUL was refused at the push)', async () => {
    expect(await usePushedRequest(storeHolding(pushed('client_id=app&scope=%00')).store, 'urn:ietf:params:oauth:request_uri:abc', 'app', NOW))
      .toEqual({ kind: 'problem', problem: 'The request holds a NUL character or an unpaired surrogate, which is not allowed.' });
  });
});
