import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createTestUser } from '../support/browser.js';
import { backends } from '../support/databases.js';
import { basic, oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';
import {
  bodyStrings, contentTypes, digester, encodeBody, expectNoServerError, expectOAuthError, expectRefusedIfUnstorable, junk, mutated,
  NUM_RUNS, refusedByNode, send, Unchanged, wellFormed, type Digester,
} from './support.js';

const TOKEN_ERRORS = ['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope', 'invalid_target'];
const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const TYPE = 'urn:ietf:params:oauth:token-type:';
const ORDERS = 'https://orders.example.test/';
const BILLING = 'https://billing.example.test/';
const PASSWORD = 'correct horse battery';
const PARAMS = [
  'grant_type', 'subject_token', 'subject_token_type', 'actor_token', 'actor_token_type', 'requested_token_type', 'audience', 'resource', 'scope',
  'username', 'password', 'client_id',
];

type Pairs = [string, string][];

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`generated token exchange and password grant requests on ${backend.name}`, { timeout: 120_000 }, () => {
    let t: OAuthTestApp;
    let db: Digester;
    let unchanged: Unchanged;
    let callers: fc.Arbitrary<{ id: string; secret: string }>;
    let templates: fc.Arbitrary<Pairs>;
    let good: fc.Arbitrary<string>;

    beforeAll(async () => {
      t = await oauthTestApp(backend, { LOGIN_FAILURE_LIMIT: 'off', LOGIN_ADDRESS_FAILURE_LIMIT: 'off' });
      await t.storage.resources.create({ identifier: ORDERS, name: 'Orders', scopes: ['read', 'write'], tokenFormat: 'opaque', accessTokenTtl: null, signingAlg: 'ES256', isDefault: false }, Date.now());
      await t.storage.resources.create({ identifier: BILLING, name: 'Billing', scopes: ['read'], tokenFormat: 'jwt', accessTokenTtl: null, signingAlg: 'ES256', isDefault: false }, Date.now());
      const legacy = await t.client({ name: 'legacy', grantTypes: ['password', 'refresh_token', EXCHANGE], scopes: ['openid', 'read', 'write'] });
      const service = await t.client({ name: 'service', grantTypes: [EXCHANGE, 'client_credentials'], scopes: ['read', 'write'], resourceServer: true, resource: ORDERS });
      const delegate = await t.client({ name: 'delegate', grantTypes: [EXCHANGE], scopes: ['read'], tokenExchange: { subjectClients: [legacy.id], impersonation: false } });
      const machine = await t.client({ name: 'machine' });
      await createTestUser(t.storage, { username: 'ada' });
      const form = (client: { id: string; secret: string }, body: Record<string, string>) => t.http.post('/oauth/token').type('form')
        .set('Authorization', basic(client.id, client.secret)).send(new URLSearchParams(body).toString());
      const signedIn = (await form(legacy, { grant_type: 'password', username: 'ada', password: PASSWORD, scope: 'openid read', resource: ORDERS })).body as Record<string, string>;
      const serviceToken = (await form(service, { grant_type: 'client_credentials', scope: 'read' })).body.access_token as string;
      const machineToken = (await form(machine, { grant_type: 'client_credentials' })).body.access_token as string;
      const tokens = [signedIn.access_token!, signedIn.refresh_token!, signedIn.id_token!, serviceToken, machineToken];

      callers = fc.constantFrom(legacy, service, delegate, machine, { id: legacy.id, secret: 'wrong' });
      good = fc.constantFrom(
        ...tokens, EXCHANGE, 'password', 'refresh_token', `${TYPE}access_token`, `${TYPE}refresh_token`, `${TYPE}id_token`, `${TYPE}jwt`, `${TYPE}saml2`, 'access_token',
        'urn:x', ORDERS, BILLING, 'https://unknown.example.test/', 'read', 'read write', 'openid', 'ada', 'ADA', 'nobody', PASSWORD, 'wrong', legacy.id, `${tokens[0]}x`,
      );
      const exchange = (subject: string, type: string): Pairs => [['grant_type', EXCHANGE], ['subject_token', subject], ['subject_token_type', type]];
      templates = fc.oneof(
        fc.constantFrom<Pairs>(
          exchange(signedIn.access_token!, `${TYPE}access_token`), [...exchange(signedIn.access_token!, `${TYPE}access_token`), ['resource', BILLING]],
          [...exchange(signedIn.access_token!, `${TYPE}access_token`), ['actor_token', serviceToken], ['actor_token_type', `${TYPE}access_token`], ['audience', BILLING]],
          [...exchange(signedIn.refresh_token!, `${TYPE}refresh_token`), ['scope', 'read']], exchange(signedIn.id_token!, `${TYPE}id_token`),
          [...exchange(machineToken, `${TYPE}access_token`), ['requested_token_type', `${TYPE}jwt`], ['resource', BILLING]],
        ),
        fc.constantFrom<Pairs>(
          [['grant_type', 'password'], ['username', 'ada'], ['password', PASSWORD]], [['grant_type', 'password'], ['username', 'ada'], ['password', 'wrong']],
          [['grant_type', 'password'], ['username', 'ada'], ['password', PASSWORD], ['scope', 'read'], ['resource', ORDERS]],
        ),
      );
      db = await digester(t.config.database);
      unchanged = new Unchanged(db);
    });
    afterAll(async () => {
      await db?.close();
      await t?.close();
    });

    const style = fc.constantFrom('form', 'form', 'form', 'raw', 'json');
    const contentType = fc.oneof({ weight: 8, arbitrary: fc.constant('matching') }, { weight: 1, arbitrary: contentTypes });

    it('/oauth/token: never a 5xx, always an RFC 6749 error body, and a refusal changes nothing', async () => {
      await unchanged.baseline();
      await fc.assert(fc.asyncProperty(callers, mutated(templates, PARAMS, fc.oneof({ weight: 4, arbitrary: good }, { weight: 1, arbitrary: junk })), style, contentType,
        async (caller, pairs, bodyStyle, type) => {
          const body = encodeBody(pairs, bodyStyle as 'form');
          if (type === 'matching') type = bodyStyle === 'json' ? 'application/json' : 'application/x-www-form-urlencoded';
          const res = await send(t.http.post('/oauth/token').set('Authorization', basic(wellFormed(caller.id), wellFormed(caller.secret))), type, body);
          const what = `[${type}] ${caller.id} ${body.slice(0, 400)}`;
          expectNoServerError(res, what);
          expectRefusedIfUnstorable(res, what, bodyStrings(type, body));
          if (res.status >= 400 && !refusedByNode(res)) expectOAuthError(res, what, res.status === 401 ? ['invalid_client'] : TOKEN_ERRORS);
          await unchanged.check(res.status >= 400, what);
        },
      ), { numRuns: NUM_RUNS ?? 150 });
    });
  });
}
