import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/crypto/random.js';
import { findToken } from '../../src/oauth/tokens/lookup.js';
import { backends } from '../support/databases.js';
import { basic, oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';

const FORM = 'application/x-www-form-urlencoded';

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`POST /oauth/token, client_credentials, on ${backend.name}`, () => {
    let t: OAuthTestApp;
    let client: { id: string; secret: string };
    let postClient: { id: string; secret: string };

    beforeAll(async () => {
      t = await oauthTestApp(backend);
      client = await t.client();
      postClient = await t.client({ tokenEndpointAuthMethod: 'client_secret_post' });
    });
    afterAll(() => t?.close());

    const token = (body: string, auth?: string) => {
      const req = t.http.post('/oauth/token').type(FORM);
      return (auth ? req.set('Authorization', auth) : req).send(body);
    };
    const tokenCount = async () => (await t.storage.tokens.list({ activeAt: 0, limit: 10_000 })).items.length;

    it('issues a token to Basic credentials, stored only as a hash', async () => {
      const res = await token('grant_type=client_credentials', basic(client.id, client.secret)).expect(200);
      expect(res.body).toEqual({
        access_token: expect.stringMatching(/^tg_at_[\w-]{64}$/),
        token_type: 'Bearer',
        expires_in: 3600,
        scope: 'read write',
      });
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers.pragma).toBe('no-cache');
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      const stored = await findToken(t.storage, res.body.access_token);
      expect(stored).toMatchObject({ kind: 'access', clientId: client.id, userId: null, scopes: ['read', 'write'], prefix: res.body.access_token.slice(0, 12) });
      expect(JSON.stringify(stored)).not.toContain(res.body.access_token);
    });

    it('undoes the form-URL-encoding of Basic credentials (RFC 6749 §2.3.1)', async () => {
      const encodedSecret = [...client.secret].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');
      const header = `Basic ${Buffer.from(`${client.id}:${encodedSecret}`).toString('base64')}`;
      await token('grant_type=client_credentials', header).expect(200);
    });

    it('issues a token to client_secret_post credentials, and to a JSON body', async () => {
      await token(`grant_type=client_credentials&client_id=${postClient.id}&client_secret=${postClient.secret}`).expect(200);
      const json = await t.http.post('/oauth/token').send({ grant_type: 'client_credentials', client_id: postClient.id, client_secret: postClient.secret }).expect(200);
      expect(json.body.token_type).toBe('Bearer');
    });

    it('narrows to the requested scopes, in any order, and honours a per-client lifetime', async () => {
      const res = await token('grant_type=client_credentials&scope=write', basic(client.id, client.secret)).expect(200);
      expect(res.body.scope).toBe('write');
      const short = await t.client({ accessTokenTtl: 300 });
      const both = await token('grant_type=client_credentials&scope=write%20read', basic(short.id, short.secret)).expect(200);
      expect(both.body).toMatchObject({ scope: 'write read', expires_in: 300 });
    });

    it('never puts user scopes in a client-credentials token', async () => {
      const mixed = await t.client({ scopes: ['openid', 'profile', 'read'] });
      expect((await token('grant_type=client_credentials', basic(mixed.id, mixed.secret)).expect(200)).body.scope).toBe('read');
      expect((await token('grant_type=client_credentials&scope=openid', basic(mixed.id, mixed.secret)).expect(400)).body)
        .toEqual({ error: 'invalid_scope', error_description: 'Scope not allowed for this client: openid.' });
    });

    describe('refuses, with the RFC 6749 §5.2 error, and issues nothing', () => {
      const cases: [string, () => [string, string | undefined], number, Record<string, string>][] = [
        ['no grant_type', () => ['', basic(client.id, client.secret)], 400,
          { error: 'invalid_request', error_description: 'The grant_type parameter is missing.' }],
        ['an empty grant_type', () => ['grant_type=', basic(client.id, client.secret)], 400,
          { error: 'invalid_request', error_description: 'The grant_type parameter is missing.' }],
        ['a repeated parameter', () => ['grant_type=client_credentials&grant_type=client_credentials', basic(client.id, client.secret)], 400,
          { error: 'invalid_request', error_description: 'The grant_type parameter is repeated.' }],
        ['a repeated empty parameter', () => ['scope=&scope=read&grant_type=client_credentials', basic(client.id, client.secret)], 400,
          { error: 'invalid_request', error_description: 'The scope parameter is repeated.' }],
        ['an unknown grant', () => ['grant_type=implicit', basic(client.id, client.secret)], 400,
          { error: 'unsupported_grant_type', error_description: 'This server does not support the implicit grant.' }],
        ['a grant the client is not registered for', () => ['grant_type=password&username=ada&password=x', basic(client.id, client.secret)], 400,
          { error: 'unauthorized_client', error_description: 'This client may not use the password grant.' }],
        ['qs-style brackets', () => ['grant_type[]=client_credentials', basic(client.id, client.secret)], 400,
          { error: 'invalid_request', error_description: 'The grant_type parameter is missing.' }],
        ['a scope outside the client\'s', () => ['grant_type=client_credentials&scope=read%20admin', basic(client.id, client.secret)], 400,
          { error: 'invalid_scope', error_description: 'Scope not allowed for this client: admin.' }],
        ['a scope with a quote', () => ['grant_type=client_credentials&scope=re%22ad', basic(client.id, client.secret)], 400,
          { error: 'invalid_scope', error_description: 'The scope parameter is not a list of scopes separated by single spaces (RFC 6749 §3.3).' }],
        ['two spaces between scopes', () => ['grant_type=client_credentials&scope=read%20%20write', basic(client.id, client.secret)], 400,
          { error: 'invalid_scope', error_description: 'The scope parameter is not a list of scopes separated by single spaces (RFC 6749 §3.3).' }],
        ['a scope of one space', () => ['grant_type=client_credentials&scope=%20', basic(client.id, client.secret)], 400,
          { error: 'invalid_scope', error_description: 'The scope parameter is not a list of scopes separated by single spaces (RFC 6749 §3.3).' }],
        ['an empty Basic header', () => ['grant_type=client_credentials', 'Basic'], 401,
          { error: 'invalid_client', error_description: 'Client authentication failed.' }],
        ['a Bearer header', () => ['grant_type=client_credentials', 'Bearer abc'], 401,
          { error: 'invalid_client', error_description: 'Client authentication failed.' }],
        ['a grant name that cannot be echoed', () => [`grant_type=${encodeURIComponent('x"y')}`, basic(client.id, client.secret)], 400,
          { error: 'unsupported_grant_type', error_description: 'This server does not support the a grant.' }],
        ['two authentication methods', () => [`grant_type=client_credentials&client_secret=${client.secret}`, basic(client.id, client.secret)], 400,
          { error: 'invalid_request', error_description: 'Use one client authentication method: Basic or client_secret, not both.' }],
        ['no authentication', () => ['grant_type=client_credentials', undefined], 401,
          { error: 'invalid_client', error_description: 'Client authentication is required.' }],
        ['a wrong secret', () => ['grant_type=client_credentials', basic(client.id, `${client.secret}x`)], 401,
          { error: 'invalid_client', error_description: 'Client authentication failed.' }],
        ['a wrong secret in the body', () => [`grant_type=client_credentials&client_id=${postClient.id}&client_secret=${postClient.secret}x`, undefined], 401,
          { error: 'invalid_client', error_description: 'Client authentication failed.' }],
        ["another client's secret in the body", () => [`grant_type=client_credentials&client_id=${postClient.id}&client_secret=${client.secret}`, undefined], 401,
          { error: 'invalid_client', error_description: 'Client authentication failed.' }],
        ['an unknown client', () => ['grant_type=client_credentials', basic('nobody', 'x')], 401,
          { error: 'invalid_client', error_description: 'Client authentication failed.' }],
        ['Basic that is not base64', () => ['grant_type=client_credentials', 'Basic !!!'], 401,
          { error: 'invalid_client', error_description: 'Client authentication failed.' }],
        ['Basic without a colon', () => ['grant_type=client_credentials', `Basic ${Buffer.from('just-an-id').toString('base64')}`], 401,
          { error: 'invalid_client', error_description: 'Client authentication failed.' }],
        ['a method the client is not registered for', () => [`grant_type=client_credentials&client_id=${client.id}&client_secret=${client.secret}`, undefined], 401,
          { error: 'invalid_client', error_description: 'Client authentication failed.' }],
      ];
      it.each(cases)('%s', async (_name, input, status, body) => {
        const [form, auth] = input();
        const before = await tokenCount();
        const res = await token(form, auth).expect(status);
        expect(res.body).toEqual(body);
        expect(res.headers['cache-control']).toBe('no-store');
        if (status === 401 && auth) expect(res.headers['www-authenticate']).toBe('Basic realm="tollgate", charset="UTF-8"');
        if (status === 401 && !auth) expect(res.headers['www-authenticate']).toBeUndefined();
        expect(await tokenCount()).toBe(before);
      });
    });

    it('refuses client_credentials to a client not registered for it', async () => {
      const web = await t.client({ grantTypes: ['authorization_code'], redirectUris: ['https://app.example/cb'] });
      expect((await token('grant_type=client_credentials', basic(web.id, web.secret)).expect(400)).body)
        .toEqual({ error: 'unauthorized_client', error_description: 'This client may not use the client_credentials grant.' });
      const spa = await t.client({ tokenEndpointAuthMethod: 'none', grantTypes: ['authorization_code'], redirectUris: ['https://spa.example/cb'] });
      expect((await token(`grant_type=client_credentials&client_id=${spa.id}`).expect(400)).body.error).toBe('unauthorized_client');
    });

    it('refuses a revoked client', async () => {
      const doomed = await t.client();
      await t.storage.clients.revoke(doomed.id, Date.now());
      expect((await token('grant_type=client_credentials', basic(doomed.id, doomed.secret)).expect(401)).body.error).toBe('invalid_client');
    });

    it('refuses credentials in the query string and reads no parameter from it', async () => {
      const res = await t.http.post(`/oauth/token?client_id=${postClient.id}&client_secret=${postClient.secret}`).type(FORM)
        .send(`grant_type=client_credentials&client_id=${postClient.id}&client_secret=${postClient.secret}`).expect(400);
      expect(res.body).toEqual({ error: 'invalid_request', error_description: 'Credentials must not be sent in the query string.' });
      const ignored = await t.http.post(`/oauth/token?grant_type=client_credentials&client_id=${postClient.id}`).type(FORM).send('').expect(401);
      expect(ignored.body.error).toBe('invalid_client');
    });

    it('decodes a secret with reserved characters sent through Basic (SECURITY 17)', async () => {
      const odd = await t.client();
      const secret = 'a:b%c +é';
      await t.storage.clients.update(odd.id, { secretHash: sha256(secret) }, Date.now());
      await token('grant_type=client_credentials', basic(odd.id, secret)).expect(200);
      await token('grant_type=client_credentials', `Basic ${Buffer.from(`${odd.id}:${secret}`).toString('base64')}`).expect(401);
    });

    it('refuses JSON with a repeated key, other charsets, bad UTF-8 and compressed bodies', async () => {
      const auth = basic(client.id, client.secret);
      const dup = await t.http.post('/oauth/token').set('Authorization', auth).type('application/json')
        .send('{"grant_type":"password","grant_type":"client_credentials"}').expect(400);
      expect(dup.body).toEqual({ error: 'invalid_request', error_description: 'A parameter is repeated.' });
      await t.http.post('/oauth/token').set('Authorization', auth).type('application/json').send('{"grant_type":"client_credentials","x":"a:b{c}"}').expect(200);
      const latin1 = await t.http.post('/oauth/token').set('Authorization', auth).set('Content-Type', 'application/x-www-form-urlencoded; charset=iso-8859-1')
        .send('grant_type=client_credentials').expect(400);
      expect(latin1.body.error_description).toBe('Send the body in UTF-8.');
      await t.http.post('/oauth/token').set('Authorization', auth).set('Content-Type', 'application/x-www-form-urlencoded; charset=UTF-8')
        .send('grant_type=client_credentials').expect(200);
      const badBytes = await t.http.post('/oauth/token').set('Authorization', auth).set('Content-Type', FORM)
        // Raw bytes: superagent would otherwise re-encode a Buffer as form fields.
        .serialize((body: Buffer) => body as unknown as string).send(Buffer.concat([Buffer.from('grant_type=client_credentials&x='), Buffer.from([0xff, 0xfe])])).expect(400);
      expect(badBytes.body.error_description).toBe('The request body is not valid UTF-8.');
      const gzip = await t.http.post('/oauth/token').set('Authorization', auth).set('Content-Encoding', 'gzip').type(FORM).send('grant_type=client_credentials').expect(400);
      expect(gzip.body.error_description).toBe('Send the body without a content encoding.');
    });

    it('answers GET with 405, other bodies with invalid_request, and huge ones with 413', async () => {
      const get = await t.http.get('/oauth/token').expect(405);
      expect(get.headers.allow).toBe('POST');
      expect(get.body.error).toBe('invalid_request');
      const text = await t.http.post('/oauth/token').set('Authorization', basic(client.id, client.secret)).type('text/plain').send('grant_type=client_credentials').expect(400);
      expect(text.body).toEqual({ error: 'invalid_request', error_description: 'Send the parameters form-encoded (application/x-www-form-urlencoded) or as JSON.' });
      const badJson = await t.http.post('/oauth/token').type('application/json').send('{"grant_type":').expect(400);
      expect(badJson.body.error_description).toBe('The request body is not valid JSON.');
      const nonString = await t.http.post('/oauth/token').send({ grant_type: ['client_credentials'] }).expect(400);
      expect(nonString.body.error_description).toBe('The grant_type parameter must be a string.');
      const huge = await token(`grant_type=client_credentials&scope=${'a'.repeat(100_000)}`, basic(client.id, client.secret)).expect(413);
      expect(huge.body.error).toBe('invalid_request');
    });

    it('audits issues and failed authentications, never with a secret or token', async () => {
      const res = await token('grant_type=client_credentials', basic(client.id, client.secret)).expect(200);
      await token('grant_type=client_credentials', basic(client.id, 'wrong-secret')).expect(401);
      await token('grant_type=client_credentials', basic('tg_cs_pasted-as-id', 'x')).expect(401);
      const entries = (await t.storage.audit.list({ limit: 500 })).items;
      expect(entries.find((e) => e.action === 'token.issue' && e.actorId === client.id)).toMatchObject({
        actorType: 'client', targetType: 'token', sourceAddress: expect.any(String), details: { grant_type: 'client_credentials', kind: 'access' },
      });
      expect(entries.find((e) => e.action === 'client.authentication_failed' && e.targetId === client.id)).toMatchObject({
        actorType: 'anonymous', details: { reason: 'wrong secret' },
      });
      // An unknown id may be a secret pasted in the wrong field: it is not kept.
      expect(entries.find((e) => e.action === 'client.authentication_failed' && e.details.reason === 'unknown client')).toMatchObject({ targetId: null });
      const all = JSON.stringify(entries);
      expect(all).not.toContain('tg_cs_pasted-as-id');
      expect(all).not.toContain(res.body.access_token);
      expect(all).not.toContain(client.secret);
      expect(all).not.toContain('wrong-secret');
    });

    it('counts issued tokens and failures in /metrics', async () => {
      const metrics = await t.metrics.registry.metrics();
      expect(metrics).toMatch(/tollgate_tokens_issued_total\{grant_type="client_credentials"\} [1-9]\d*/);
      expect(metrics).toMatch(/tollgate_auth_failures_total\{kind="client"\} [1-9]\d*/);
      expect(metrics).toMatch(/tollgate_http_requests_total\{method="POST",route="\/oauth\/token",status="200"\} [1-9]\d*/);
    });
  });
}

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`rate limits at the token endpoint on ${backend.name}`, () => {
    let t: OAuthTestApp;
    beforeAll(async () => {
      // Day-long windows: a fixed window starting anew mid-test would reset the counts.
      t = await oauthTestApp(backend, { TOKEN_RATE_LIMIT: '3/1d', CLIENT_AUTH_FAILURE_LIMIT: '2/1d' });
    });
    afterAll(() => t?.close());

    it('limits token requests per client with 429 and Retry-After', async () => {
      const client = await t.client();
      const other = await t.client();
      for (let i = 0; i < 3; i++) {
        await t.http.post('/oauth/token').type(FORM).set('Authorization', basic(client.id, client.secret)).send('grant_type=client_credentials').expect(200);
      }
      const limited = await t.http.post('/oauth/token').type(FORM).set('Authorization', basic(client.id, client.secret)).send('grant_type=client_credentials').expect(429);
      expect(limited.body).toEqual({ error: 'invalid_request', error_description: 'Too many token requests for this client; retry later.' });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(86_400);
      await t.http.post('/oauth/token').type(FORM).set('Authorization', basic(other.id, other.secret)).send('grant_type=client_credentials').expect(200);
    });

    it('locks out an address after repeated failed authentications, even with the right secret', async () => {
      const client = await t.client();
      for (let i = 0; i < 2; i++) {
        await t.http.post('/oauth/token').type(FORM).set('Authorization', basic(client.id, 'wrong')).send('grant_type=client_credentials').expect(401);
      }
      const locked = await t.http.post('/oauth/token').type(FORM).set('Authorization', basic(client.id, client.secret)).send('grant_type=client_credentials').expect(429);
      expect(locked.headers['retry-after']).toBeDefined();
      // X-Forwarded-For is not trusted, so it cannot be used to dodge the lockout.
      await t.http.post('/oauth/token').type(FORM).set('X-Forwarded-For', '203.0.113.9').set('Authorization', basic(client.id, client.secret)).send('grant_type=client_credentials').expect(429);
    });
  });

  describe.skipIf(backend.unavailable !== null)(`the failed-authentication lockout behind a trusted proxy on ${backend.name}`, () => {
    let t: OAuthTestApp;
    beforeAll(async () => {
      t = await oauthTestApp(backend, { CLIENT_AUTH_FAILURE_LIMIT: '2/1d', TRUST_PROXY: 'loopback' });
    });
    afterAll(() => t?.close());

    it('locks out the forwarded client address, not the proxy', async () => {
      const client = await t.client();
      const from = (address: string, secret: string) => t.http.post('/oauth/token').type(FORM)
        .set('X-Forwarded-For', address).set('Authorization', basic(client.id, secret)).send('grant_type=client_credentials');
      await from('203.0.113.9', 'wrong').expect(401);
      await from('203.0.113.9', 'wrong').expect(401);
      await from('203.0.113.9', client.secret).expect(429);
      await from('198.51.100.1', client.secret).expect(200);
      const audit = (await t.storage.audit.list({ action: 'client.authentication_failed', limit: 10 })).items;
      expect(audit.map((e) => e.sourceAddress)).toEqual(['203.0.113.9', '203.0.113.9']);
    });
  });
}
