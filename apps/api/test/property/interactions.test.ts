import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomId } from '../../src/crypto/random.js';
import { TokenIssuer } from '../../src/oauth/tokens/issue.js';
import type { AuthorizationRequest } from '../../src/storage/types.js';
import { adminTestApp, type AdminTestApp } from '../support/admin.js';
import { backends } from '../support/databases.js';
import { digester, expand, expectNoServerError, headerSafe, junk, NUM_RUNS, refusedByNode, sometimesHuge, unstorable, Unchanged, wellFormed, type Digester } from './support.js';

/**
 * The login and consent app's operations (`/admin/api/interactions/…`, issue 22)
 * under generated requests: never a 5xx, always `{ error, error_description,
 * fields? }` on a refusal, and a refusal changes nothing.
 */
for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`generated requests to the interactions API on ${backend.name}`, () => {
    let t: AdminTestApp;
    let db: Digester;
    let unchanged: Unchanged;
    let appToken: string;
    const challenges: string[] = [];

    beforeAll(async () => {
      t = await adminTestApp(backend, { LOGIN_URL: 'https://login.example.test/login' });
      const app = await t.client({ name: 'login app', grantTypes: ['client_credentials'], scopes: [] });
      const client = (await t.storage.clients.get(app.id))!;
      appToken = (await new TokenIssuer(t.storage, t.config.lifetimes, t.metrics).issueAccessToken({
        client, userId: null, scopes: ['oauth-interactions'], grantType: 'client_credentials', sourceAddress: '127.0.0.1', dpopJkt: null,
      })).access_token;
      const rp = await t.client({ name: 'rp', grantTypes: ['authorization_code'], scopes: ['openid', 'profile'], redirectUris: ['https://rp.example.test/cb'] });
      const request: AuthorizationRequest = {
        clientId: rp.id, redirectUri: 'https://rp.example.test/cb', redirectUriSent: true, scopes: ['openid', 'profile'], state: 's', nonce: null,
        codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', codeChallengeMethod: 'S256', prompt: [], maxAge: null, loginHint: null, idTokenHintSubject: null,
      };
      const now = Date.now();
      // Open at the login step, open at the consent step, completed, expired, open at the login step of a prompt=login, max_age=60 request.
      for (const expiresAt of [now + 3_600_000, now + 3_600_000, now + 3_600_000, now + 1, now + 3_600_000]) {
        const id = randomId();
        const fresh: Partial<AuthorizationRequest> = challenges.length === 4 ? { prompt: ['login'], maxAge: 60 } : {};
        await t.storage.interactions.create({ id, browserHash: 'h', request: { ...request, ...fresh }, createdAt: now, expiresAt });
        challenges.push(id);
      }
      await t.storage.externalAccounts.link('someone', now);
      await t.storage.interactions.decide(challenges[1]!, null, { login: { subject: 'someone', authTime: now, amr: [], remember: false } }, now);
      await t.storage.interactions.complete(challenges[2]!, now);
      db = await digester(t.config.database);
      unchanged = new Unchanged(db);
    });
    afterAll(async () => {
      await db?.close();
      await t?.close();
    });

    const value: fc.Arbitrary<unknown> = fc.oneof(
      { weight: 3, arbitrary: sometimesHuge(junk) },
      { weight: 2, arbitrary: fc.constantFrom('someone', 'alice', 'openid', 'profile', 'offline_access', 'oauth-admin', 'access_denied', 'server_error', 'login_required', 'pwd', '') },
      { weight: 1, arbitrary: fc.constantFrom(true, false, null, 0, -1, 1e30, Date.now(), Date.now() - 61_000, Date.now() + 86_400_000, 0.5) },
      { weight: 1, arbitrary: fc.array(fc.oneof(junk, fc.constantFrom('openid', 'profile', 'pwd')), { maxLength: 12 }) },
      { weight: 1, arbitrary: fc.dictionary(fc.oneof(junk, fc.constantFrom('sub', 'name', 'email', '__proto__', 'iss')), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }) },
      { weight: 1, arbitrary: unstorable },
    );
    const body = fc.dictionary(
      fc.oneof({ weight: 6, arbitrary: fc.constantFrom('subject', 'authTime', 'amr', 'remember', 'scopes', 'claims', 'error', 'description') }, { weight: 1, arbitrary: junk }),
      value, { maxKeys: 5 },
    );
    const operations = ['', '/accept-login', '/accept-consent', '/reject', '/explode'];

    it('never a 5xx, always an error body on a refusal, and a refusal changes nothing', async () => {
      await unchanged.baseline();
      await fc.assert(fc.asyncProperty(
        fc.oneof({ weight: 6, arbitrary: fc.constantFrom(0, 1, 2, 3, 4) }, { weight: 1, arbitrary: fc.constant(-1) }),
        fc.oneof(junk, unstorable), fc.constantFrom(...operations), fc.constantFrom('get', 'put', 'post', 'delete'),
        fc.oneof({ weight: 8, arbitrary: fc.constant('app') }, { weight: 1, arbitrary: fc.constantFrom('admin', 'none', 'junk') }),
        fc.oneof({ weight: 6, arbitrary: body.map((b) => JSON.stringify(b)) }, { weight: 1, arbitrary: fc.constantFrom('{', '[]', 'null', '"x"') }),
        fc.boolean(), headerSafe(junk),
        async (pick, junkChallenge, operation, method, who, json, asJson, junkToken) => {
          const challenge = pick === -1 ? junkChallenge : challenges[pick]!;
          const path = `/admin/api/interactions/${encodeURIComponent(wellFormed(challenge))}${operation}`;
          const test = t.http[method as 'get'](path);
          if (who !== 'none') test.set('Authorization', `Bearer ${who === 'app' ? appToken : who === 'admin' ? t.adminToken : junkToken || 'x'}`);
          if (method !== 'get') test.set('Content-Type', asJson ? 'application/json' : 'text/plain').send(expand(json));
          const res = await test;
          const what = `${method.toUpperCase()} ${path} ${json.slice(0, 200)}`;
          expectNoServerError(res, what);
          if (refusedByNode(res)) return;
          if (res.status >= 400) {
            // A request with no bearer token at all gets a bare challenge, no error code (RFC 6750 §3.1).
            if (!(res.status === 401 && who === 'none')) expect(typeof res.body.error, `${what}: ${res.text}`).toBe('string');
            expect(typeof res.body.error_description, `${what}: ${res.text}`).toBe('string');
            expect(Object.keys(res.body).filter((k) => !['error', 'error_description', 'fields', 'scope'].includes(k)), what).toEqual([]);
            if (res.status === 400 && res.body.fields) expect(Object.values(res.body.fields).every((m) => typeof m === 'string'), what).toBe(true);
          }
          await unchanged.check(res.status >= 400, what);
        },
      ), { numRuns: NUM_RUNS ?? 150 });
    });
  });
}
