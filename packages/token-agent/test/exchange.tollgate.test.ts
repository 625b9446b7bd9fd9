import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenAgent, TokenRequestError } from '../src/index.js';
import { basic, startTollgate, type CreatedClient, type Tollgate } from './support/tollgate.js';

const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ORDERS = 'https://orders.example.test/';
const BILLING = 'https://billing.example.test/';

describe('TokenAgent.exchange against a running Tollgate', () => {
  let tollgate: Tollgate;
  let app: CreatedClient;
  let orders: CreatedClient;
  let billing: CreatedClient;

  beforeAll(async () => {
    tollgate = await startTollgate();
    await tollgate.createScope('read');
    await tollgate.createResource(ORDERS, { scopes: 'read' });
    await tollgate.createResource(BILLING, { scopes: 'read' });
    await tollgate.cli('users', 'create', '--username', 'ada', '--password', 'correct horse battery');
    app = await tollgate.createClient('--name', 'App', '--grant-types', 'password', '--scopes', 'read');
    orders = await tollgate.createClient('--name', 'Orders', '--grant-types', `${EXCHANGE},client_credentials`, '--scopes', 'read', '--resource', ORDERS);
    billing = await tollgate.createClient('--name', 'Billing', '--grant-types', '', '--resource', BILLING);
  }, 240_000);
  afterAll(() => tollgate?.stop());

  const userToken = async () => {
    const response = await fetch(`${tollgate.url}/oauth/token`, {
      method: 'POST', headers: { authorization: basic(app), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', username: 'ada', password: 'correct horse battery', resource: ORDERS }).toString(),
    });
    return ((await response.json()) as { access_token: string }).access_token;
  };

  it('exchanges a user\'s token for one for another API, naming itself as the actor', async () => {
    const agent = new TokenAgent({ issuer: tollgate.url, clientId: orders.client_id, clientSecret: orders.client_secret, resource: ORDERS });
    const exchanged = await agent.exchange(await userToken(), { resource: BILLING, actor: 'self' });
    expect(exchanged.issuedTokenType).toBe('urn:ietf:params:oauth:token-type:access_token');
    expect(exchanged.scopes).toEqual(['read']);
    const seen = await tollgate.introspect(billing, exchanged.accessToken);
    expect(seen).toMatchObject({ active: true, aud: BILLING, client_id: orders.client_id, act: { sub: orders.client_id, client_id: orders.client_id } });

    const impersonated = await agent.exchange(await userToken(), { resource: BILLING });
    expect((await tollgate.introspect(billing, impersonated.accessToken)).act).toBeUndefined();
  });

  it('throws the server\'s error when the exchange is refused', async () => {
    const agent = new TokenAgent({ url: tollgate.url, clientId: orders.client_id, clientSecret: orders.client_secret });
    const refused = await agent.exchange(await userToken(), { resource: BILLING, scope: 'read write' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TokenRequestError);
    expect((refused as TokenRequestError).error).toBe('invalid_scope');
  });

  it('hands out the fake token without a server', async () => {
    const agent = new TokenAgent({ fake: 'fake', clientId: 'x', clientSecret: 'y' });
    expect((await agent.exchange('anything')).accessToken).toBe('fake');
  });
});
