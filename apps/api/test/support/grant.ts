import { afterEach, beforeEach, vi } from 'vitest';
import { InvalidGrant, type OAuthError } from '../../src/oauth/errors.js';
import type { Grant } from '../../src/oauth/grants/grant.js';
import type { TokenIssuer } from '../../src/oauth/tokens/issue.js';
import type { Client } from '../../src/storage/types.js';

/** Freezes `Date.now()` at `now` (epoch ms) for each test of the calling file or suite. */
export function clockFrozenAt(now: number): void {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(now);
  });
  afterEach(() => { vi.useRealTimers(); });
}

/** An issuer that records each request to mint user tokens and mints nothing: a refused grant must leave `minted` empty. */
export function recordingIssuer(): { issuer: TokenIssuer; minted: unknown[] } {
  const minted: unknown[] = [];
  const issuer = { mintUserTokens: async (request: unknown) => { minted.push(request); throw new Error('minted'); } } as unknown as TokenIssuer;
  return { issuer, minted };
}

/**
 * Runs `grant` for `client` with `params` as a bearer request from
 * 203.0.113.9, and returns its `invalid_grant`; throws when it answers
 * anything else. `target` answers the grant's choice of API.
 */
export async function grantRefusal(grant: Grant, client: Client, params: Record<string, string>, target: unknown = {}): Promise<OAuthError> {
  const request = { params: new Map(Object.entries(params)), sourceAddress: '203.0.113.9', dpop: null };
  const error = await grant.handle(client, request as never, target as never).then(() => null, (e: unknown) => e);
  if (!(error instanceof InvalidGrant)) throw new Error(`expected invalid_grant, got ${String(error)}`);
  return error;
}
