import { describe, expect, it } from 'vitest';
import { ADMIN_SCOPE, decideScope, INTERACTIONS_SCOPE, isScopeToken, parseScope, scopesForClient, scopesForUser } from '../../../src/oauth/helpers/scope.js';

const GRAMMAR = 'The scope parameter is not a list of scopes separated by single spaces (RFC 6749 §3.3).';

describe('scope decisions (RFC 6749 §3.3)', () => {
  it('grants everything allowed when no scope is asked for, as a copy', () => {
    const allowed = ['read', 'write'];
    const decision = decideScope(undefined, allowed);
    expect(decision).toEqual({ ok: true, scopes: ['read', 'write'] });
    if (decision.ok) expect(decision.scopes).not.toBe(allowed);
  });

  it('grants a subset, in the order asked, each once', () => {
    expect(decideScope('write read', ['read', 'write', 'admin'])).toEqual({ ok: true, scopes: ['write', 'read'] });
    expect(decideScope('read read', ['read'])).toEqual({ ok: true, scopes: ['read'] });
  });

  it('refuses a scope not allowed, naming each refused one, case-sensitively', () => {
    expect(decideScope('read Write delete', ['read', 'write'])).toEqual({ ok: false, reason: 'Scope not allowed for this client: Write delete.' });
    expect(decideScope('read', [])).toEqual({ ok: false, reason: 'Scope not allowed for this client: read.' });
  });

  it('refuses what is outside the grammar: double, leading and trailing spaces, quotes, backslashes, controls, non-ASCII', () => {
    for (const bad of ['', 'read  write', ' read', 'read ', 'a"b', 'a\\b', 'read\twrite', 'caf\u00e9', 'a\u007fb']) {
      expect(decideScope(bad, ['read', 'write', 'a"b', 'a\\b']), JSON.stringify(bad)).toEqual({ ok: false, reason: GRAMMAR });
    }
    expect(decideScope('!#[]~', ['!#[]~'])).toEqual({ ok: true, scopes: ['!#[]~'] });
  });

  it('reads a scope token and splits a parameter without empty parts or repeats', () => {
    expect(isScopeToken('read:all')).toBe(true);
    for (const bad of ['', 'a b', 'a"b', 'a\\b', '\u00e9']) expect(isScopeToken(bad), JSON.stringify(bad)).toBe(false);
    expect(parseScope('b  a b ')).toEqual(['b', 'a']);
  });

  it('keeps only what the client is still registered for', () => {
    expect(scopesForClient(['read', 'write', 'gone'], { scopes: ['write', 'read', 'other'] })).toEqual(['read', 'write']);
    expect(scopesForClient(['read'], { scopes: [] })).toEqual([]);
  });

  it('gives oauth-admin only to an administrator and oauth-interactions to no user', () => {
    const asked = ['read', ADMIN_SCOPE, INTERACTIONS_SCOPE];
    expect(scopesForUser(asked, { admin: false })).toEqual(['read']);
    expect(scopesForUser(asked, { admin: true })).toEqual(['read', ADMIN_SCOPE]);
    expect([ADMIN_SCOPE, INTERACTIONS_SCOPE]).toEqual(['oauth-admin', 'oauth-interactions']);
  });
});
