import { Router } from 'express';
import type { Storage } from '../../storage/types.js';
import type { GrantType } from '../../storage/types.js';

/**
 * `GET /.well-known/oauth-authorization-server` (RFC 8414): only what this
 * server really does. Endpoints and grants join the list as they are built.
 */
export function discoveryRoutes(options: { issuer: string; storage: Storage; grantTypes: readonly GrantType[] }): Router {
  const router = Router();
  const { issuer } = options;
  const clientAuthMethods = ['client_secret_basic', 'client_secret_post'];
  router.get('/.well-known/oauth-authorization-server', async (_req, res) => {
    const scopes = await options.storage.scopes.list();
    res.set('Cache-Control', 'public, max-age=300');
    res.json({
      issuer,
      token_endpoint: `${issuer}/oauth/token`,
      token_endpoint_auth_methods_supported: clientAuthMethods,
      grant_types_supported: options.grantTypes,
      response_types_supported: [],
      scopes_supported: scopes.map((s) => s.name),
      introspection_endpoint: `${issuer}/oauth/introspect`,
      introspection_endpoint_auth_methods_supported: clientAuthMethods,
      revocation_endpoint: `${issuer}/oauth/revoke`,
      revocation_endpoint_auth_methods_supported: [...clientAuthMethods, 'none'],
    });
  });
  return router;
}
