/** What a client that registers itself sends: RFC 7591 metadata to the registration endpoint, from Node. */

/** A public app signing users in from a loopback redirect, as an AI agent or a command-line tool would register. */
export function agentMetadata(name: string) {
  return { client_name: name, redirect_uris: ['http://127.0.0.1:8976/callback'], token_endpoint_auth_method: 'none' };
}

/** `POST /oauth/register` with `token` as the initial access token. */
export async function registerWith(baseURL: string, token: string, metadata: Record<string, unknown>) {
  const response = await fetch(`${baseURL}/oauth/register`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(metadata),
  });
  return { status: response.status, challenge: response.headers.get('www-authenticate'), body: (await response.json()) as Record<string, unknown> };
}

/** The registration endpoint's answer to an initial access token that is revoked, expired, used up or unknown. */
export const SPENT_TOKEN = { error: 'invalid_token', error_description: 'The initial access token is invalid, expired, revoked or used up.' };
