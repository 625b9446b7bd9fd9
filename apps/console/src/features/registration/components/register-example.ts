import type { RegistrationToken } from '../../../lib/contract';

/**
 * A curl command that registers a client with `value` at `endpoint`: a public app signing users in
 * (PKCE, a loopback redirect) when the token allows the authorization code grant, else a machine client.
 */
export function registerExample(endpoint: string, value: string, token: RegistrationToken): string {
  const signsUsersIn = token.grantTypes === null || token.grantTypes.includes('authorization_code');
  const metadata = signsUsersIn
    ? { client_name: 'My app', redirect_uris: ['http://127.0.0.1:8976/callback'], token_endpoint_auth_method: 'none' }
    : { client_name: 'My service', grant_types: ['client_credentials'] };
  return [
    `curl -X POST '${endpoint}' \\`,
    `  -H 'Authorization: Bearer ${value}' \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d '${JSON.stringify(metadata)}'`,
  ].join('\n');
}
