import type { Client } from '../../../lib/contract';

/** One copyable snippet of a client's quick start. */
export interface Snippet {
  id: 'curl' | 'token-agent' | 'oidc-client-ts' | 'openid-client' | 'introspect';
  label: string;
  /** What it is for, in a sentence. */
  description: string;
  language: 'sh' | 'js';
  text: string;
}

/** A value as a single-quoted shell word. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

const js = (value: unknown) => JSON.stringify(value).replaceAll('"', "'");

/**
 * The snippets that fit a client, filled in with its id, scopes and redirect URIs and the server's
 * `issuer`: curl for every client, @tollgate/token-agent for machine clients, oidc-client-ts for
 * public single-page apps, openid-client for confidential web servers, introspection for APIs.
 * `secret` fills in the client secret where it is known (right after creation); otherwise the
 * snippets read it from `$CLIENT_SECRET`.
 */
export function quickStartSnippets(client: Client, issuer: string, secret?: string | null): Snippet[] {
  const snippets: Snippet[] = [];
  const confidential = client.tokenEndpointAuthMethod !== 'none';
  const scope = client.scopes.join(' ');
  const secretLine = secret
    ? `CLIENT_SECRET=${shellQuote(secret)}\n`
    : '# CLIENT_SECRET: the secret shown when the client was created or its secret last rotated\n';
  const credentials = client.tokenEndpointAuthMethod === 'client_secret_post'
    ? `  -d client_id=${shellQuote(client.id)} \\\n  --data-urlencode "client_secret=$CLIENT_SECRET" \\\n`
    : `  -u ${shellQuote(`${client.id}:`)}"$CLIENT_SECRET" \\\n`;

  if (client.grantTypes.includes('client_credentials') && confidential) {
    snippets.push({
      id: 'curl', label: 'Get a token with curl', language: 'sh',
      description: 'A client credentials token request (RFC 6749 §4.4): the answer carries access_token and expires_in.',
      text: `${secretLine}curl -sS ${shellQuote(`${issuer}/oauth/token`)} \\\n${credentials}  -d grant_type=client_credentials${scope ? ` \\\n  --data-urlencode ${shellQuote(`scope=${scope}`)}` : ''}\n`,
    });
    snippets.push({
      id: 'token-agent', label: 'Call an API with @tollgate/token-agent', language: 'js',
      description: 'Gets, caches and renews the token, and retries once on a 401.',
      text: [
        "import { TokenAgent } from '@tollgate/token-agent';",
        '',
        'const agent = new TokenAgent({',
        `  issuer: ${js(issuer)},`,
        `  clientId: ${js(client.id)},`,
        '  clientSecret: process.env.CLIENT_SECRET,',
        ...(client.scopes.length > 0 ? [`  scopes: ${js(client.scopes)},`] : []),
        '});',
        '',
        "const res = await agent.fetch('https://api.example.com/resource');",
        '',
      ].join('\n'),
    });
  } else if (client.resourceServer && confidential) {
    snippets.push({
      id: 'introspect', label: 'Check a token with curl', language: 'sh',
      description: 'Token introspection (RFC 7662): an API asks whether the bearer token it was given is active, and for whom.',
      text: `${secretLine}curl -sS ${shellQuote(`${issuer}/oauth/introspect`)} \\\n${credentials}  --data-urlencode "token=$ACCESS_TOKEN"\n`,
    });
  } else {
    snippets.push({
      id: 'curl', label: 'Read the server\'s metadata with curl', language: 'sh',
      description: 'The OpenID Provider metadata: every endpoint a library needs, found from the issuer alone.',
      text: `curl -sS ${shellQuote(`${issuer}/.well-known/openid-configuration`)}\n`,
    });
  }

  if (client.grantTypes.includes('authorization_code')) {
    const redirectUri = client.redirectUris[0] ?? 'https://app.example.com/callback';
    const signInScope = scope || 'openid';
    if (!confidential && client.applicationType === 'web') {
      snippets.push({
        id: 'oidc-client-ts', label: 'Sign users in from a single-page app with oidc-client-ts', language: 'js',
        description: 'Authorization code with PKCE, in the browser; no secret.',
        text: [
          "import { UserManager } from 'oidc-client-ts';",
          '',
          'const users = new UserManager({',
          `  authority: ${js(issuer)},`,
          `  client_id: ${js(client.id)},`,
          `  redirect_uri: ${js(redirectUri)},`,
          ...(client.postLogoutRedirectUris[0] ? [`  post_logout_redirect_uri: ${js(client.postLogoutRedirectUris[0])},`] : []),
          `  scope: ${js(signInScope)},`,
          '});',
          '',
          '// On a "Sign in" click:',
          'await users.signinRedirect();',
          `// On the page at ${redirectUri}:`,
          'const user = await users.signinRedirectCallback();',
          '',
        ].join('\n'),
      });
    }
    if (confidential) {
      const auth = client.tokenEndpointAuthMethod === 'client_secret_post' ? 'ClientSecretPost' : 'ClientSecretBasic';
      snippets.push({
        id: 'openid-client', label: 'Sign users in from a web server with openid-client', language: 'js',
        description: 'Authorization code with PKCE, on the server, which keeps the secret.',
        text: [
          "import * as oidc from 'openid-client';",
          '',
          'const config = await oidc.discovery(',
          `  new URL(${js(issuer)}),`,
          `  ${js(client.id)},`,
          '  undefined,',
          `  oidc.${auth}(process.env.CLIENT_SECRET),`,
          ');',
          '',
          '// Sign in: keep the verifier in the session, send the browser to the URL.',
          'const verifier = oidc.randomPKCECodeVerifier();',
          'const url = oidc.buildAuthorizationUrl(config, {',
          `  redirect_uri: ${js(redirectUri)},`,
          `  scope: ${js(signInScope)},`,
          '  code_challenge: await oidc.calculatePKCECodeChallenge(verifier),',
          "  code_challenge_method: 'S256',",
          '});',
          '',
          `// At ${redirectUri}: exchange the code.`,
          'const tokens = await oidc.authorizationCodeGrant(config, currentUrl, { pkceCodeVerifier: verifier });',
          '',
        ].join('\n'),
      });
    }
  }
  return snippets;
}
