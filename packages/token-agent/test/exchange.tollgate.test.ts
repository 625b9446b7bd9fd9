import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenAgent, TokenRequestError } from '../src/index.js';
import { createTestUser } from '../../../apps/api/test/support/browser.js';
import { backends } from '../../../apps/api/test/support/databases.js';
import { basic, oauthTestApp, type OAuthTestApp } from '../../../apps/api/test/support/oauth-app.js';
import { freePort } from '../../../apps/api/test/support/process.js';

const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ORDERS = 'https://orders.example.test/';
const BILLING = 'https://billing.example.test/';

type Creds = { id: string; secret: string };

// Tollgate in this process (its app on a real port), so the agent speaks plain HTTP to it as to any server.
describe('TokenAgent.exchange against Tollgate', () => {
  let t: OAuthTestApp;
  let server: Server;
  let url: string;
  let app: Creds;
  let orders: Creds;
  let billing: Creds;

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    t = await oauthTestApp(backends[0]!, { ISSUER: url });
    for (const identifier of [ORDERS, BILLING]) {
      await t.storage.resources.create({ identifier, name: identifier, scopes: ['read'], tokenFormat: 'opaque', accessTokenTtl: null, signingAlg: 'ES256', isDefault: false }, Date.now());
    }
    await createTestUser(t.storage, { username: 'ada' });
    app = await t.client({ name: 'App', grantTypes: ['password'], scopes: ['read'] });
    orders = await t.client({ name: 'Orders', grantTypes: [EXCHANGE, 'client_credentials'], scopes: ['read'], resourceServer: true, resource: ORDERS });
    billing = await t.client({ name: 'Billing', grantTypes: [], scopes: [], resourceServer: true, resource: BILLING });
    server = createServer(t.app.handle);
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await t?.close();
  });

  const userToken = async () => (await t.http.post('/oauth/token').type('form').set('Authorization', basic(app.id, app.secret))
    .send(new URLSearchParams({ grant_type: 'password', username: 'ada', password: 'correct horse battery', resource: ORDERS }).toString())).body.access_token as string;
  const introspect = async (value: string) => (await t.http.post('/oauth/introspect').type('form').set('Authorization', basic(billing.id, billing.secret))
    .send(`token=${encodeURIComponent(value)}`)).body as Record<string, unknown>;

  it('exchanges a user\'s token for one for another API, naming itself as the actor', async () => {
    const agent = new TokenAgent({ issuer: url, clientId: orders.id, clientSecret: orders.secret, resource: ORDERS });
    const exchanged = await agent.exchange(await userToken(), { resource: BILLING, actor: 'self' });
    expect(exchanged.issuedTokenType).toBe('urn:ietf:params:oauth:token-type:access_token');
    expect(exchanged.scopes).toEqual(['read']);
    expect(await introspect(exchanged.accessToken)).toMatchObject({ active: true, aud: BILLING, client_id: orders.id, act: { sub: orders.id, client_id: orders.id } });

    const impersonated = await agent.exchange(await userToken(), { resource: BILLING });
    const seen = await introspect(impersonated.accessToken);
    expect(seen).toMatchObject({ active: true, aud: BILLING });
    expect(seen.act).toBeUndefined();
  });

  it('throws the server\'s error when the exchange is refused', async () => {
    const agent = new TokenAgent({ url, clientId: orders.id, clientSecret: orders.secret });
    const refused = await agent.exchange(await userToken(), { resource: BILLING, scope: 'read write' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TokenRequestError);
    expect((refused as TokenRequestError).error).toBe('invalid_scope');
  });

  it('hands out the fake token without a server', async () => {
    const agent = new TokenAgent({ fake: 'fake', clientId: 'x', clientSecret: 'y' });
    expect((await agent.exchange('anything')).accessToken).toBe('fake');
  });
});
