import type { Client } from '../../storage/types.js';
import { fapi2RegistrationProblems } from '../profile/fapi2.js';

/** The parts of a registration whose values must agree with each other. */
export type ClientShape = Pick<Client, 'grantTypes' | 'redirectUris' | 'postLogoutRedirectUris' | 'tokenEndpointAuthMethod' | 'resourceServer'>
  & Partial<Pick<Client, 'jwks' | 'jwksUri' | 'backchannelLogoutUri' | 'tokenEndpointAuthSigningAlg' | 'securityProfile' | 'idTokenSigningAlg'>>;

export interface ClientProblem {
  field: keyof ClientShape;
  message: string;
}

/**
 * What makes a registration inconsistent (RFC 6749 §2.1, §4.1, §4.4; RFC 7591
 * §2), the same for the admin API, the CLI and dynamic registration.
 */
export function clientConsistencyProblems(client: ClientShape): ClientProblem[] {
  const problems: ClientProblem[] = [];
  const grants = new Set(client.grantTypes);
  const problem = (field: keyof ClientShape, message: string) => problems.push({ field, message });
  if (grants.size === 0 && !client.resourceServer) problem('grantTypes', 'name at least one grant type (only a resource server may have none)');
  if (client.resourceServer && client.tokenEndpointAuthMethod === 'none') {
    problem('resourceServer', 'a resource server must authenticate to introspect, so it cannot be public');
  }
  if (grants.has('authorization_code') && client.redirectUris.length === 0) problem('redirectUris', 'the authorization_code grant needs at least one redirect URI');
  if (!grants.has('authorization_code') && client.postLogoutRedirectUris.length > 0) {
    problem('postLogoutRedirectUris', 'post-logout redirect URIs are used only by clients that sign users in (authorization_code)');
  }
  if (!grants.has('authorization_code') && client.redirectUris.length > 0) problem('redirectUris', 'redirect URIs are used only by the authorization_code grant');
  if (grants.has('refresh_token') && !grants.has('authorization_code') && !grants.has('urn:ietf:params:oauth:grant-type:device_code') && !grants.has('password')) {
    problem('grantTypes', 'refresh_token is issued only with authorization_code, the device code grant or password');
  }
  if (grants.has('client_credentials') && client.tokenEndpointAuthMethod === 'none') problem('grantTypes', 'client_credentials needs a confidential client (RFC 6749 §4.4)');
  if (grants.has('urn:ietf:params:oauth:grant-type:token-exchange') && client.tokenEndpointAuthMethod === 'none') {
    problem('grantTypes', 'token exchange needs a confidential client (RFC 8693 §5): a public client id proves nothing');
  }
  if (client.tokenEndpointAuthMethod === 'private_key_jwt' && !client.jwks && !client.jwksUri) {
    problem('tokenEndpointAuthMethod', 'private_key_jwt needs the client\'s public keys: give jwks or jwks_uri');
  }
  if (client.tokenEndpointAuthSigningAlg && client.tokenEndpointAuthMethod !== 'private_key_jwt') {
    problem('tokenEndpointAuthSigningAlg', 'an assertion signing algorithm applies only to private_key_jwt clients');
  }
  if (client.backchannelLogoutUri) {
    if (!grants.has('authorization_code')) problem('backchannelLogoutUri', 'a back-channel logout URI is used only by clients that sign users in (authorization_code)');
    // OIDC Back-Channel Logout §2.2: http only for confidential clients; a public client's logouts go over https.
    else if (client.tokenEndpointAuthMethod === 'none' && client.backchannelLogoutUri.startsWith('http:')) {
      problem('backchannelLogoutUri', 'a public client\'s back-channel logout URI must use https');
    }
  }
  if (client.jwks && client.jwksUri) problem('jwksUri', 'give the keys inline (jwks) or by URL (jwks_uri), not both (RFC 7591 §2)');
  if (client.securityProfile === 'fapi2') {
    for (const { field, message } of fapi2RegistrationProblems(client)) problem(field, message);
  }
  return problems;
}
