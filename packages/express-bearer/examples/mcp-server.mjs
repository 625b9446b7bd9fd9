// An MCP-style server (Streamable HTTP, JSON answers) whose one endpoint, POST /mcp, takes only
// access tokens issued for it: aud = MCP_URL. It publishes its RFC 9728 metadata so that clients
// find the authorization server from the 401 alone.
import express from 'express';
import { bearerAuth, protectedResourceMetadata } from '@tollgate/express-bearer';

const port = Number(process.env.PORT ?? 4000);
const resource = process.env.MCP_URL ?? `http://127.0.0.1:${port}/mcp`;
const options = {
  issuer: process.env.TOLLGATE_URL ?? 'http://localhost:3000',
  audience: resource,
  scope: 'mcp:tools',
  jwt: {},
  // Opaque tokens are checked by introspection, with the credentials of a client linked to the API.
  ...(process.env.API_CLIENT_ID && { introspection: { clientId: process.env.API_CLIENT_ID, clientSecret: process.env.API_CLIENT_SECRET } }),
  resourceMetadata: { resourceName: 'Tollgate example MCP server', scopesSupported: ['mcp:tools'] },
};

const tools = [{ name: 'whoami', description: 'Says who is calling', inputSchema: { type: 'object', properties: {} } }];
const methods = {
  initialize: () => ({ protocolVersion: '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'tollgate-example', version: '1.0.0' } }),
  'tools/list': () => ({ tools }),
  'tools/call': ({ name }, auth) => {
    if (name !== 'whoami') throw Object.assign(new Error(`Unknown tool: ${name}`), { code: -32602 });
    const text = JSON.stringify({ subject: auth.subject, client: auth.clientId, scopes: auth.scopes, audience: auth.claims.aud });
    return { content: [{ type: 'text', text }] };
  },
};

const app = express();
app.use(protectedResourceMetadata(options));
app.post('/mcp', bearerAuth(options), express.json(), (req, res) => {
  const { id, method, params } = req.body ?? {};
  if (id === undefined) return res.status(202).end(); // a notification, such as notifications/initialized
  const handler = methods[method];
  if (!handler) return res.json({ jsonrpc: '2.0', id, error: { code: -32601, message: `Method not found: ${method}` } });
  try {
    res.json({ jsonrpc: '2.0', id, result: handler(params ?? {}, req.auth) });
  } catch (error) {
    res.json({ jsonrpc: '2.0', id, error: { code: error.code ?? -32603, message: error.message } });
  }
});
app.listen(port, () => console.log(`MCP server for ${resource} listening on ${port}`));
