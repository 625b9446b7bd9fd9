// An MCP-style client that knows only the server's URL, as the MCP authorization spec has it:
// 401 → RFC 9728 protected resource metadata → RFC 8414 authorization server metadata →
// RFC 7591 dynamic registration → authorization code with PKCE and RFC 8707 `resource` → call.
// The user signs in in a browser; the answer comes back to a loopback redirect URI (RFC 8252).
import http from 'node:http';
import * as oauth from 'oauth4webapi';

const mcpUrl = process.env.MCP_URL ?? 'http://127.0.0.1:4000/mcp';
const rpc = (method, params, token) => fetch(mcpUrl, {
  method: 'POST',
  headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(token && { authorization: `Bearer ${token}` }) },
  body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
});
// Plain http only for servers on this machine, as in development.
const insecure = (url) => ({ [oauth.allowInsecureRequests]: new URL(url).protocol === 'http:' });

// 1. Without a token the server answers 401 and names its metadata.
const challenge = await rpc('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'example', version: '1.0.0' } });
const metadataUrl = /resource_metadata="([^"]+)"/.exec(challenge.headers.get('www-authenticate') ?? '')?.[1];
if (challenge.status !== 401 || !metadataUrl) throw new Error(`expected a 401 naming resource_metadata, got ${challenge.status}`);
console.log(`401 from ${mcpUrl}; its metadata: ${metadataUrl}`);

// 2. RFC 9728: the document must be about the very resource we called (§3.3).
const resource = await (await fetch(metadataUrl)).json();
if (resource.resource !== mcpUrl) throw new Error(`metadata is for ${resource.resource}, not ${mcpUrl}`);
const issuer = new URL(resource.authorization_servers[0]);
const scope = (resource.scopes_supported ?? []).join(' ');

// 3. RFC 8414: the authorization server's metadata, whose issuer must match.
const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure(issuer) }));
if (!as.code_challenge_methods_supported?.includes('S256')) throw new Error('the authorization server does not support PKCE with S256');
console.log(`authorization server: ${as.issuer}`);

// 4. A loopback listener for the redirect, then RFC 7591 registration as a public client.
const callback = http.createServer();
await new Promise((resolve) => callback.listen(Number(process.env.CALLBACK_PORT ?? 0), '127.0.0.1', resolve));
const redirectUri = `http://127.0.0.1:${callback.address().port}/callback`;
const registered = await oauth.processDynamicClientRegistrationResponse(await oauth.dynamicClientRegistrationRequest(as, {
  client_name: 'Example MCP client', redirect_uris: [redirectUri], grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'], token_endpoint_auth_method: 'none', scope,
}, { ...insecure(as.registration_endpoint), ...(process.env.INITIAL_ACCESS_TOKEN && { initialAccessToken: process.env.INITIAL_ACCESS_TOKEN }) }));
const client = { client_id: registered.client_id };
console.log(`registered as client ${client.client_id}`);

// 5. Authorization code with PKCE, asking for a token for this resource (RFC 8707).
const verifier = oauth.generateRandomCodeVerifier();
const state = oauth.generateRandomState();
const authorize = new URL(as.authorization_endpoint);
authorize.search = new URLSearchParams({
  client_id: client.client_id, redirect_uri: redirectUri, response_type: 'code', scope, state, resource: mcpUrl,
  code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
}).toString();
console.log(`open this URL in a browser to sign in: ${authorize.href}`);
const returned = await new Promise((resolve) => callback.on('request', (req, res) => {
  const url = new URL(req.url, redirectUri);
  if (url.pathname !== '/callback') return res.writeHead(404).end();
  res.writeHead(200, { 'content-type': 'text/plain' }).end('Signed in: you can close this window.');
  resolve(url);
}));
callback.close();
const params = oauth.validateAuthResponse(as, client, returned, state);
const tokens = await oauth.processAuthorizationCodeResponse(as, client, await oauth.authorizationCodeGrantRequest(
  as, client, oauth.None(), params, redirectUri, verifier, { additionalParameters: { resource: mcpUrl }, ...insecure(as.token_endpoint) },
));
console.log(`got an access token for ${mcpUrl} (scope ${tokens.scope ?? scope})`);

// 6. The call, now with the token.
for (const [method, params] of [['initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'example', version: '1.0.0' } }], ['tools/call', { name: 'whoami', arguments: {} }]]) {
  const response = await rpc(method, params, tokens.access_token);
  if (response.status !== 200) throw new Error(`${method} answered ${response.status}: ${response.headers.get('www-authenticate')}`);
  console.log(`${method}: ${JSON.stringify((await response.json()).result)}`);
}
