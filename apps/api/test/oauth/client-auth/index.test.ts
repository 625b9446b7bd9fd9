import { describe, expect, it } from 'vitest';
import { sha256 } from '../../../src/crypto/random.js';
import { authenticateClient, presentedCredentials } from '../../../src/oauth/client-auth/index.js';
import { AssertionRejected, JWT_BEARER, readAssertion, type ClientAssertions, type ReadAssertion } from '../../../src/oauth/client-auth/private-key-jwt.js';
import { UnidentifiedClient } from '../../../src/oauth/client-resolver.js';
import { OAuthError } from '../../../src/oauth/errors.js';
import type { OAuthRequest } from '../../../src/oauth/http/oauth-request.js';
import type { Client } from '../../../src/storage/types.js';

const basicHeader = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
/** An unsigned JWT whose payload is `claims`: enough for reading the claimed client. */
const jwt = (claims: Record<string, unknown>) => `eyJhbGciOiJFUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;

function request(params: Record<string, string>, authorization?: string): OAuthRequest {
  return { headers: authorization === undefined ? {} : { authorization }, params: new Map(Object.entries(params)), resources: [], sourceAddress: '192.0.2.1', requestId: 'r1' };
}

/** What the function threw, as the response would show it, with the log-only detail and the audited client id. */
async function thrown(run: () => unknown) {
  try {
    await run();
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    return { status: error.status, body: error.body, headers: error.headers, detail: error.detail, clientId: (error as { clientId?: string }).clientId };
  }
  throw new Error('nothing was thrown');
}

const invalidRequest = (description: string) => ({ status: 400, body: { error: 'invalid_request', error_description: description }, headers: {}, detail: undefined, clientId: undefined });

describe('presentedCredentials: one client authentication method (RFC 6749 §2.3)', () => {
  it('reads each method', () => {
    expect(presentedCredentials(request({}, basicHeader('app', 's')))).toEqual({ method: 'client_secret_basic', clientId: 'app', secret: 's' });
    expect(presentedCredentials(request({ client_id: 'app' }, basicHeader('app', 's')))).toEqual({ method: 'client_secret_basic', clientId: 'app', secret: 's' });
    expect(presentedCredentials(request({ client_id: 'app', client_secret: 's' }))).toEqual({ method: 'client_secret_post', clientId: 'app', secret: 's' });
    expect(presentedCredentials(request({ client_id: 'app' }))).toEqual({ method: 'none', clientId: 'app', secret: null });
    const assertion = jwt({ sub: 'app' });
    const read = readAssertion(assertion);
    expect(read.clientId).toBe('app');
    expect(presentedCredentials(request({ client_assertion_type: JWT_BEARER, client_assertion: assertion }))).toEqual({ method: 'private_key_jwt', clientId: 'app', secret: null, assertion: read });
    expect(presentedCredentials(request({ client_assertion_type: JWT_BEARER, client_assertion: assertion, client_id: 'app' }))).toEqual({ method: 'private_key_jwt', clientId: 'app', secret: null, assertion: read });
  });

  it('refuses two methods, half of one, or none, each with its own error', async () => {
    const assertion = jwt({ sub: 'app' });
    const cases: [Record<string, string>, string | undefined, unknown][] = [
      [{ client_assertion_type: JWT_BEARER, client_assertion: assertion }, basicHeader('app', 's'),
        invalidRequest('Use one client authentication method: a client assertion, Basic or client_secret, not several.')],
      [{ client_assertion_type: JWT_BEARER, client_assertion: assertion, client_id: 'app', client_secret: 's' }, undefined,
        invalidRequest('Use one client authentication method: a client assertion, Basic or client_secret, not several.')],
      [{ client_assertion: assertion }, undefined, invalidRequest('client_assertion needs client_assertion_type.')],
      [{ client_assertion_type: JWT_BEARER }, undefined, invalidRequest('client_assertion_type needs client_assertion.')],
      [{ client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer', client_assertion: assertion }, undefined,
        invalidRequest(`client_assertion_type must be ${JWT_BEARER}.`)],
      [{ client_secret: 's' }, basicHeader('app', 's'), invalidRequest('Use one client authentication method: Basic or client_secret, not both.')],
      [{ client_id: 'other' }, basicHeader('app', 's'), invalidRequest('client_id in the body does not match the Basic credentials.')],
      [{ client_secret: 's' }, undefined, invalidRequest('client_secret needs client_id.')],
      [{}, undefined, { status: 401, body: { error: 'invalid_client', error_description: 'Client authentication is required.' }, headers: {}, detail: undefined, clientId: undefined }],
    ];
    for (const [params, authorization, expected] of cases) {
      expect(await thrown(() => presentedCredentials(request(params, authorization))), JSON.stringify(params)).toEqual(expected);
    }
  });

  it('refuses an assertion naming no usable client, or another client than client_id, with invalid_client', async () => {
    const withAssertion = (assertion: string, extra: Record<string, string> = {}) => thrown(() => presentedCredentials(request({ client_assertion_type: JWT_BEARER, client_assertion: assertion, ...extra })));
    expect(await withAssertion(jwt({ sub: 'app' }), { client_id: 'other' })).toEqual({
      status: 401, headers: {}, clientId: undefined, detail: 'client_id differs from assertion sub',
      body: { error: 'invalid_client', error_description: 'Client authentication failed: client_id does not match the client assertion\'s sub claim.' },
    });
    expect(await withAssertion('not.a.jwt')).toEqual({
      status: 401, headers: {}, clientId: undefined, detail: 'assertion not a JWT',
      body: { error: 'invalid_client', error_description: 'Client authentication failed: the client assertion is not a JWT.' },
    });
  });
});

describe('authenticateClient: the one method the client is registered for', () => {
  const SECRET = 's3cret';
  const client = (overrides: Partial<Client> = {}) => ({ id: 'app', status: 'active', tokenEndpointAuthMethod: 'client_secret_basic', secretHash: sha256(SECRET), ...overrides }) as Client;
  const lookupOf = (found: Client | null) => async (id: string, address: string) => {
    expect([id, address]).toEqual(['app', '192.0.2.1']);
    return found;
  };
  const noAssertions = { verify: () => Promise.reject(new Error('not called')) } as unknown as ClientAssertions;
  const failed = (detail: string, basic: boolean, clientId = 'app') => ({
    status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed.' }, detail, clientId,
    headers: basic ? { 'WWW-Authenticate': 'Basic realm="tollgate", charset="UTF-8"' } : {},
  });

  it('returns the client for its registered method and secret', async () => {
    const basic = client();
    expect(await authenticateClient(request({}, basicHeader('app', SECRET)), lookupOf(basic), noAssertions)).toBe(basic);
    const post = client({ tokenEndpointAuthMethod: 'client_secret_post' });
    expect(await authenticateClient(request({ client_id: 'app', client_secret: SECRET }), lookupOf(post), noAssertions)).toBe(post);
    const pub = client({ tokenEndpointAuthMethod: 'none', secretHash: null });
    expect(await authenticateClient(request({ client_id: 'app' }), lookupOf(pub), noAssertions)).toBe(pub);
  });

  it('refuses an unknown or revoked client, another method, and a wrong or missing secret, the same way to the client', async () => {
    const authenticate = (params: Record<string, string>, found: Client | null, authorization?: string) =>
      thrown(() => authenticateClient(request(params, authorization), lookupOf(found), noAssertions));
    expect(await authenticate({}, null, basicHeader('app', SECRET))).toEqual(failed('unknown client', true));
    expect(await authenticate({}, client({ status: 'revoked' }), basicHeader('app', SECRET))).toEqual(failed('client revoked', true));
    expect(await authenticate({}, client(), basicHeader('app', `${SECRET}x`))).toEqual(failed('wrong secret', true));
    expect(await authenticate({}, client(), basicHeader('app', ''))).toEqual(failed('wrong secret', true));
    expect(await authenticate({}, client({ secretHash: null }), basicHeader('app', SECRET))).toEqual(failed('wrong secret', true));
    const post = client({ tokenEndpointAuthMethod: 'client_secret_post' });
    expect(await authenticate({ client_id: 'app', client_secret: `${SECRET}x` }, post)).toEqual(failed('wrong secret', false));
    expect(await authenticate({ client_id: 'app', client_secret: SECRET }, client({ tokenEndpointAuthMethod: 'none' }))).toEqual(failed('registered for none, used client_secret_post', false));
    expect(await authenticate({ client_id: 'app' }, client())).toEqual(failed('registered for client_secret_basic, used none', false));
    expect(await authenticate({ client_id: 'app', client_secret: SECRET }, client())).toEqual(failed('registered for client_secret_basic, used client_secret_post', false));
    expect(await authenticate({}, post, basicHeader('app', SECRET))).toEqual(failed('registered for client_secret_post, used client_secret_basic', true));
  });

  it('answers a client that cannot be identified with invalid_client, or 429 while its document may not be fetched again', async () => {
    const unidentified = (error: Error) => thrown(() => authenticateClient(request({ client_id: 'app' }), async () => { throw error; }, noAssertions));
    expect(await unidentified(new UnidentifiedClient('The document is not JSON.', 'not json'))).toEqual({
      status: 401, body: { error: 'invalid_client', error_description: 'The client could not be identified. The document is not JSON.' },
      headers: {}, detail: 'metadata document: not json', clientId: 'app',
    });
    expect((await unidentified(new UnidentifiedClient('The document is not JSON.'))).detail).toBe('metadata document: The document is not JSON.');
    expect(await unidentified(new UnidentifiedClient('Fetched too often.', 'cooldown', 12.5))).toEqual({
      status: 429, body: { error: 'invalid_request', error_description: 'Fetched too often.' }, headers: { 'Retry-After': '13' }, detail: undefined, clientId: undefined,
    });
    const broken = new Error('database down');
    await expect(authenticateClient(request({ client_id: 'app' }), async () => { throw broken; }, noAssertions)).rejects.toBe(broken);
    const withBasic = await thrown(() => authenticateClient(request({}, basicHeader('app', SECRET)), async () => { throw new UnidentifiedClient('No.'); }, noAssertions));
    expect(withBasic.headers).toEqual({ 'WWW-Authenticate': 'Basic realm="tollgate", charset="UTF-8"' });
  });

  it('checks a private_key_jwt client\'s assertion, and only that', async () => {
    const keyClient = client({ tokenEndpointAuthMethod: 'private_key_jwt', secretHash: null });
    const assertion = jwt({ sub: 'app' });
    const seen: [Client, ReadAssertion][] = [];
    const assertions = (outcome: () => Promise<void>) => ({ verify: (c: Client, a: ReadAssertion) => { seen.push([c, a]); return outcome(); } }) as unknown as ClientAssertions;
    const params = { client_assertion_type: JWT_BEARER, client_assertion: assertion };
    expect(await authenticateClient(request(params), lookupOf(keyClient), assertions(async () => {}))).toBe(keyClient);
    expect(seen).toEqual([[keyClient, readAssertion(assertion)]]);
    expect(await thrown(() => authenticateClient(request(params), lookupOf(keyClient), assertions(() => Promise.reject(new AssertionRejected('has expired.', 'assertion ERR_JWT_EXPIRED')))))).toEqual({
      status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed: the client assertion has expired.' },
      headers: {}, detail: 'assertion ERR_JWT_EXPIRED', clientId: 'app',
    });
    const broken = new Error('replay store down');
    await expect(authenticateClient(request(params), lookupOf(keyClient), assertions(() => Promise.reject(broken)))).rejects.toBe(broken);
    expect(await thrown(() => authenticateClient(request(params), lookupOf(client()), assertions(async () => {})))).toEqual(failed('registered for client_secret_basic, used private_key_jwt', false));
  });
});
