import { describe, expect, it } from 'vitest';
import { InvalidClientMetadata, InvalidRedirectUri } from '../../../src/oauth/errors.js';
import { changedFields, clientInformation, readMetadata, validateRegistration } from '../../../src/oauth/registration/metadata.js';
import { metadataDocumentUrlProblem, readMetadataDocument } from '../../../src/oauth/registration/metadata-document.js';
import { aClient } from '../../../src/storage/contract/fixtures.js';
import type { Client } from '../../../src/storage/types.js';

/**
 * RFC 7591 client metadata on its own: the members read into client fields,
 * a registration checked as a whole (its defaults, the member each problem is
 * named by, a client passing for this server), and the client information response.
 */

const ISSUER = 'https://auth.example.test';
const REDIRECT = 'https://agent.example/cb';
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return null;
};
const validate = (body: Record<string, unknown>, context: Parameters<typeof validateRegistration>[2] = { issuer: ISSUER }) =>
  validateRegistration(readMetadata(body), ['openid'], context);

describe('readMetadata', () => {
  it('reads every member it knows into its client field, and no other', () => {
    const members = {
      client_name: 'n', client_uri: 'cu', logo_uri: 'lu', policy_uri: 'pu', tos_uri: 'tu', redirect_uris: ['r'], post_logout_redirect_uris: ['p'],
      grant_types: ['g'], token_endpoint_auth_method: 'm', contacts: ['c'], software_id: 'si', software_version: 'sv', jwks: { keys: [] }, jwks_uri: 'ju',
      token_endpoint_auth_signing_alg: 'ta', id_token_signed_response_alg: 'ia', application_type: 'at', dpop_bound_access_tokens: true,
      require_pushed_authorization_requests: true, backchannel_logout_uri: 'bu', backchannel_logout_session_required: true,
      client_secret: 'ignored', x_unknown: 1,
    };
    expect(readMetadata(members)).toEqual({
      fields: {
        name: 'n', siteUrl: 'cu', logoUrl: 'lu', policyUrl: 'pu', termsUrl: 'tu', redirectUris: ['r'], postLogoutRedirectUris: ['p'], grantTypes: ['g'],
        tokenEndpointAuthMethod: 'm', contacts: ['c'], softwareId: 'si', softwareVersion: 'sv', jwks: { keys: [] }, jwksUri: 'ju',
        tokenEndpointAuthSigningAlg: 'ta', idTokenSigningAlg: 'ia', applicationType: 'at', dpopBoundAccessTokens: true,
        requirePushedAuthorizationRequests: true, backchannelLogoutUri: 'bu', backchannelLogoutSessionRequired: true,
      },
      scopes: undefined,
      responseTypes: undefined,
    });
  });

  it('counts a null member as absent, splits scope on spaces, and keeps response_types', () => {
    expect(readMetadata({ client_name: null, scope: ' openid  read ', response_types: ['code'] })).toEqual({ fields: {}, scopes: ['openid', 'read'], responseTypes: ['code'] });
    expect(readMetadata({ scope: null, response_types: null })).toEqual({ fields: {}, scopes: undefined, responseTypes: undefined });
    expect(readMetadata({ scope: '' })).toEqual({ fields: {}, scopes: [], responseTypes: undefined });
  });

  it('refuses a body that is no object, a scope that is no string and response_types that is no array', () => {
    for (const body of [null, [], 'x', 7]) expect(refusal(() => readMetadata(body))).toEqual(new InvalidClientMetadata('Send the client metadata as a JSON object.'));
    expect(refusal(() => readMetadata({ scope: ['openid'] }))).toEqual(new InvalidClientMetadata('scope must be a string of scope names separated by spaces.'));
    expect(refusal(() => readMetadata({ response_types: 'code' }))).toEqual(new InvalidClientMetadata('response_types must be an array.'));
  });
});

describe('validateRegistration', () => {
  it('defaults to the authorization_code grant and Basic authentication, named after the host it sends people back to', () => {
    const fields = validate({ redirect_uris: [REDIRECT] });
    expect(fields).toMatchObject({ grantTypes: ['authorization_code'], tokenEndpointAuthMethod: 'client_secret_basic', name: 'agent.example', scopes: ['openid'] });
    expect(fields).toMatchObject({ accessTokenTtl: null, refreshTokenTtl: null, resourceServer: false, securityProfile: null });
    expect(validate({ grant_types: ['client_credentials'] }).name).toBe('Unnamed application');
    expect(validate({ client_name: 'Agent', redirect_uris: [REDIRECT] }).name).toBe('Agent');
    expect(validate({ redirect_uris: [`https://${'a'.repeat(60)}.${'b'.repeat(60)}.example/cb`] }).name).toHaveLength(100);
  });

  it('keeps what an administrator decided on an update', () => {
    const administered = { accessTokenTtl: 60, refreshTokenTtl: 3600, resourceServer: false, securityProfile: null };
    expect(validate({ redirect_uris: [REDIRECT] }, { issuer: ISSUER, administered })).toMatchObject(administered);
  });

  it('names the member at fault, with its index, and answers redirect URI problems as invalid_redirect_uri', () => {
    const redirect = refusal(() => validate({ redirect_uris: [REDIRECT, 'not a url'] }));
    expect(redirect).toBeInstanceOf(InvalidRedirectUri);
    expect((redirect as Error).message).toMatch(/^redirect_uris\[1\]: /);
    const logout = refusal(() => validate({ redirect_uris: [REDIRECT], post_logout_redirect_uris: ['nope'] }));
    expect(logout).toBeInstanceOf(InvalidRedirectUri);
    expect((logout as Error).message).toMatch(/^post_logout_redirect_uris\[0\]: /);
    const site = refusal(() => validate({ redirect_uris: [REDIRECT], client_uri: 'javascript:alert(1)' }));
    expect(site).toEqual(new InvalidClientMetadata('client_uri: javascript:alert(1) must be an http or https URL.'));
    expect(site).not.toBeInstanceOf(InvalidRedirectUri);
    // A member deeper down is named by its path inside the field.
    const key = refusal(() => validate({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: ['not a key'] } }));
    expect((key as Error).message).toMatch(/^jwks\[keys\.0\]: /);
  });

  it('names a client without a name after the host it sends people back to, or not at all when there is none', () => {
    expect(validate({ redirect_uris: ['com.example.agent:/cb'], application_type: 'native' }).name).toBe('Unnamed application');
  });

  it('refuses the password grant, which only an administrator registers', () => {
    expect(refusal(() => validate({ grant_types: ['password'] }))).toEqual(
      new InvalidClientMetadata('grant_types: password is registered only by an administrator: it hands the user\'s password to the client (RFC 9700 §2.4).'));
  });

  it('takes only the code response type, with the authorization_code grant and only with it (RFC 7591 §2.1)', () => {
    expect(validate({ redirect_uris: [REDIRECT], response_types: ['code'] }).grantTypes).toEqual(['authorization_code']);
    expect(validate({ grant_types: ['client_credentials'], response_types: [] }).grantTypes).toEqual(['client_credentials']);
    expect(refusal(() => validate({ redirect_uris: [REDIRECT], response_types: ['code', 'token'] }))).toEqual(new InvalidClientMetadata('response_types: only code is supported, not token.'));
    expect(refusal(() => validate({ redirect_uris: [REDIRECT], response_types: ['t'.repeat(40)] }))).toEqual(new InvalidClientMetadata(`response_types: only code is supported, not ${'t'.repeat(40)}.`));
    expect(refusal(() => validate({ redirect_uris: [REDIRECT], response_types: ['t'.repeat(41)] }))).toEqual(new InvalidClientMetadata('response_types: only code is supported.'));
    expect(refusal(() => validate({ redirect_uris: [REDIRECT], response_types: [7] }))).toEqual(new InvalidClientMetadata('response_types: only code is supported.'));
    const mismatch = new InvalidClientMetadata('response_types: code goes with the authorization_code grant, and only with it (RFC 7591 §2.1).');
    expect(refusal(() => validate({ redirect_uris: [REDIRECT], response_types: [] }))).toEqual(mismatch);
    expect(refusal(() => validate({ grant_types: ['client_credentials'], response_types: ['code'] }))).toEqual(mismatch);
  });

  it('refuses a client passing for this server: its name, however spelled, or a URL on the issuer\'s origin', () => {
    for (const name of ['Tollgate', 'T0LLGATE admin', 'Toll-gate', 'To11gate', 'ｔｏｌｌｇａｔｅ', 'Tol|gate']) {
      expect(refusal(() => validate({ client_name: name, redirect_uris: [REDIRECT] })), name)
        .toEqual(new InvalidClientMetadata('client_name: a client that registers itself may not name itself after this server.'));
    }
    expect(validate({ client_name: 'Toll road', redirect_uris: [REDIRECT] }).name).toBe('Toll road');
    expect(refusal(() => validate({ redirect_uris: [REDIRECT], logo_uri: `${ISSUER}/logo.png` })))
      .toEqual(new InvalidClientMetadata(`logo_uri: ${ISSUER}/logo.png is on this server's own origin, where no client that registers itself may point.`));
    const redirect = refusal(() => validate({ redirect_uris: [REDIRECT, `${ISSUER}/cb`] }));
    expect(redirect).toEqual(new InvalidRedirectUri(`redirect_uris: ${ISSUER}/cb is on this server's own origin, where no client that registers itself may point.`));
    expect(redirect).toBeInstanceOf(InvalidRedirectUri);
    const logout = refusal(() => validate({ redirect_uris: [REDIRECT], post_logout_redirect_uris: [`${ISSUER}/bye`] }));
    expect(logout).toBeInstanceOf(InvalidRedirectUri);
    for (const member of ['client_uri', 'policy_uri', 'tos_uri', 'backchannel_logout_uri']) {
      expect((refusal(() => validate({ redirect_uris: [REDIRECT], [member]: `${ISSUER}/x` })) as Error).message, member).toMatch(new RegExp(`^${member}: `));
    }
    // Another port is another origin.
    expect(validate({ redirect_uris: [REDIRECT], client_uri: 'https://auth.example.test:8443/' }).siteUrl).toBe('https://auth.example.test:8443/');
  });

  it('under the FAPI 2.0 profile, asks for keys when no method was given, and names what the profile refuses', () => {
    expect(refusal(() => validate({ redirect_uris: [REDIRECT] }, { issuer: ISSUER, fapi2: true }))).toEqual(new InvalidClientMetadata(
      'jwks: this client is under the FAPI 2.0 Security Profile, so it authenticates with private_key_jwt (§5.3.2.1 items 3 and 6): give its public keys in jwks or jwks_uri.'));
    const keys = { keys: [{ kty: 'EC', crv: 'P-256', x: 'x'.repeat(43), y: 'y'.repeat(43) }] };
    expect(validate({ redirect_uris: [REDIRECT], jwks: keys }, { issuer: ISSUER, fapi2: true }).tokenEndpointAuthMethod).toBe('private_key_jwt');
    const rs256 = refusal(() => validate({ redirect_uris: [REDIRECT], jwks: keys, id_token_signed_response_alg: 'RS256' }, { issuer: ISSUER, fapi2: true }));
    expect((rs256 as Error).message).toMatch(/^id_token_signed_response_alg: the FAPI 2.0 Security Profile allows /);
  });
});

describe('changedFields', () => {
  it('names the registration fields whose values differ, by value not by identity', () => {
    const before = { ...aClient(), createdAt: 0 } as unknown as Client;
    expect(changedFields(before, { ...before, redirectUris: [...before.redirectUris] })).toEqual([]);
    expect(changedFields(before, { ...before, name: 'Other', contacts: ['a@b.example'], backchannelLogoutSessionRequired: true })).toEqual(['name', 'contacts', 'backchannelLogoutSessionRequired']);
  });
});

describe('clientInformation', () => {
  const client = (overrides: Partial<Client> = {}) => ({ ...aClient(), createdAt: 1_700_000_000_999, secretHash: 'h', ...overrides }) as unknown as Client;
  const options = { configurationUri: `${ISSUER}/oauth/register/c1`, registrationAccessToken: 'tg_rat_x' };

  it('answers every registered value, the secret only when given now, and leaves out what is not set', () => {
    const info = clientInformation(client({ id: 'c1', siteUrl: null, contacts: [] }), { ...options, secret: 'tg_cs_s' });
    expect(info).toEqual({
      client_id: 'c1', client_id_issued_at: 1_700_000_000, client_secret: 'tg_cs_s', client_secret_expires_at: 0,
      registration_access_token: 'tg_rat_x', registration_client_uri: `${ISSUER}/oauth/register/c1`,
      client_name: 'Example App', application_type: 'web', redirect_uris: ['https://app.example/cb'], grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic', scope: 'openid profile',
      dpop_bound_access_tokens: false, require_pushed_authorization_requests: false,
    });
    const publicClient = clientInformation(client({ secretHash: null, grantTypes: ['client_credentials'] }), options);
    expect(publicClient).not.toHaveProperty('client_secret');
    expect(publicClient).not.toHaveProperty('client_secret_expires_at');
    expect(publicClient.response_types).toEqual([]);
  });

  it('answers the optional members once set', () => {
    const jwks = { keys: [{ kty: 'EC' }] };
    const info = clientInformation(client({
      siteUrl: 'https://s', logoUrl: 'https://l', policyUrl: 'https://p', termsUrl: 'https://t', contacts: ['a@b.example'], softwareId: 'sid', softwareVersion: '1',
      jwks: jwks as Client['jwks'], jwksUri: 'https://j', tokenEndpointAuthSigningAlg: 'ES256', idTokenSigningAlg: 'RS256', postLogoutRedirectUris: ['https://bye'],
      backchannelLogoutUri: 'https://bc', backchannelLogoutSessionRequired: true,
    }), options);
    expect(info).toMatchObject({
      client_uri: 'https://s', logo_uri: 'https://l', policy_uri: 'https://p', tos_uri: 'https://t', contacts: ['a@b.example'], software_id: 'sid',
      software_version: '1', jwks, jwks_uri: 'https://j', token_endpoint_auth_signing_alg: 'ES256', id_token_signed_response_alg: 'RS256',
      post_logout_redirect_uris: ['https://bye'], backchannel_logout_uri: 'https://bc', backchannel_logout_session_required: true,
    });
  });
});

describe('metadataDocumentUrlProblem', () => {
  const WRITTEN = (href: string) => `it must be written as a URL parser writes it (${href})`;

  it('takes an https URL with a path, a query, up to 200 characters, written as the parser writes it', () => {
    expect(metadataDocumentUrlProblem('https://agent.example/client.json?v=2')).toBeNull();
    const longest = `https://agent.example/${'a'.repeat(200 - 'https://agent.example/'.length)}`;
    expect(longest).toHaveLength(200);
    expect(metadataDocumentUrlProblem(longest)).toBeNull();
    expect(metadataDocumentUrlProblem(`${longest}a`)).toBe('it must be at most 200 characters long');
  });

  it('refuses a user name or a password, each alone, and a fragment', () => {
    expect(metadataDocumentUrlProblem('https://user@agent.example/c')).toBe('it must not contain a user name or password');
    expect(metadataDocumentUrlProblem('https://:pw@agent.example/c')).toBe('it must not contain a user name or password');
    expect(metadataDocumentUrlProblem('https://agent.example/c#')).toBe('it must not have a fragment');
  });

  it('wants a path, and says how the parser would write a URL written otherwise', () => {
    expect(metadataDocumentUrlProblem('https://agent.example')).toBe('it must have a path');
    expect(metadataDocumentUrlProblem('https://agent.example?c=1')).toBe('it must have a path');
    // A query that holds a URL is no path.
    expect(metadataDocumentUrlProblem('https://agent.example?r=https://x.example/')).toBe('it must have a path');
    expect(metadataDocumentUrlProblem('https://AGENT.example/')).toBe(WRITTEN('https://agent.example/'));
    expect(metadataDocumentUrlProblem('https://agent.example\\c')).toBe(WRITTEN('https://agent.example/c'));
    expect(metadataDocumentUrlProblem('https://agent.example/a/../c')).toBe('it must not contain . or .. path segments');
  });
});

describe('readMetadataDocument', () => {
  const URL_ = 'https://agent.example/client.json';
  const open = { grantTypes: ['authorization_code' as const], scopes: null };
  const read = (body: Record<string, unknown>, url = URL_) => readMetadataDocument(url, { client_id: url, redirect_uris: ['https://agent.example/cb'], ...body }, open, ['openid'], ISSUER);

  it('makes a public client named after the URL\'s host, cut to 100 characters', () => {
    expect(read({})).toMatchObject({ tokenEndpointAuthMethod: 'none', name: 'agent.example' });
    const host = `${'a'.repeat(60)}.${'b'.repeat(60)}.example`;
    const url = `https://${host}/c.json`;
    expect(readMetadataDocument(url, { client_id: url, redirect_uris: [`https://${host}/cb`] }, open, ['openid'], ISSUER).name).toBe(host.slice(0, 100));
  });

  it('refuses a secret, or its expiry alone, in a document', () => {
    const secret = new InvalidClientMetadata('client_secret: a metadata document is public, so it must not hold a secret.');
    expect(refusal(() => read({ client_secret: 's' }))).toEqual(secret);
    expect(refusal(() => read({ client_secret_expires_at: 0 }))).toEqual(secret);
  });
});
