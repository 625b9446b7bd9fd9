import { describe, expect, it } from 'vitest';
import { makeClient } from '../../../testing/fixtures';
import { quickStartSnippets, shellQuote } from './quick-start';

const ISSUER = 'https://auth.example.com';

describe('quick start snippets', () => {
  it('gives a machine client a curl token request and a token agent, with Basic or body credentials as it authenticates', () => {
    const machine = makeClient({ id: 'm1', scopes: ['read', 'write'] });
    const snippets = quickStartSnippets(machine, ISSUER);
    expect(snippets.map((s) => s.id)).toEqual(['curl', 'token-agent']);
    expect(snippets[0]!.text).toBe([
      '# CLIENT_SECRET: the secret shown when the client was created or its secret last rotated',
      "curl -sS 'https://auth.example.com/oauth/token' \\",
      "  -u 'm1:'\"$CLIENT_SECRET\" \\",
      '  -d grant_type=client_credentials \\',
      "  --data-urlencode 'scope=read write'",
      '',
    ].join('\n'));
    expect(snippets[1]!.text).toContain("clientId: 'm1',");
    expect(snippets[1]!.text).toContain("scopes: ['read','write'],");

    const post = quickStartSnippets({ ...machine, tokenEndpointAuthMethod: 'client_secret_post' }, ISSUER, "se'cret")[0]!.text;
    expect(post).toContain("CLIENT_SECRET='se'\\''cret'\n");
    expect(post).toContain("  -d client_id='m1' \\\n  --data-urlencode \"client_secret=$CLIENT_SECRET\" \\\n");
    expect(post).not.toContain('-u ');
  });

  it('gives a single-page app oidc-client-ts with its first redirect URI, and no secret anywhere', () => {
    const spa = makeClient({
      id: 'spa1', tokenEndpointAuthMethod: 'none', hasSecret: false, grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: ['https://app.example.com/cb', 'https://app.example.com/cb2'], scopes: ['openid', 'read'],
    });
    const snippets = quickStartSnippets(spa, ISSUER);
    expect(snippets.map((s) => s.id)).toEqual(['curl', 'oidc-client-ts']);
    expect(snippets[0]!.text).toBe("curl -sS 'https://auth.example.com/.well-known/openid-configuration'\n");
    expect(snippets[1]!.text).toContain("redirect_uri: 'https://app.example.com/cb',");
    expect(snippets[1]!.text).toContain("scope: 'openid read',");
    expect(snippets.map((s) => s.text).join('')).not.toContain('CLIENT_SECRET');
    expect(quickStartSnippets({ ...spa, applicationType: 'native' }, ISSUER).map((s) => s.id)).toEqual(['curl']);
  });

  it('gives a web server openid-client with PKCE and its authentication method, and an API introspection', () => {
    const web = makeClient({ id: 'w1', grantTypes: ['authorization_code'], redirectUris: ['https://web.example/cb'], scopes: [] });
    const snippets = quickStartSnippets(web, ISSUER);
    expect(snippets.map((s) => s.id)).toEqual(['curl', 'openid-client']);
    expect(snippets[1]!.text).toContain('oidc.ClientSecretBasic(process.env.CLIENT_SECRET)');
    expect(snippets[1]!.text).toContain("scope: 'openid',");
    expect(snippets[1]!.text).toContain("code_challenge_method: 'S256',");

    const api = quickStartSnippets(makeClient({ id: 'a1', grantTypes: [], resourceServer: true }), ISSUER);
    expect(api.map((s) => s.id)).toEqual(['introspect']);
    expect(api[0]!.text).toContain("curl -sS 'https://auth.example.com/oauth/introspect'");
    expect(api[0]!.text).toContain('--data-urlencode "token=$ACCESS_TOKEN"');
  });

  it('quotes any value for the shell', () => {
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('$HOME `x`')).toBe("'$HOME `x`'");
  });
});
