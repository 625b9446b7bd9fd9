/** What a client or a resource server sends Tollgate's OAuth endpoints, from Node. */

export interface Credentials {
  clientId: string;
  clientSecret: string;
}

/** HTTP Basic client authentication (RFC 6749 §2.3.1). */
export function basic({ clientId, clientSecret }: Credentials): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`;
}

async function post(url: string, caller: Credentials, body: Record<string, string>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { Authorization: basic(caller), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A client-credentials token request. */
export function requestToken(baseURL: string, client: Credentials) {
  return post(`${baseURL}/oauth/token`, client, { grant_type: 'client_credentials' });
}

/** Token introspection (RFC 7662) by `caller`: a resource server, or the client that holds the token. */
export function introspect(baseURL: string, caller: Credentials, token: string) {
  return post(`${baseURL}/oauth/introspect`, caller, { token });
}
