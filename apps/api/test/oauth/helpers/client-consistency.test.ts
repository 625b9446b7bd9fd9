import { describe, expect, it } from 'vitest';
import { clientConsistencyProblems, type ClientShape } from '../../../src/oauth/helpers/client-consistency.js';

/**
 * The rules that make a registration's parts agree (RFC 6749 §2.1, §4.1, §4.4;
 * RFC 7591 §2; RFC 8693 §5; OIDC Back-Channel Logout §2.2), each at its edge:
 * the admin API, the CLI and dynamic registration all answer with these.
 */

const DEVICE = 'urn:ietf:params:oauth:grant-type:device_code';
const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const webApp: ClientShape = {
  grantTypes: ['authorization_code', 'refresh_token'], redirectUris: ['https://app.example/cb'], postLogoutRedirectUris: [],
  tokenEndpointAuthMethod: 'client_secret_basic', resourceServer: false,
};
const machine: ClientShape = { ...webApp, grantTypes: ['client_credentials'], redirectUris: [] };
const problems = (shape: Partial<ClientShape>, base = webApp) => clientConsistencyProblems({ ...base, ...shape });
const only = (field: string, message: string) => [{ field, message }];

describe('clientConsistencyProblems', () => {
  it('finds nothing wrong with a web app, a machine client, or a resource server without grants', () => {
    expect(problems({})).toEqual([]);
    expect(problems({}, machine)).toEqual([]);
    expect(problems({ grantTypes: [], resourceServer: true }, machine)).toEqual([]);
  });

  it('needs a grant type, unless the client is a resource server, and a resource server that authenticates', () => {
    expect(problems({ grantTypes: [] }, machine)).toEqual(only('grantTypes', 'name at least one grant type (only a resource server may have none)'));
    expect(problems({ resourceServer: true, tokenEndpointAuthMethod: 'none', grantTypes: [] }, machine))
      .toEqual(only('resourceServer', 'a resource server must authenticate to introspect, so it cannot be public'));
  });

  it('ties redirect URIs and post-logout redirect URIs to the authorization_code grant, both ways', () => {
    expect(problems({ redirectUris: [] })).toEqual(only('redirectUris', 'the authorization_code grant needs at least one redirect URI'));
    expect(problems({ redirectUris: ['https://app.example/cb'] }, machine)).toEqual(only('redirectUris', 'redirect URIs are used only by the authorization_code grant'));
    expect(problems({ postLogoutRedirectUris: ['https://app.example/bye'] }, machine))
      .toEqual(only('postLogoutRedirectUris', 'post-logout redirect URIs are used only by clients that sign users in (authorization_code)'));
    expect(problems({ postLogoutRedirectUris: ['https://app.example/bye'] })).toEqual([]);
  });

  it('issues refresh tokens only with a grant that has a user: the code, device code or password grant', () => {
    const alone = only('grantTypes', 'refresh_token is issued only with authorization_code, the device code grant or password');
    expect(problems({ grantTypes: ['client_credentials', 'refresh_token'] }, machine)).toEqual(alone);
    expect(problems({ grantTypes: ['refresh_token'] }, machine)).toEqual(alone);
    expect(problems({ grantTypes: [DEVICE, 'refresh_token'] }, machine)).toEqual([]);
    expect(problems({ grantTypes: ['password', 'refresh_token'] }, machine)).toEqual([]);
  });

  it('keeps client credentials and token exchange from public clients', () => {
    expect(problems({ tokenEndpointAuthMethod: 'none' }, machine)).toEqual(only('grantTypes', 'client_credentials needs a confidential client (RFC 6749 §4.4)'));
    expect(problems({ grantTypes: [EXCHANGE], tokenEndpointAuthMethod: 'none' }, machine))
      .toEqual(only('grantTypes', 'token exchange needs a confidential client (RFC 8693 §5): a public client id proves nothing'));
    expect(problems({ grantTypes: [EXCHANGE] }, machine)).toEqual([]);
    expect(problems({ grantTypes: ['authorization_code'], tokenEndpointAuthMethod: 'none' })).toEqual([]);
  });

  it('needs keys for private_key_jwt, inline or by URL but not both, and an assertion algorithm only for it', () => {
    const jwks = { keys: [{ kty: 'EC' }] } as ClientShape['jwks'];
    expect(problems({ tokenEndpointAuthMethod: 'private_key_jwt' }, machine))
      .toEqual(only('tokenEndpointAuthMethod', 'private_key_jwt needs the client\'s public keys: give jwks or jwks_uri'));
    expect(problems({ tokenEndpointAuthMethod: 'private_key_jwt', jwks }, machine)).toEqual([]);
    expect(problems({ tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: 'https://app.example/jwks' }, machine)).toEqual([]);
    expect(problems({ tokenEndpointAuthMethod: 'private_key_jwt', jwks, jwksUri: 'https://app.example/jwks' }, machine))
      .toEqual(only('jwksUri', 'give the keys inline (jwks) or by URL (jwks_uri), not both (RFC 7591 §2)'));
    expect(problems({ tokenEndpointAuthMethod: 'private_key_jwt', jwks, tokenEndpointAuthSigningAlg: 'ES256' }, machine)).toEqual([]);
    expect(problems({ tokenEndpointAuthSigningAlg: 'ES256' }, machine))
      .toEqual(only('tokenEndpointAuthSigningAlg', 'an assertion signing algorithm applies only to private_key_jwt clients'));
  });

  it('takes a back-channel logout URI only from a client that signs users in, over https from a public one', () => {
    expect(problems({ backchannelLogoutUri: 'https://app.example/logout' })).toEqual([]);
    expect(problems({ backchannelLogoutUri: 'http://app.example/logout' })).toEqual([]);
    expect(problems({ backchannelLogoutUri: 'https://app.example/logout', tokenEndpointAuthMethod: 'none' })).toEqual([]);
    expect(problems({ backchannelLogoutUri: 'http://app.example/logout', tokenEndpointAuthMethod: 'none' }))
      .toEqual(only('backchannelLogoutUri', 'a public client\'s back-channel logout URI must use https'));
    expect(problems({ backchannelLogoutUri: 'https://app.example/logout' }, machine))
      .toEqual(only('backchannelLogoutUri', 'a back-channel logout URI is used only by clients that sign users in (authorization_code)'));
  });

  it('adds the FAPI 2.0 profile\'s problems for a client under it, and only then', () => {
    expect(problems({ securityProfile: 'fapi2' }).map((p) => p.field)).toEqual(['tokenEndpointAuthMethod']);
    expect(problems({ securityProfile: null })).toEqual([]);
  });

  it('lists every problem, in order, when there are several', () => {
    expect(problems({ grantTypes: ['refresh_token'], redirectUris: ['https://app.example/cb'], tokenEndpointAuthMethod: 'private_key_jwt' }).map((p) => p.field))
      .toEqual(['redirectUris', 'grantTypes', 'tokenEndpointAuthMethod']);
  });
});
