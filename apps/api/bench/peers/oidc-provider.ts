/**
 * The peer: node-oidc-provider with client credentials and introspection,
 * in memory (its default adapter). Opaque tokens without `resource`; with
 * `resource=<jwt-resource>` (RFC 8707, its resourceIndicators feature),
 * RFC 9068 JWT access tokens signed with ES256. DPoP proofs (RFC 9449) are
 * checked and bind the token when sent, as in Tollgate. A second client,
 * `<id>-pkjwt`, authenticates with private_key_jwt, its keys the JWK Set given.
 * Usage: oidc-provider.ts <port> <id> <secret> <jwt-resource> <jwks-json>
 */
import { generateKeyPairSync } from 'node:crypto';
import Provider, { errors } from 'oidc-provider';

const [port, id, secret, jwtResource, assertionJwks] = process.argv.slice(2);
const signingKey = { ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }), kid: 'es256', alg: 'ES256', use: 'sig' };
const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: id!,
    client_secret: secret!,
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: 'ES256',
    scope: 'read write',
  }, {
    client_id: `${id!}-pkjwt`,
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: 'ES256',
    jwks: JSON.parse(assertionJwks!) as { keys: object[] },
    id_token_signed_response_alg: 'ES256',
    scope: 'read write',
  }],
  scopes: ['read', 'write'],
  jwks: { keys: [signingKey] },
  features: {
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    devInteractions: { enabled: false },
    dPoP: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => undefined,
      useGrantedResource: () => false,
      getResourceServerInfo: (_ctx, resource) => {
        if (resource !== jwtResource) throw new errors.InvalidTarget();
        return { scope: 'read write', audience: resource, accessTokenTTL: 300, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } };
      },
    },
  },
});
provider.listen(Number(port));
