import { describe, expect, it } from 'vitest';
import { OAuthError, InvalidRequest } from '../../../src/oauth/errors.js';
import {
  authorizationResponseUrl, errorResponseUrl, readAuthorizationParams, resolveRedirectTarget, validateAuthorizationRequest, withResources,
  type RedirectTarget,
} from '../../../src/oauth/authorization/request.js';
import type { ResourceIndicators } from '../../../src/oauth/resources/indicators.js';
import type { AuthorizationRequest, Client, Resource } from '../../../src/storage/types.js';

/*
 * The authorization request below the endpoint (RFC 6749 §4.1.1, RFC 7636
 * §4.3, OIDC Core §3.1.2.1): reading the parameters, finding the client and
 * its redirect URI (problems for an error page), each check of the rest
 * (errors to redirect with) at its edge, and the response URL.
 */

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const JKT = '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I';
const REDIRECT = 'https://app.example/cb';

const client = (fields: Partial<Client> = {}) => ({
  id: 'app', name: 'Example App', status: 'active', system: false, redirectUris: [REDIRECT], grantTypes: ['authorization_code'],
  scopes: ['openid', 'read'], tokenEndpointAuthMethod: 'client_secret_basic', ...fields,
}) as unknown as Client;

const read = (query: string) => {
  const params = readAuthorizationParams(query);
  if ('problem' in params) throw new Error(params.problem);
  return params;
};

describe('reading an authorization request', () => {
  it('keeps non-empty values, every non-empty resource, the names repeated and every name sent', () => {
    const params = read('client_id=app&scope=&state=s&state=t&resource=https%3A%2F%2Fa.example%2F&resource=&resource=https%3A%2F%2Fb.example%2F&x%5B%5D=1');
    expect(Object.fromEntries(params.values)).toEqual({ client_id: 'app', state: 't', 'x[]': '1' });
    expect(params.resources).toEqual(['https://a.example/', 'https://b.example/']);
    expect([...params.repeated]).toEqual(['state']);
    expect([...params.names]).toEqual(['client_id', 'scope', 'state', 'resource', 'x[]']);
  });

  it('refuses NUL in a name or a value', () => {
    const problem = { problem: 'The request holds a NUL character or an unpaired surrogate, which is not allowed.' };
    expect(readAuthorizationParams('client_id=app&state=%00')).toEqual(problem);
    expect(readAuthorizationParams('client_id=app&%00=1')).toEqual(problem);
    expect(readAuthorizationParams('resource=%00')).toEqual(problem);
  });
});

describe('finding the client and where to send the user back', () => {
  const lookupOf = (found: Client | null) => {
    const asked: string[] = [];
    return { asked, lookup: async (id: string) => { asked.push(id); return found; } };
  };
  const resolve = (query: string, found: Client | null = client()) => {
    const { asked, lookup } = lookupOf(found);
    return resolveRedirectTarget(read(query), lookup).then((result) => ({ result, asked }));
  };

  it('answers with the client and the redirect URI sent, or its only registered one', async () => {
    expect((await resolve(`client_id=app&redirect_uri=${encodeURIComponent(REDIRECT)}`)).result).toEqual({ client: client(), redirectUri: REDIRECT, redirectUriSent: true });
    expect((await resolve('client_id=app')).result).toEqual({ client: client(), redirectUri: REDIRECT, redirectUriSent: false });
  });

  it('has a problem, for an error page, with a repeated or missing client_id or redirect_uri', async () => {
    expect((await resolve('client_id=app&client_id=app')).result).toEqual({ problem: 'The request names client_id more than once.' });
    expect((await resolve(`client_id=app&redirect_uri=${REDIRECT}&redirect_uri=${REDIRECT}`)).result).toEqual({ problem: 'The request names redirect_uri more than once.' });
    const missing = await resolve('redirect_uri=x');
    expect(missing.result).toEqual({ problem: 'The request does not say which application is asking (client_id is missing).' });
    expect(missing.asked).toEqual([]);
    const several = await resolve('client_id=app', client({ redirectUris: [REDIRECT, 'https://app.example/other'] }));
    expect(several.result).toEqual({ problem: '\u2068Example App\u2069 must say where to send you back (redirect_uri), because it has registered several addresses.' });
  });

  it('looks up only a client id of 1 to 200 visible ASCII characters, and knows only an active client', async () => {
    const unknown = { problem: 'The application that sent you here is not registered with this server.' };
    expect((await resolve(`client_id=${'a'.repeat(200)}`)).asked).toEqual(['a'.repeat(200)]);
    for (const id of ['a'.repeat(201), 'my+app', 'app%C3%A9', '%7Fapp', 'app%09']) {
      const { result, asked } = await resolve(`client_id=${id}`);
      expect(result, id).toEqual(unknown);
      expect(asked, id).toEqual([]);
    }
    expect((await resolve('client_id=app', null)).result).toEqual(unknown);
    expect((await resolve('client_id=app', client({ status: 'revoked' }))).result).toEqual(unknown);
  });

  it('has a problem with a redirect URI the client did not register', async () => {
    expect((await resolve(`client_id=app&redirect_uri=${encodeURIComponent(`${REDIRECT}/x`)}`)).result)
      .toEqual({ problem: 'The address \u2068Example App\u2069 asked to send you back to is not one it registered, so you will not be sent there.' });
  });
});

describe('checking the rest of an authorization request', () => {
  const target: RedirectTarget = { client: client(), redirectUri: REDIRECT, redirectUriSent: true };
  const GOOD = `response_type=code&code_challenge=${CHALLENGE}&code_challenge_method=S256`;
  const validate = (query: string, options = { pkceRequired: false }, to: RedirectTarget = target) => validateAuthorizationRequest(read(query), to, options);
  const refusal = (query: string, options = { pkceRequired: false }, to: RedirectTarget = target) => {
    try {
      validate(query, options, to);
    } catch (error) {
      if (error instanceof OAuthError) return { error: error.error, message: error.message };
      throw error;
    }
    return null;
  };
  const invalid = (message: string) => ({ error: 'invalid_request', message });

  it('reads a full request into what the interaction keeps', () => {
    expect(validate(`${GOOD}&scope=openid&state=s&nonce=n&prompt=login+consent&max_age=0&login_hint=ada&dpop_jkt=${JKT}&acr_values=phr+urn:x&response_mode=query`)).toEqual({
      clientId: 'app', redirectUri: REDIRECT, redirectUriSent: true, scopes: ['openid'], state: 's', nonce: 'n', codeChallenge: CHALLENGE,
      codeChallengeMethod: 'S256', prompt: ['login', 'consent'], maxAge: 0, loginHint: 'ada', idTokenHintSubject: null, dpopJkt: JKT, acrValues: ['phr', 'urn:x'],
    });
    expect(validate('response_type=code', undefined, { ...target, redirectUriSent: false })).toEqual({
      clientId: 'app', redirectUri: REDIRECT, redirectUriSent: false, scopes: ['openid', 'read'], state: null, nonce: null, codeChallenge: null,
      codeChallengeMethod: null, prompt: [], maxAge: null, loginHint: null, idTokenHintSubject: null, acrValues: [],
    });
  });

  it('refuses request objects, request_uri and registration with their own error codes', () => {
    expect(refusal(`${GOOD}&request=eyJ`)).toEqual({ error: 'request_not_supported', message: 'Request objects are not supported.' });
    expect(refusal(`${GOOD}&request_uri=urn:x`)).toEqual({ error: 'request_uri_not_supported', message: 'request_uri is not supported.' });
    expect(refusal(`${GOOD}&registration=%7B%7D`)).toEqual({ error: 'registration_not_supported', message: 'The registration parameter is not supported.' });
  });

  it('refuses a repeated parameter, and a name with brackets', () => {
    expect(refusal(`${GOOD}&state=a&state=b`)).toEqual(invalid('The state parameter is repeated.'));
    expect(refusal(`${GOOD}&scope%5Bx%5D=openid`)).toEqual(invalid('Parameter names with brackets are not accepted (scope[x]).'));
    expect(refusal(`${GOOD}&code_challenge%5B%5D=`)).toEqual(invalid('Parameter names with brackets are not accepted (code_challenge[]).'));
  });

  it('takes response_type=code alone, and response_mode=query alone', () => {
    expect(refusal(`code_challenge=${CHALLENGE}&code_challenge_method=S256`)).toEqual(invalid('The response_type parameter is missing.'));
    expect(refusal(GOOD.replace('code&', 'token&'))).toEqual({ error: 'unsupported_response_type', message: 'Only response_type=code is supported.' });
    expect(refusal(GOOD.replace('code&', 'code+id_token&'))).toEqual({ error: 'unsupported_response_type', message: 'Only response_type=code is supported.' });
    expect(refusal(`${GOOD}&response_mode=fragment`)).toEqual(invalid('Only response_mode=query is supported.'));
    expect(refusal(`${GOOD}&response_mode=form_post`)).toEqual(invalid('Only response_mode=query is supported.'));
  });

  it('refuses a client not registered for the code flow', () => {
    expect(refusal(GOOD, undefined, { ...target, client: client({ grantTypes: ['client_credentials'] }) }))
      .toEqual({ error: 'unauthorized_client', message: 'This client may not use the authorization code flow.' });
  });

  it('refuses a scope the client may not have, and no scope at all', () => {
    expect(refusal(`${GOOD}&scope=openid+write`)).toEqual({ error: 'invalid_scope', message: 'Scope not allowed for this client: write.' });
    expect(refusal(GOOD, undefined, { ...target, client: client({ scopes: [] }) }))
      .toEqual({ error: 'invalid_scope', message: 'No scope was requested and the client has no default scopes.' });
  });

  it('asks PKCE of public clients, and of everyone when the server requires it; S256 only, well formed', () => {
    expect(refusal('response_type=code&code_challenge_method=S256')).toEqual(invalid('code_challenge_method was sent without code_challenge.'));
    expect(refusal('response_type=code', undefined, { ...target, client: client({ tokenEndpointAuthMethod: 'none' }) }))
      .toEqual(invalid('Public clients must use PKCE: send code_challenge with code_challenge_method=S256.'));
    expect(refusal('response_type=code', { pkceRequired: true })).toEqual(invalid('This server requires PKCE: send code_challenge with code_challenge_method=S256.'));
    expect(refusal('response_type=code')).toBeNull();
    expect(refusal(`response_type=code&code_challenge=${CHALLENGE}`)).toEqual(invalid('code_challenge_method must be S256; plain is not accepted.'));
    expect(refusal(`response_type=code&code_challenge=${CHALLENGE}&code_challenge_method=plain`)).toEqual(invalid('code_challenge_method must be S256; plain is not accepted.'));
    expect(refusal(`response_type=code&code_challenge=${CHALLENGE.slice(1)}&code_challenge_method=S256`))
      .toEqual(invalid('code_challenge must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~.'));
  });

  it('takes the four prompt values, none only alone', () => {
    expect(validate(`${GOOD}&prompt=+select_account++login+`).prompt).toEqual(['select_account', 'login']);
    expect(validate(`${GOOD}&prompt=none`).prompt).toEqual(['none']);
    expect(refusal(`${GOOD}&prompt=login+create`)).toEqual(invalid('Unsupported prompt value create.'));
    expect(refusal(`${GOOD}&prompt=none+consent`)).toEqual(invalid('prompt=none cannot be combined with other values.'));
  });

  it('takes max_age as up to nine digits', () => {
    expect(validate(`${GOOD}&max_age=999999999`).maxAge).toBe(999_999_999);
    expect(validate(`${GOOD}&max_age=007`).maxAge).toBe(7);
    for (const bad of ['1234567890', '-1', '1.5', '1e3', 'x1', '1x', '+1']) {
      expect(refusal(`${GOOD}&max_age=${encodeURIComponent(bad)}`), bad).toEqual(invalid('max_age must be a whole number of seconds.'));
    }
  });

  it('bounds nonce, state, login_hint and acr_values', () => {
    expect(validate(`${GOOD}&nonce=${'n'.repeat(512)}`).nonce).toHaveLength(512);
    expect(refusal(`${GOOD}&nonce=${'n'.repeat(513)}`)).toEqual(invalid('nonce must be at most 512 characters.'));
    expect(validate(`${GOOD}&state=${'s'.repeat(2048)}`).state).toHaveLength(2048);
    expect(refusal(`${GOOD}&state=${'s'.repeat(2049)}`)).toEqual(invalid('state must be at most 2048 characters.'));
    // A hint too long to be anyone's is ignored, not refused: it is only a hint.
    expect(validate(`${GOOD}&login_hint=${'h'.repeat(200)}`).loginHint).toHaveLength(200);
    expect(validate(`${GOOD}&login_hint=${'h'.repeat(201)}`).loginHint).toBeNull();
    const ten = Array.from({ length: 10 }, (_, i) => `v${i}`);
    expect(validate(`${GOOD}&acr_values=${ten.join('+')}`).acrValues).toEqual(ten);
    expect(validate(`${GOOD}&acr_values=++${'a'.repeat(200)}++b+`).acrValues).toEqual(['a'.repeat(200), 'b']);
    const tooMany = invalid('acr_values must be at most 10 values of at most 200 characters.');
    expect(refusal(`${GOOD}&acr_values=${[...ten, 'v10'].join('+')}`)).toEqual(tooMany);
    expect(refusal(`${GOOD}&acr_values=b+${'a'.repeat(201)}`)).toEqual(tooMany);
  });

  it('takes dpop_jkt only as a SHA-256 thumbprint, and leaves it out when absent', () => {
    expect(refusal(`${GOOD}&dpop_jkt=${JKT.slice(1)}`)).toEqual(invalid('dpop_jkt must be the base64url SHA-256 JWK thumbprint of the DPoP key (RFC 9449 §10).'));
    expect('dpopJkt' in validate(GOOD)).toBe(false);
  });
});

describe('narrowing a request to the APIs it names (RFC 8707)', () => {
  const api = (identifier: string, scopes: string[]) => ({ identifier, scopes }) as unknown as Resource;
  /** Indicators that answer `found` for the resources named, recording them. */
  const indicatorsFinding = (found: Resource[]) => {
    const asked: string[][] = [];
    return { asked, indicators: { forAuthorization: async (_client: Client, values: readonly string[]) => { asked.push([...values]); return found; } } as unknown as ResourceIndicators };
  };
  const request = { clientId: 'app', scopes: ['openid', 'read', 'write'] } as AuthorizationRequest;

  it('keeps the scopes the APIs accept (and the server\'s own) and names the APIs', async () => {
    const { asked, indicators } = indicatorsFinding([api('https://a.example/', ['read']), api('https://b.example/', ['admin'])]);
    expect(await withResources(request, read('resource=https%3A%2F%2Fa.example%2F&resource=https%3A%2F%2Fb.example%2F'), client(), indicators))
      .toEqual({ clientId: 'app', scopes: ['openid', 'read'], resources: ['https://a.example/', 'https://b.example/'] });
    expect(asked).toEqual([['https://a.example/', 'https://b.example/']]);
  });

  it('refuses when none of the scopes is accepted, and a scope asked for by name that no API accepts', async () => {
    const { indicators } = indicatorsFinding([api('https://a.example/', ['admin'])]);
    await expect(withResources({ ...request, scopes: ['read', 'write'] }, read(''), client(), indicators))
      .rejects.toMatchObject({ error: 'invalid_scope', message: 'None of the client\'s scopes is accepted by the APIs asked for.' });
    await expect(withResources(request, read('scope=openid+read'), client(), indicators))
      .rejects.toMatchObject({ error: 'invalid_scope', message: 'Scope not accepted by the APIs asked for: read write.' });
  });

  it('leaves a request naming no API, with no default API, as it was', async () => {
    const { indicators } = indicatorsFinding([]);
    expect(await withResources(request, read(''), client(), indicators)).toEqual({ ...request, resources: [] });
  });
});

describe('the authorization response URL', () => {
  it('appends the parameters to the redirect URI\'s query as registered, leaving out nulls', () => {
    const params = { code: 'c d', state: null, iss: 'https://as.example/' };
    expect(authorizationResponseUrl(REDIRECT, params)).toBe(`${REDIRECT}?code=c+d&iss=https%3A%2F%2Fas.example%2F`);
    expect(authorizationResponseUrl(`${REDIRECT}?a=%2f`, params)).toBe(`${REDIRECT}?a=%2f&code=c+d&iss=https%3A%2F%2Fas.example%2F`);
    expect(authorizationResponseUrl(`${REDIRECT}?`, params)).toBe(`${REDIRECT}?code=c+d&iss=https%3A%2F%2Fas.example%2F`);
    expect(authorizationResponseUrl(`${REDIRECT}?a=1&`, params)).toBe(`${REDIRECT}?a=1&code=c+d&iss=https%3A%2F%2Fas.example%2F`);
    expect(authorizationResponseUrl('com.example.app:/cb?&x', params)).toBe('com.example.app:/cb?&x&code=c+d&iss=https%3A%2F%2Fas.example%2F');
    expect(authorizationResponseUrl(`${REDIRECT}?a=1`, { state: null })).toBe(`${REDIRECT}?a=1`);
  });

  it('sends an error back with its description, the state and the issuer (RFC 9207)', () => {
    expect(errorResponseUrl({ redirectUri: REDIRECT, state: 'st' }, new InvalidRequest('Bad.'), 'https://as.example'))
      .toBe(`${REDIRECT}?error=invalid_request&error_description=Bad.&state=st&iss=https%3A%2F%2Fas.example`);
    expect(errorResponseUrl({ redirectUri: REDIRECT, state: null }, new InvalidRequest('Bad.'), 'https://as.example'))
      .toBe(`${REDIRECT}?error=invalid_request&error_description=Bad.&iss=https%3A%2F%2Fas.example`);
  });
});
