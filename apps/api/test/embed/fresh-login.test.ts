import { describe, expect, it } from 'vitest';
import { authTimeNotBefore } from '../../src/embed/interactions.js';
import type { AuthorizationRequest } from '../../src/storage/types.js';

const request = { prompt: [], maxAge: null } as unknown as AuthorizationRequest;
const at = (fields: Partial<AuthorizationRequest>) => authTimeNotBefore({ request: { ...request, ...fields }, createdAt: 1_000_000 });

describe('the earliest sign-in a host may report (OIDC Core §3.1.2.1)', () => {
  it('is any without max_age or prompt=login', () => {
    expect(at({})).toBeNull();
    expect(at({ prompt: ['consent'] })).toBeNull();
  });

  it('is the request time less max_age; max_age=0 asks for a sign-in during the request', () => {
    expect(at({ maxAge: 60 })).toBe(940_000);
    expect(at({ maxAge: 0 })).toBe(1_000_000);
  });

  it('is the request time with prompt=login, whatever max_age allows', () => {
    expect(at({ prompt: ['login'] })).toBe(1_000_000);
    expect(at({ prompt: ['consent', 'login'], maxAge: 600 })).toBe(1_000_000);
  });
});
