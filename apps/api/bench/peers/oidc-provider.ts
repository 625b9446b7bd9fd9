/**
 * The peer: node-oidc-provider with client credentials and introspection,
 * in memory (its default adapter). Usage: oidc-provider.ts <port> <id> <secret>
 */
import Provider from 'oidc-provider';

const [port, id, secret] = process.argv.slice(2);
const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: id!,
    client_secret: secret!,
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
    token_endpoint_auth_method: 'client_secret_basic',
    scope: 'read write',
  }],
  scopes: ['read', 'write'],
  features: {
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    devInteractions: { enabled: false },
  },
});
provider.listen(Number(port));
