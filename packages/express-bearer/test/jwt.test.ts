import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidTokenError, TokenVerifier, VerificationUnavailableError, bearerAuth, requireScope } from '../src/index.js';
import { freePort } from '../../../apps/api/test/support/process.js';
import { countingFetch, jsonErrors, serve, testApp, type Served } from './support/http.js';

const AUDIENCE = 'https://api.example';

describe('JWT access tokens (RFC 9068) against a local JWKS', () => {
  let keys: { publicKey: CryptoKey; privateKey: CryptoKey };
  let otherKeys: { publicKey: CryptoKey; privateKey: CryptoKey };
  let authServer: Served;
  let issuer: string;
  let jwksHits = 0;

  beforeAll(async () => {
    keys = await generateKeyPair('RS256');
    otherKeys = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'main', alg: 'RS256', use: 'sig' };
    authServer = await serve((req, res) => {
      if (req.url === '/.well-known/oauth-authorization-server') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
      } else if (req.url === '/jwks') {
        jwksHits++;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
      } else {
        res.writeHead(404).end();
      }
    });
    issuer = authServer.url;
  });

  afterAll(async () => {
    await authServer.close();
  });

  function sign(claims: JWTPayload = {}, options: { typ?: string; key?: CryptoKey; kid?: string; omit?: string[] } = {}) {
    const payload: JWTPayload = {
      iss: issuer,
      aud: AUDIENCE,
      sub: 'user-42',
      client_id: 'web-app',
      scope: 'read write',
      jti: 'jti-1',
      iat: Math.floor(Date.now() / 1000),
      exp: Math.floor(Date.now() / 1000) + 300,
      ...claims,
    };
    for (const name of options.omit ?? []) delete payload[name];
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? 'main', typ: options.typ ?? 'at+jwt' })
      .sign(options.key ?? keys.privateKey);
  }

  it('verifies a good token, finding the JWKS through the issuer metadata, and fills req.auth', async () => {
    const app = testApp();
    app.get('/r', bearerAuth({ issuer, jwt: { audience: AUDIENCE }, realm: 'api' }), requireScope('read'), (req, res) => {
      res.json(req.auth);
    });
    const served = await serve(app);
    try {
      const response = await fetch(`${served.url}/r`, { headers: { authorization: `Bearer ${await sign()}` } });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        subject: 'user-42',
        clientId: 'web-app',
        scopes: ['read', 'write'],
        expiresAt: expect.any(String),
        source: 'jwt',
        claims: expect.objectContaining({ iss: issuer, aud: AUDIENCE, jti: 'jti-1' }),
      });
    } finally {
      await served.close();
    }
  });

  it('accepts the application/at+jwt spelling of typ', async () => {
    const verifier = new TokenVerifier({ issuer, jwt: { audience: [AUDIENCE, 'other'] } });
    await expect(verifier.verify(await sign({}, { typ: 'application/at+jwt' }))).resolves.toMatchObject({ subject: 'user-42' });
  });

  it.each<[string, () => Promise<string>]>([
    ['typ JWT instead of at+jwt', () => sign({}, { typ: 'JWT' })],
    ['another audience', () => sign({ aud: 'https://elsewhere.example' })],
    ['another issuer', () => sign({ iss: 'https://evil.example' })],
    ['expired', () => sign({ exp: Math.floor(Date.now() / 1000) - 60 })],
    ['signed with another key under the same kid', () => sign({}, { key: otherKeys.privateKey })],
    ['an unknown kid', () => sign({}, { kid: 'nope' })],
    ['no client_id', () => sign({}, { omit: ['client_id'] })],
    ['no jti', () => sign({}, { omit: ['jti'] })],
    ['a broken signature', async () => (await sign()).slice(0, -4) + 'AAAA'],
  ])('refuses a token with %s as invalid_token', async (_name, make) => {
    const verifier = new TokenVerifier({ issuer, jwt: { audience: AUDIENCE } });
    const error = await verifier.verify(await make()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect(error).toMatchObject({ code: 'invalid_token', status: 401 });
  });

  it('answers 401 invalid_token through the middleware for a bad JWT, and an opaque token with only jwt configured', async () => {
    const app = testApp();
    app.get('/r', bearerAuth({ issuer, jwt: { audience: AUDIENCE } }), (_req, res) => {
      res.end('ok');
    });
    const served = await serve(app);
    try {
      const expired = await fetch(`${served.url}/r`, { headers: { authorization: `Bearer ${await sign({ exp: 1 })}` } });
      expect(expired.status).toBe(401);
      expect(expired.headers.get('www-authenticate')).toBe('Bearer error="invalid_token", error_description="The access token is invalid or expired."');
      const opaque = await fetch(`${served.url}/r`, { headers: { authorization: 'Bearer tg_at_opaque' } });
      expect(opaque.status).toBe(401);
      expect(await opaque.json()).toEqual({ error: 'invalid_token', error_description: 'The access token is not a JWT.' });
    } finally {
      await served.close();
    }
  });

  it('answers 403 with the missing scope', async () => {
    const app = testApp();
    app.get('/r', bearerAuth({ issuer, jwt: { audience: AUDIENCE }, scope: 'admin' }), (_req, res) => {
      res.end('ok');
    });
    const served = await serve(app);
    try {
      const response = await fetch(`${served.url}/r`, { headers: { authorization: `Bearer ${await sign()}` } });
      expect(response.status).toBe(403);
      expect(response.headers.get('www-authenticate')).toBe(
        'Bearer error="insufficient_scope", error_description="The access token lacks the scope admin.", scope="admin"',
      );
    } finally {
      await served.close();
    }
  });

  it('fetches the JWKS once for many tokens', async () => {
    const counter = countingFetch();
    const verifier = new TokenVerifier({ issuer, jwt: { jwksUri: `${issuer}/jwks`, audience: AUDIENCE }, fetch: counter.fetch });
    const before = jwksHits;
    for (let i = 0; i < 5; i++) await verifier.verify(await sign({ jti: `j${i}` }));
    expect(counter.calls).toEqual(['/jwks']);
    expect(jwksHits - before).toBe(1);
  });

  it('reports an unreachable JWKS as VerificationUnavailableError, which Express answers 503', async () => {
    const verifier = new TokenVerifier({ issuer, jwt: { jwksUri: `http://127.0.0.1:${await freePort()}/jwks`, audience: AUDIENCE } });
    const error = await verifier.verify(await sign()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VerificationUnavailableError);
    expect(error).toMatchObject({ code: 'verification_unavailable', status: 503, expose: false });

    const app = testApp();
    app.get('/r', bearerAuth({ issuer, jwt: { audience: AUDIENCE }, verifier }), (_req, res) => {
      res.end('ok');
    });
    app.use(jsonErrors);
    const served = await serve(app);
    try {
      const response = await fetch(`${served.url}/r`, { headers: { authorization: `Bearer ${await sign()}` } });
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ code: 'verification_unavailable' });
    } finally {
      await served.close();
    }
  });

  it('refuses incomplete options', () => {
    expect(() => new TokenVerifier({})).toThrow('configure introspection, jwt, or both');
    expect(() => new TokenVerifier({ jwt: { audience: AUDIENCE } })).toThrow('jwt needs the issuer');
    expect(() => new TokenVerifier({ issuer, jwt: { audience: '' } })).toThrow('jwt needs an audience');
    expect(() => new TokenVerifier({ introspection: { clientId: 'a', clientSecret: 'b' } })).toThrow('needs an endpoint or an issuer');
    expect(() => new TokenVerifier({ issuer, introspection: { clientId: 'a', clientSecret: '' } })).toThrow('needs clientId and clientSecret');
  });
});
