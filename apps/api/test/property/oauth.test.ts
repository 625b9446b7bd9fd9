import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeUrl, createTestUser, decide, newBrowser, pkcePair, redirectParams, signIn, startAuthorization } from '../support/browser.js';
import { PREFIX, randomSecret, sha256 } from '../../src/crypto/random.js';
import { JWT_BEARER } from '../../src/oauth/client-auth/private-key-jwt.js';
import { backends } from '../support/databases.js';
import { basic, oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';
import {
  basicStrings, bodyStrings, contentTypes, digester, encodeBody, expectNoServerError, expectOAuthError, expectRefusedIfUnstorable, headerSafe, junk, mutated,
  NUM_RUNS, queryString, refusedByNode, send, Unchanged, wellFormed, type Digester,
} from './support.js';

const REDIRECT = 'https://app.example/cb';
const TOKEN_ERRORS = ['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope', 'invalid_target'];
const ORDERS = 'https://orders.example.test';
const BILLING = 'https://billing.example.test/v1';
/** `resource` values (RFC 8707) that must get invalid_target: relative, fragment, unknown, not a URI, NUL, too long. */
const BAD_RESOURCES = ['/orders', 'orders.example.test', `${ORDERS}#x`, `${ORDERS}/`, 'https://unknown.example.test', 'urn:', `${ORDERS}\u0000`, `https://x.example/${'a'.repeat(2100)}`, 'https://a b'];
/** What a pushed authorization request (RFC 9126 §2.3) may be refused with: the token endpoint's, and the authorization endpoint's. */
const PAR_ERRORS = ['invalid_request', 'invalid_client', 'invalid_scope', 'unauthorized_client', 'unsupported_response_type', 'invalid_target', 'request_not_supported', 'registration_not_supported'];
/** The authorization request's parameters, for /oauth/par. */
const AUTHORIZATION_PARAMS = [
  'client_id', 'client_secret', 'client_assertion', 'client_assertion_type', 'response_type', 'redirect_uri', 'scope', 'state', 'nonce', 'code_challenge',
  'code_challenge_method', 'prompt', 'max_age', 'login_hint', 'id_token_hint', 'response_mode', 'resource', 'request_uri', 'request', 'registration',
];
const BEARER_ERRORS = ['invalid_request', 'invalid_token', 'insufficient_scope'];
const PARAMS = [
  'grant_type', 'client_id', 'client_secret', 'scope', 'code', 'redirect_uri', 'code_verifier', 'refresh_token', 'token', 'token_type_hint', 'access_token', 'resource',
  'client_assertion', 'client_assertion_type',
];

type Pairs = [string, string][];
/** `secret` is the client assertion for method `assertion`. */
interface Caller { id: string; secret: string; method: 'basic' | 'body' | 'id-only' | 'assertion' }

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`generated requests to the protocol endpoints on ${backend.name}`, { timeout: 120_000 }, () => {
    let t: OAuthTestApp;
    let db: Digester;
    let unchanged: Unchanged;
    let good: fc.Arbitrary<string>;
    let callers: fc.Arbitrary<Caller>;
    /** Mostly the two clients that may push an authorization request, so the success path is reached often enough to count. */
    let parCallers: fc.Arbitrary<Caller>;
    let junkAuthorization: fc.Arbitrary<string | undefined>;
    let templates: Record<string, fc.Arbitrary<Pairs>>;
    let bearers: fc.Arbitrary<string | undefined>;
    let grantsFor: (caller: Caller) => fc.Arbitrary<Pairs>;
    let clients: Record<'machine' | 'post' | 'app' | 'api', { id: string; secret: string }>;
    let parGood: fc.Arbitrary<string>;
    let ordersServer: { id: string; secret: string };
    let billingToken: string;

    beforeAll(async () => {
      t = await oauthTestApp(backend);
      const machine = await t.client({ name: 'machine' });
      const post = await t.client({ name: 'post', tokenEndpointAuthMethod: 'client_secret_post' });
      const app = await t.client({ name: 'app', grantTypes: ['authorization_code', 'refresh_token'], redirectUris: [REDIRECT], scopes: ['openid', 'profile', 'read'] });
      const spa = await t.client({ name: 'spa', tokenEndpointAuthMethod: 'none', grantTypes: ['authorization_code', 'refresh_token'], redirectUris: [REDIRECT], scopes: ['openid', 'read'] });
      const api = await t.client({ name: 'api', resourceServer: true, grantTypes: [] });
      clients = { machine, post, app, api };
      const orders = await t.storage.resources.create({ identifier: ORDERS, name: 'Orders', scopes: ['read', 'write'], tokenFormat: 'opaque', accessTokenTtl: null, signingAlg: 'ES256', isDefault: false }, Date.now());
      await t.storage.resources.create({ identifier: BILLING, name: 'Billing', scopes: ['read'], tokenFormat: 'jwt', accessTokenTtl: null, signingAlg: 'ES256', isDefault: false }, Date.now());
      ordersServer = await t.client({ name: 'orders server', resourceServer: true, grantTypes: [] });
      await t.storage.clients.update(ordersServer.id, { resourceId: orders.id }, Date.now());
      // A private_key_jwt client and assertions for it: valid ones (each accepted once, then replays), wrongly made ones, and junk.
      const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
      const jwk = { ...(await exportJWK(publicKey)), kid: 'k1' };
      const signer = (await t.client({ name: 'signer', tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [jwk] } })).id;
      const now = Math.floor(Date.now() / 1000);
      const sign = (claims: Record<string, unknown> = {}) => new SignJWT({ iss: signer, sub: signer, aud: t.config.issuer, jti: randomUUID(), exp: now + 300, ...claims })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(privateKey);
      const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const valid = await Promise.all(Array.from({ length: 8 }, () => sign()));
      const assertions = [
        ...valid, await sign({ exp: now - 600 }), await sign({ aud: 'https://elsewhere.example' }), await sign({ exp: now + 86_400 }), await sign({ jti: undefined }),
        `${part({ alg: 'none' })}.${part({ iss: signer, sub: signer, aud: t.config.issuer, jti: 'x', exp: now + 60 })}.`,
        `${part({ alg: 'ES256' })}.${part({ sub: 'a\u0000b' })}.AAAA`, `${part({ alg: 'ES256' })}.${part({ sub: '\uD800' })}.AAAA`,
        `${valid[0]}\u0000`, 'a.b.c', '...', `${'e'.repeat(20_000)}.e.e`, `${part({ alg: 'ES256' })}.${part({ sub: ['array'] })}.AAAA`,
      ];
      await createTestUser(t.storage, { username: 'ada' });
      const access = (await t.http.post('/oauth/token').set('Authorization', basic(machine.id, machine.secret)).type('form').send('grant_type=client_credentials')).body.access_token as string;
      // Codes and tokens of the code flow, so generated requests reach the grants' deeper checks.
      const browser = newBrowser(t);
      const { verifier, challenge } = pkcePair();
      const interaction = await startAuthorization(browser, { client_id: app.id, redirect_uri: REDIRECT, scope: 'openid read', state: 's', code_challenge: challenge, code_challenge_method: 'S256' });
      await signIn(browser, interaction, 'ada');
      const code = redirectParams((await decide(browser, interaction, 'allow')).headers.location!).get('code')!;
      const codeTokens = (await t.http.post('/oauth/token').set('Authorization', basic(app.id, app.secret)).type('form')
        .send(new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }).toString())).body as Record<string, string>;
      const codes: string[] = [];
      for (let i = 0; i < 3; i++) {
        const again = await browser.get(authorizeUrl({ client_id: app.id, redirect_uri: REDIRECT, scope: 'openid read', code_challenge: challenge, code_challenge_method: 'S256' }));
        codes.push(redirectParams(again.headers.location!).get('code')!);
      }
      billingToken = (await t.http.post('/oauth/token').set('Authorization', basic(machine.id, machine.secret)).type('form').send(`grant_type=client_credentials&resource=${encodeURIComponent(BILLING)}`)).body.access_token as string;
      const ordersToken = (await t.http.post('/oauth/token').set('Authorization', basic(machine.id, machine.secret)).type('form').send(`grant_type=client_credentials&resource=${encodeURIComponent(ORDERS)}`)).body.access_token as string;
      const tokens = [access, codeTokens.access_token!, codeTokens.refresh_token!, billingToken, ordersToken];

      good = fc.constantFrom(
        machine.id, machine.secret, post.id, app.id, spa.id, 'client_credentials', 'authorization_code', 'refresh_token', 'password',
        'read', 'read write', 'openid', 'openid read', ' read', 'read  write', REDIRECT, `${REDIRECT}/`, verifier, challenge, code, ...codes, ...tokens,
        'access_token', 'refresh_token', 'tg_at_x', 'tg_rt_', 'tg_ac_x', ORDERS, BILLING, ...BAD_RESOURCES, 'eyJhbGciOiJub25lIn0.eyJqdGkiOiIwIn0.',
        signer, JWT_BEARER, `${JWT_BEARER} `, 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer',
        valid[0]!, valid[1]!, `${valid[2]!}\u0000`, 'a.b.c',
      );
      callers = fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom<Caller>({ ...machine, method: 'basic' }, { ...app, method: 'basic' }, { ...api, method: 'basic' }, { ...post, method: 'body' }) },
        { weight: 2, arbitrary: fc.constantFrom<Caller>(
          { id: spa.id, secret: '', method: 'id-only' }, { id: machine.id, secret: 'wrong', method: 'basic' }, { id: 'nobody', secret: 'x', method: 'basic' },
          { id: 'a:b%c', secret: 'x y', method: 'body' },
        ) },
        // NUL travels in Basic too (base64 carries any byte); a lone surrogate only in JSON.
        { weight: 2, arbitrary: fc.constantFrom<Caller>(
          { id: '\u0000', secret: 'x', method: 'basic' }, { id: `${machine.id}\u0000`, secret: machine.secret, method: 'basic' },
          { id: machine.id, secret: `${machine.secret}\u0000`, method: 'basic' }, { id: `${post.id}\u0000`, secret: post.secret, method: 'body' },
          { id: '\uD800', secret: '', method: 'id-only' }, { id: post.id, secret: `\uDC00${post.secret}`, method: 'body' },
        ) },
        { weight: 3, arbitrary: fc.constantFrom<Caller>(...assertions.map((assertion) => ({ id: signer, secret: assertion, method: 'assertion' as const }))) },
      );
      parCallers = fc.oneof(
        { weight: 1, arbitrary: fc.constantFrom<Caller>({ ...app, method: 'basic' }, { id: spa.id, secret: '', method: 'id-only' }) },
        { weight: 1, arbitrary: callers },
      );
      const encoded = (s: string) => Buffer.from(s).toString('base64');
      junkAuthorization = fc.oneof(
        fc.constant(undefined),
        fc.tuple(junk, junk).map(([a, b]) => `Basic ${encoded(`${a}:${b}`)}`),
        junk.map((s) => `Basic ${encoded(s)}`),
        headerSafe(junk).map((s) => `Basic ${s}`),
        headerSafe(junk).map((s) => `Bearer ${s}`),
        headerSafe(junk),
        fc.constantFrom('Basic', 'Basic ', 'Basic ===', 'Basic Og==', `Basic ${encoded(':')}`, `basic ${encoded(`${machine.id}:${machine.secret}`)}`),
      );
      const withHint = (token: string) => fc.constantFrom<Pairs>([['token', token]], [['token', token], ['token_type_hint', 'access_token']], [['token', token], ['token_type_hint', 'refresh_token']]);
      const tokenTemplates = fc.oneof(...tokens.map(withHint));
      const machineGrants = fc.constantFrom<Pairs>(
        [['grant_type', 'client_credentials']], [['grant_type', 'client_credentials'], ['scope', 'read']], [['grant_type', 'client_credentials'], ['scope', 'read write']],
        [['grant_type', 'client_credentials'], ['resource', ORDERS]], [['grant_type', 'client_credentials'], ['resource', BILLING], ['scope', 'read']],
        [['grant_type', 'client_credentials'], ['resource', ORDERS], ['resource', BILLING]], [['grant_type', 'client_credentials'], ['resource', ORDERS], ['resource', ORDERS]],
      );
      const userGrants = fc.oneof(
        fc.constantFrom<Pairs>(
          [['grant_type', 'refresh_token'], ['refresh_token', codeTokens.refresh_token!]], [['grant_type', 'refresh_token'], ['refresh_token', codeTokens.refresh_token!], ['scope', 'read']],
        ),
        fc.constantFrom(code, ...codes).map((c): Pairs => [['grant_type', 'authorization_code'], ['code', c], ['redirect_uri', REDIRECT], ['code_verifier', verifier]]),
      );
      grantsFor = (caller) => caller.id === app.id || caller.id === spa.id ? fc.oneof({ weight: 4, arbitrary: userGrants }, { weight: 1, arbitrary: machineGrants })
        : fc.oneof({ weight: 4, arbitrary: machineGrants }, { weight: 1, arbitrary: userGrants });
      const pushed = (extra: Pairs): Pairs => [['response_type', 'code'], ['redirect_uri', REDIRECT], ['scope', 'openid read'], ['code_challenge', challenge], ['code_challenge_method', 'S256'], ...extra];
      parGood = fc.oneof(good, fc.constantFrom(
        'code', 'token', 'S256', 'plain', 'none', 'login', 'consent none', 'query', 'fragment', '60', '-1', '1e3', 'urn:ietf:params:oauth:request_uri:abc',
        challenge, `${challenge}+`, 'n-1', 'x'.repeat(3000), codeTokens.id_token ?? 'a.b.c', 'https://elsewhere.example/cb',
      ));
      templates = {
        '/oauth/par': fc.constantFrom<Pairs>(
          pushed([['state', 's']]), pushed([['nonce', 'n'], ['prompt', 'login'], ['max_age', '60']]), pushed([['resource', ORDERS]]),
          pushed([['id_token_hint', codeTokens.id_token ?? 'a.b.c'], ['login_hint', 'ada']]), [['response_type', 'code'], ['scope', 'read']],
        ),
        '/oauth/token': fc.oneof(machineGrants, userGrants),
        '/oauth/introspect': tokenTemplates,
        '/oauth/revoke': tokenTemplates,
      };
      bearers = fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(`Bearer ${codeTokens.access_token}`, `Bearer ${access}`, `bearer ${codeTokens.access_token}`, `Bearer  ${codeTokens.access_token} `) },
        { weight: 1, arbitrary: fc.constant(undefined) },
        { weight: 2, arbitrary: headerSafe(junk).map((s) => `Bearer ${s}`) },
        { weight: 1, arbitrary: headerSafe(junk) },
        { weight: 1, arbitrary: fc.constantFrom('Bearer', 'Bearer tg_at_', `Basic ${encoded(`${machine.id}:${machine.secret}`)}`, `Bearer ${access}, Bearer x`) },
      );
      db = await digester(t.config.database);
      unchanged = new Unchanged(db);
    });
    afterAll(async () => {
      await db?.close();
      await t?.close();
    });

    const methods = fc.oneof({ weight: 12, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'HEAD', 'OPTIONS') });
    const rarely = fc.oneof({ weight: 12, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });
    /** Usually the type that matches the body, sometimes any. */
    const contentType = fc.oneof({ weight: 6, arbitrary: fc.constant('matching') }, { weight: 1, arbitrary: contentTypes });
    const authStyle = fc.oneof({ weight: 6, arbitrary: fc.constant('native') }, { weight: 1, arbitrary: fc.constantFrom('basic', 'body', 'both', 'id-only', 'junk', 'assertion', 'assertion-twice') });
    const style = fc.constantFrom('form', 'form', 'form', 'raw', 'json', 'json-any', 'none');

    for (const endpoint of ['/oauth/token', '/oauth/introspect', '/oauth/revoke', '/oauth/par']) {
      const par = endpoint === '/oauth/par';
      it(`${endpoint}: never a 5xx, always an RFC 6749 error body, and a refusal changes nothing`, async () => {
        let accepted = 0;
        await unchanged.baseline();
        await fc.assert(fc.asyncProperty(
          methods, contentType, (par ? parCallers : callers).chain((c) => fc.tuple(fc.constant(c), par
            ? mutated(templates[endpoint]!, AUTHORIZATION_PARAMS, parGood)
            : mutated(endpoint === '/oauth/token' ? grantsFor(c) : templates[endpoint]!, PARAMS, good))),
          style, fc.jsonValue({ maxDepth: 3 }), authStyle, junkAuthorization,
          rarely, fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: mutated(templates[endpoint]!, PARAMS, good) }),
          async (method, type, [caller, pairs], bodyStyle, anyJson, auth, junkAuth, twoHeaders, query) => {
            let authorization: string | undefined;
            if (auth === 'native') auth = caller.method;
            if (auth === 'basic' || auth === 'both') authorization = basic(wellFormed(caller.id), wellFormed(caller.secret));
            if (auth === 'junk') authorization = junkAuth;
            if (auth === 'body' || auth === 'both') pairs = [['client_id', caller.id], ['client_secret', caller.secret], ...pairs];
            if (auth === 'id-only') pairs = [['client_id', caller.id], ...pairs];
            if (auth === 'assertion' || auth === 'assertion-twice') pairs = [['client_assertion_type', JWT_BEARER], ['client_assertion', caller.secret], ...pairs];
            if (auth === 'assertion-twice') pairs = [['client_assertion', caller.secret], ...pairs];
            const body = bodyStyle === 'none' ? undefined : bodyStyle === 'json-any' ? JSON.stringify(anyJson) : encodeBody(pairs, bodyStyle as 'form');
            if (type === 'matching') type = bodyStyle.startsWith('json') ? 'application/json' : 'application/x-www-form-urlencoded';
            const path = endpoint + queryString(query);
            const test = t.http[method.toLowerCase() as 'post'](path);
            if (authorization !== undefined) test.set('Authorization', twoHeaders && auth !== 'junk' ? [authorization, authorization] as unknown as string : authorization);
            const res = await send(test, type, body);
            const what = `${method} ${path} [${type}] ${authorization ?? ''} ${body?.slice(0, 300) ?? ''}`;
            expectNoServerError(res, what);
            expectRefusedIfUnstorable(res, what, [...bodyStrings(type, body), ...basicStrings(authorization)]);
            if (res.status >= 400 && !refusedByNode(res) && method !== 'HEAD') {
              expectOAuthError(res, what, res.status === 401 ? ['invalid_client'] : par ? PAR_ERRORS : TOKEN_ERRORS);
              if (res.status === 401 && authorization?.startsWith('Basic ')) expect(res.headers['www-authenticate'], what).toMatch(/^Basic/);
            }
            if (par && res.status === 201) expect(res.body, what).toEqual({ request_uri: expect.stringMatching(/^urn:ietf:params:oauth:request_uri:[\w-]{43}$/), expires_in: 60 });
            if (res.status < 300) accepted++;
            await unchanged.check(res.status >= 400, what);
          },
        ), { numRuns: NUM_RUNS ?? 150 });
        // The generated requests reach the endpoint's success path too, not only its refusals.
        expect(accepted).toBeGreaterThan(0);
      });
    }

    it('refuses what it must: a wrong secret or verifier, another client\'s token, an expired code, a widened refresh, a bad or foreign resource, a token for another API (never a 2xx; introspection says only active: false)', async () => {
      // Grants of its own: the properties above may have redeemed, rotated or revoked the shared ones.
      const { machine, post, app } = clients;
      const { verifier, challenge } = pkcePair();
      const browser = newBrowser(t);
      const redirect = { client_id: app.id, redirect_uri: REDIRECT, scope: 'openid read', code_challenge: challenge, code_challenge_method: 'S256' };
      expect((await signIn(browser, await startAuthorization(browser, redirect), 'ada')).status).toBe(303);
      // Consent to these scopes is remembered (beforeAll), so each request comes straight back with a code.
      const newCode = async () => redirectParams((await browser.get(authorizeUrl(redirect))).headers.location!).get('code')!;
      const tokenRequest = (body: Record<string, string>, authorization?: string) => {
        const req = t.http.post('/oauth/token').type('form');
        return (authorization ? req.set('Authorization', authorization) : req).send(new URLSearchParams(body).toString()).expect(200);
      };
      const userTokens = (await tokenRequest({ grant_type: 'authorization_code', code: await newCode(), redirect_uri: REDIRECT, code_verifier: verifier }, basic(app.id, app.secret))).body;
      const unredeemed = [await newCode(), await newCode()];
      const machineToken = (await tokenRequest({ grant_type: 'client_credentials' }, basic(machine.id, machine.secret))).body.access_token as string;
      const postToken = (await tokenRequest({ grant_type: 'client_credentials', client_id: post.id, client_secret: post.secret })).body.access_token as string;
      const ada = (await t.storage.users.getByUsername('ada'))!;

      type Who = keyof typeof clients;
      const secretHash = async (who: Who) => (await t.storage.clients.get(clients[who].id))!.secretHash!;
      const hashes = { machine: await secretHash('machine'), post: await secretHash('post'), app: await secretHash('app') };
      const owned = [
        { owner: 'app', kind: 'access', value: userTokens.access_token as string }, { owner: 'app', kind: 'refresh', value: userTokens.refresh_token as string },
        { owner: 'machine', kind: 'access', value: machineToken }, { owner: 'post', kind: 'access', value: postToken },
      ] as const;
      /** The client's credentials the way it is registered to send them (client_secret_post in the body, else Basic). */
      const credentials = (who: Who, secret: string): { authorization?: string; pairs: Pairs } => who === 'post'
        ? { pairs: [['client_id', post.id], ['client_secret', secret]] }
        : { authorization: basic(clients[who].id, wellFormed(secret)), pairs: [] };
      /** Values close to `value` and values of the wrong kind, never `value` itself. */
      const nearMisses = (value: string, others: string[]) => fc.oneof(
        fc.tuple(fc.nat({ max: value.length - 1 }), fc.constantFrom(...'Aa0-_~.')).filter(([i, c]) => value[i] !== c).map(([i, c]) => value.slice(0, i) + c + value.slice(i + 1)),
        fc.string({ minLength: 1, maxLength: 3 }).map((extra) => value + extra),
        fc.nat({ max: value.length - 1 }).map((length) => value.slice(0, length)),
        fc.constant(value.toUpperCase() === value ? `${value}x` : value.toUpperCase()),
        fc.constantFrom(...others),
        junk.filter((other) => other !== value),
      );

      type Refusal =
        | { kind: 'wrong secret'; who: Exclude<Who, 'api'>; endpoint: string; secret: string }
        | { kind: 'wrong code_verifier'; code: string; verifier: string | undefined }
        | { kind: 'foreign token'; who: Who; endpoint: string; token: (typeof owned)[number]; hint: string | undefined }
        | { kind: 'expired code'; ageMs: number }
        | { kind: 'widened refresh scope'; scope: string }
        | { kind: 'bad resource'; resources: string[]; grant: 'client_credentials' | 'refresh_token' }
        | { kind: 'token for another API'; token: 'billing' | 'none' | 'refresh' };
      const ENDPOINTS = ['/oauth/token', '/oauth/introspect', '/oauth/revoke'];
      const refusals: fc.Arbitrary<Refusal> = fc.oneof(
        fc.tuple(fc.constantFrom('machine', 'post', 'app') as fc.Arbitrary<Exclude<Who, 'api'>>, fc.constantFrom(...ENDPOINTS)).chain(([who, endpoint]) => nearMisses(
          clients[who].secret, [...Object.values(clients).map((c) => c.secret).filter((secret) => secret !== clients[who].secret), hashes[who]],
        ).map((secret): Refusal => ({ kind: 'wrong secret', who, endpoint, secret }))),
        fc.tuple(fc.constantFrom(...unredeemed), fc.oneof(
          nearMisses(verifier, [challenge, pkcePair().verifier]),
          fc.stringMatching(/^[A-Za-z0-9\-._~]{43,128}$/).filter((other) => other !== verifier),
          fc.constant(undefined),
        )).map(([code, wrong]): Refusal => ({ kind: 'wrong code_verifier', code, verifier: wrong })),
        fc.tuple(fc.constantFrom(...Object.keys(clients) as Who[]), fc.constantFrom('/oauth/introspect', '/oauth/revoke'), fc.constantFrom(...owned),
          fc.constantFrom(undefined, 'access_token', 'refresh_token'))
          // A resource server may read another client's access token (that is what it is for), never its refresh token.
          .filter(([who, endpoint, token]) => clients[who].id !== clients[token.owner].id && !(who === 'api' && endpoint === '/oauth/introspect' && token.kind === 'access'))
          .map(([who, endpoint, token, hint]): Refusal => ({ kind: 'foreign token', who, endpoint, token, hint })),
        fc.nat({ max: 30 * 86_400_000 }).map((ageMs): Refusal => ({ kind: 'expired code', ageMs })),
        fc.tuple(fc.subarray(['openid', 'read']), fc.oneof({ weight: 3, arbitrary: fc.constant(['profile']) }, { weight: 1, arbitrary: fc.subarray(['profile', 'write', 'email', 'oauth-admin'], { minLength: 1 }) }), fc.boolean())
          .map(([kept, added, first]): Refusal => ({ kind: 'widened refresh scope', scope: (first ? [...added, ...kept] : [...kept, ...added]).join(' ') })),
        // A malformed or unknown resource, two APIs at once, or (at refresh) an API the grant was not made for.
        fc.tuple(fc.oneof(
          fc.constantFrom(...BAD_RESOURCES).map((bad) => [bad]),
          fc.tuple(fc.constantFrom(...BAD_RESOURCES), fc.constantFrom(ORDERS, BILLING), fc.boolean()).map(([bad, fine, first]) => (first ? [bad, fine] : [fine, bad])),
          fc.constant<string[]>([ORDERS, BILLING]),
        ), fc.constantFrom('client_credentials', 'refresh_token') as fc.Arbitrary<'client_credentials' | 'refresh_token'>)
          .map(([resources, grant]): Refusal => ({ kind: 'bad resource', resources, grant })),
        fc.constantFrom<Refusal>({ kind: 'bad resource', resources: [ORDERS], grant: 'refresh_token' }, { kind: 'bad resource', resources: [BILLING], grant: 'refresh_token' }),
        fc.constantFrom('billing', 'none', 'refresh').map((token): Refusal => ({ kind: 'token for another API', token: token as 'billing' | 'none' | 'refresh' })),
      );

      /** The request for a refusal, and whether it is answered 200 `{ active: false }` (introspection, RFC 7662 §2.2) rather than an error. */
      async function requestFor(refusal: Refusal): Promise<{ path: string; authorization?: string; pairs: Pairs; inactive: boolean }> {
        const appAuth = basic(app.id, app.secret);
        switch (refusal.kind) {
          case 'wrong secret': {
            const { authorization, pairs } = credentials(refusal.who, refusal.secret);
            const own = owned.find((token) => token.owner === refusal.who)!.value;
            const grant: Pairs = refusal.who === 'app' ? [['grant_type', 'refresh_token'], ['refresh_token', userTokens.refresh_token]] : [['grant_type', 'client_credentials']];
            return { path: refusal.endpoint, authorization, pairs: [...pairs, ...(refusal.endpoint === '/oauth/token' ? grant : [['token', own]] as Pairs)], inactive: false };
          }
          case 'wrong code_verifier': {
            const pairs: Pairs = [['grant_type', 'authorization_code'], ['code', refusal.code], ['redirect_uri', REDIRECT]];
            if (refusal.verifier !== undefined) pairs.push(['code_verifier', refusal.verifier]);
            return { path: '/oauth/token', authorization: appAuth, pairs, inactive: false };
          }
          case 'foreign token': {
            const { authorization, pairs } = credentials(refusal.who, clients[refusal.who].secret);
            pairs.push(['token', refusal.token.value]);
            if (refusal.hint !== undefined) pairs.push(['token_type_hint', refusal.hint]);
            return { path: refusal.endpoint, authorization, pairs, inactive: refusal.endpoint === '/oauth/introspect' };
          }
          case 'expired code': {
            const value = randomSecret(PREFIX.authorizationCode);
            const expiresAt = Date.now() - refusal.ageMs;
            await t.storage.codes.create({
              id: randomUUID(), codeHash: sha256(value), clientId: app.id, userId: ada.id, redirectUri: REDIRECT, redirectUriSent: true, scopes: ['openid', 'read'],
              codeChallenge: challenge, codeChallengeMethod: 'S256', nonce: null, authTime: expiresAt - 60_000, createdAt: expiresAt - 60_000, expiresAt,
            });
            return {
              path: '/oauth/token', authorization: appAuth, inactive: false,
              pairs: [['grant_type', 'authorization_code'], ['code', value], ['redirect_uri', REDIRECT], ['code_verifier', verifier]],
            };
          }
          case 'bad resource': {
            const resources = refusal.resources.map((value): [string, string] => ['resource', value]);
            return refusal.grant === 'client_credentials'
              ? { path: '/oauth/token', authorization: basic(machine.id, machine.secret), inactive: false, pairs: [['grant_type', 'client_credentials'], ...resources] }
              : { path: '/oauth/token', authorization: appAuth, inactive: false, pairs: [['grant_type', 'refresh_token'], ['refresh_token', userTokens.refresh_token], ...resources] };
          }
          case 'token for another API': {
            const value = refusal.token === 'billing' ? billingToken : refusal.token === 'none' ? machineToken : userTokens.refresh_token as string;
            return { path: '/oauth/introspect', authorization: basic(ordersServer.id, ordersServer.secret), inactive: true, pairs: [['token', value]] };
          }
          case 'widened refresh scope':
            return {
              path: '/oauth/token', authorization: appAuth, inactive: false,
              pairs: [['grant_type', 'refresh_token'], ['refresh_token', userTokens.refresh_token], ['scope', refusal.scope]],
            };
        }
      }

      await fc.assert(fc.asyncProperty(refusals, fc.constantFrom('form', 'json') as fc.Arbitrary<'form' | 'json'>, async (refusal, style) => {
        const { path, authorization, pairs, inactive } = await requestFor(refusal);
        await unchanged.baseline();
        const test = t.http.post(path);
        if (authorization !== undefined) test.set('Authorization', authorization);
        // JSON carries several resources as a list (a repeated key would keep only the last).
        const resources = pairs.filter(([name]) => name === 'resource').map(([, value]) => value);
        const body = style === 'json' && resources.length > 1
          ? JSON.stringify({ ...Object.fromEntries(pairs.filter(([name]) => name !== 'resource')), resource: resources })
          : encodeBody(pairs, style);
        const res = await send(test, style === 'json' ? 'application/json' : 'application/x-www-form-urlencoded', body);
        const what = `${refusal.kind}: POST ${path} (${style}) ${authorization ?? ''} ${JSON.stringify(pairs).slice(0, 300)} → ${res.status} ${res.text?.slice(0, 200)}`;
        expectNoServerError(res, what);
        if (inactive) {
          expect(res.status, what).toBe(200);
          expect(res.body, what).toEqual({ active: false });
        } else {
          expect(res.status, what).toBeGreaterThanOrEqual(400);
          expectOAuthError(res, what, res.status === 401 ? ['invalid_client'] : TOKEN_ERRORS);
        }
        await unchanged.check(true, what);
      }), { numRuns: NUM_RUNS ?? 60 });
    });

    it('/oauth/userinfo: never a 5xx, always an RFC 6750 error, and a refusal changes nothing', async () => {
      await unchanged.baseline();
      await fc.assert(fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'GET', 'PUT', 'DELETE'), contentTypes, mutated(fc.constant<Pairs>([]), PARAMS, good), bearers,
        fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: mutated(fc.constant<Pairs>([]), PARAMS, good) }),
        async (method, type, pairs, authorization, query) => {
          const path = `/oauth/userinfo${queryString(query)}`;
          const test = t.http[method.toLowerCase() as 'post'](path);
          if (authorization !== undefined) test.set('Authorization', authorization);
          const body = method === 'GET' ? undefined : encodeBody(pairs, 'form');
          const res = await send(test, type, body);
          const what = `${method} ${path} ${authorization ?? ''} ${body?.slice(0, 200) ?? ''}`;
          expectNoServerError(res, what);
          if (res.status >= 400 && !refusedByNode(res)) {
            const json = res.body as Record<string, unknown>;
            const challenge = res.headers['www-authenticate'];
            if (res.status === 401 || res.status === 403) expect(challenge, what).toMatch(/^Bearer realm="/);
            if (res.status === 401 && challenge && !challenge.includes('error=')) {
              // No credentials at all: a bare challenge and no error code (RFC 6750 §3.1).
              expect(json, what).toEqual({ error_description: expect.any(String) });
            } else {
              // insufficient_scope names the scope needed, in the body as in the challenge (RFC 6750 §3).
              expectOAuthError(res, what, res.status === 404 ? ['not_found'] : BEARER_ERRORS, json.error === 'insufficient_scope' ? ['scope'] : []);
            }
          }
          await unchanged.check(res.status >= 400, what);
        },
      ), { numRuns: NUM_RUNS ?? 100 });
    });
  });
}
