import { ACR_VALUES_SUPPORTED } from '../authorization/acr.js';
import { Router, type Response } from 'express';
import type { GrantType, SecurityProfile, Storage } from '../../storage/types.js';
import { FAPI2_ASSERTION_ALGORITHMS, FAPI2_DPOP_ALGORITHMS } from '../profile/fapi2.js';
import { ASSERTION_SIGNING_ALGORITHMS } from '../client-auth/private-key-jwt.js';
import { DPOP_SIGNING_ALGORITHMS } from '../dpop/proof.js';
import { DEVICE_CODE_GRANT } from '../clients/fields.js';
import { SIGNING_ALGORITHMS, type SigningKeys } from '../tokens/signing-keys.js';

/** Discovery and keys are public: any origin may read them. */
function publicJson(res: Response, maxAgeSeconds: number) {
  res.set({ 'Cache-Control': `public, max-age=${maxAgeSeconds}`, 'Access-Control-Allow-Origin': '*' });
}

/**
 * `GET /.well-known/oauth-authorization-server` (RFC 8414) and
 * `/.well-known/openid-configuration` (OIDC Discovery 1.0): the same
 * document, listing only what this server really does. And the JWKS.
 */
export function discoveryRoutes(options: {
  issuer: string; storage: Storage; keys: SigningKeys; grantTypes: readonly GrantType[]; registration: boolean; clientMetadataDocuments: boolean;
  /** `REQUIRE_PAR`: every client must push its authorization requests. */
  requirePar: boolean;
  /**
   * `SECURITY_PROFILE`: with `fapi2` the document says what the profile implies (PAR required,
   * private_key_jwt only, its algorithms, no password grant). The console's own client, which
   * the profile leaves alone, is configured by Tollgate and reads none of it.
   */
  securityProfile?: SecurityProfile | null;
}): Router {
  const router = Router();
  const { issuer } = options;
  const fapi2 = options.securityProfile === 'fapi2';
  const clientAuthMethods = fapi2 ? ['private_key_jwt'] : ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];
  const publicAuth = fapi2 ? [] : ['none'];
  const assertionAlgorithms: string[] = fapi2 ? [...FAPI2_ASSERTION_ALGORITHMS] : [...ASSERTION_SIGNING_ALGORITHMS];
  const grantTypes = fapi2 ? options.grantTypes.filter((grant) => grant !== 'password') : options.grantTypes;
  const metadata = async () => {
    const scopes = await options.storage.scopes.list();
    return {
      issuer,
      authorization_endpoint: `${issuer}/oauth/authorize`,
      token_endpoint: `${issuer}/oauth/token`,
      userinfo_endpoint: `${issuer}/oauth/userinfo`,
      jwks_uri: `${issuer}/oauth/jwks`,
      end_session_endpoint: `${issuer}/oauth/logout`,
      backchannel_logout_supported: true,
      backchannel_logout_session_supported: true,
      introspection_endpoint: `${issuer}/oauth/introspect`,
      revocation_endpoint: `${issuer}/oauth/revoke`,
      pushed_authorization_request_endpoint: `${issuer}/oauth/par`,
      require_pushed_authorization_requests: options.requirePar || fapi2,
      ...(options.registration && { registration_endpoint: `${issuer}/oauth/register` }),
      ...(grantTypes.includes(DEVICE_CODE_GRANT) && { device_authorization_endpoint: `${issuer}/oauth/device_authorization` }),
      scopes_supported: scopes.map((s) => s.name),
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: grantTypes,
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: fapi2 ? SIGNING_ALGORITHMS.filter((alg) => alg !== 'RS256') : SIGNING_ALGORITHMS,
      token_endpoint_auth_methods_supported: [...clientAuthMethods, ...publicAuth],
      token_endpoint_auth_signing_alg_values_supported: assertionAlgorithms,
      introspection_endpoint_auth_methods_supported: clientAuthMethods,
      introspection_endpoint_auth_signing_alg_values_supported: assertionAlgorithms,
      revocation_endpoint_auth_methods_supported: [...clientAuthMethods, ...publicAuth],
      revocation_endpoint_auth_signing_alg_values_supported: assertionAlgorithms,
      code_challenge_methods_supported: ['S256'],
      dpop_signing_alg_values_supported: fapi2 ? FAPI2_DPOP_ALGORITHMS : DPOP_SIGNING_ALGORITHMS,
      prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
      acr_values_supported: ACR_VALUES_SUPPORTED,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'amr', 'nonce', 'at_hash', 'azp', 'sid', 'name', 'preferred_username', 'updated_at', 'email', 'email_verified'],
      claims_parameter_supported: false,
      request_parameter_supported: false,
      request_uri_parameter_supported: false,
      authorization_response_iss_parameter_supported: true,
      client_id_metadata_document_supported: options.clientMetadataDocuments,
    };
  };
  router.get(['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration'], async (_req, res) => {
    publicJson(res, 300);
    res.json(await metadata());
  });
  router.get('/oauth/jwks', async (_req, res) => {
    // Short: after a rotation, verifiers should see the new key soon.
    publicJson(res, 60);
    res.set('Content-Type', 'application/jwk-set+json');
    res.send(JSON.stringify(await options.keys.jwks()));
  });
  return router;
}
