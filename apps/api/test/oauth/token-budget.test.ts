import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../src/app.js';
import { createMetrics } from '../../src/http/metrics.js';
import { createLogger } from '../../src/logger.js';
import { TokenBudget } from '../../src/oauth/endpoints/token-budget.js';
import { AuthorizationPending, InvalidGrant, SlowDown } from '../../src/oauth/errors.js';
import type { OAuthRequest } from '../../src/oauth/http/oauth-request.js';
import type { RateLimiter } from '../../src/oauth/rate-limit.js';
import { openStorage } from '../../src/storage/sql/index.js';
import type { Client } from '../../src/storage/types.js';
import { backends } from '../support/databases.js';
import { createTestUser, decide, newBrowser, pkcePair, redirectParams, signIn, startAuthorization } from '../support/browser.js';
import { basic, oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';
import { withStore } from '../support/storage.js';

const FORM = 'application/x-www-form-urlencoded';
const REDIRECT = 'http://127.0.0.1/cb';
const ATTACKER = '203.0.113.9';
const USER_ADDRESS = '198.51.100.1';
const INVALID_REFRESH = { error: 'invalid_grant', error_description: 'The refresh token is invalid, expired or revoked.' };
const CLIENT_OVER = { error: 'invalid_request', error_description: 'Too many token requests for this client; retry later.' };
const ADDRESS_OVER = { error: 'invalid_request', error_description: 'Too many failed token requests from this address; retry later.' };

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`who pays for a token request, on ${backend.name}`, () => {
    let t: OAuthTestApp;
    beforeAll(async () => {
      // Day-long windows, so no window starts anew mid-test; a trusted proxy, so each request can come from its own address.
      t = await oauthTestApp(backend, { TOKEN_RATE_LIMIT: '3/1d', PUBLIC_CLIENT_FAILURE_LIMIT: '5/1d', TRUST_PROXY: 'loopback' });
      await createTestUser(t.storage, { username: 'ada' });
    });
    afterAll(() => t?.close());

    const tokenFrom = (address: string, body: Record<string, string>, auth?: string) => {
      const req = t.http.post('/oauth/token').type(FORM).set('X-Forwarded-For', address);
      return (auth ? req.set('Authorization', auth) : req).send(new URLSearchParams(body).toString());
    };
    const publicClient = () => t.client({
      tokenEndpointAuthMethod: 'none', grantTypes: ['authorization_code', 'refresh_token'], redirectUris: [REDIRECT], scopes: ['openid', 'read'],
    });

    async function authorize(clientId: string) {
      const browser = newBrowser(t);
      const { verifier, challenge } = pkcePair();
      const interaction = await startAuthorization(browser, {
        client_id: clientId, redirect_uri: REDIRECT, scope: 'openid read', code_challenge: challenge, code_challenge_method: 'S256',
      });
      await signIn(browser, interaction, 'ada');
      const allowed = await decide(browser, interaction, 'allow');
      return { code: redirectParams(allowed.headers.location!).get('code')!, verifier };
    }

    it('spends a public client\'s budget only on grants that succeed, and counts junk against its address (SECURITY 40)', async () => {
      const spa = await publicClient();
      const junk = () => tokenFrom(ATTACKER, { grant_type: 'refresh_token', refresh_token: 'junk', client_id: spa.id });
      for (let i = 0; i < 5; i++) expect((await junk().expect(400)).body).toEqual(INVALID_REFRESH);
      const limited = await junk().expect(429);
      expect(limited.body).toEqual(ADDRESS_OVER);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // Only public clients are limited there: a confidential client proves itself with its secret.
      const machine = await t.client();
      await tokenFrom(ATTACKER, { grant_type: 'client_credentials' }, basic(machine.id, machine.secret)).expect(200);

      // The client's budget is whole: its user redeems a code from another address.
      const { code, verifier } = await authorize(spa.id);
      const redeemed = await tokenFrom(USER_ADDRESS, { grant_type: 'authorization_code', client_id: spa.id, code, redirect_uri: REDIRECT, code_verifier: verifier });
      expect(redeemed.status, redeemed.text).toBe(200);

      // Real requests still spend it: two refreshes fill it, and the next is refused before its grant is tried.
      let refreshToken = redeemed.body.refresh_token as string;
      for (let i = 0; i < 2; i++) {
        refreshToken = (await tokenFrom(USER_ADDRESS, { grant_type: 'refresh_token', client_id: spa.id, refresh_token: refreshToken }).expect(200)).body.refresh_token;
      }
      const over = await tokenFrom(USER_ADDRESS, { grant_type: 'refresh_token', client_id: spa.id, refresh_token: refreshToken }).expect(429);
      expect(over.body).toEqual(CLIENT_OVER);
    });

    it('shares, as a process stops, what it counted since its last sync: a restart is no fresh budget', async () => {
      const job = await t.client({ name: 'Restarted job' });
      const storage = await openStorage(t.config.database);
      const stopping = createApp({ config: t.config, storage, logger: createLogger('silent'), metrics: createMetrics() });
      const issue = () => request(stopping.handle).post('/oauth/token').type(FORM).set('Authorization', basic(job.id, job.secret)).send('grant_type=client_credentials');
      // Two of its three, then stopped (counts are shared every 250 ms: these two most likely not yet).
      await issue().expect(200);
      await issue().expect(200);
      await stopping.close();
      await storage.close();
      // The third, here; this process learns the shared total (the other's two and its one) at its next sync.
      await tokenFrom(USER_ADDRESS, { grant_type: 'client_credentials' }, basic(job.id, job.secret)).expect(200);
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect((await tokenFrom(USER_ADDRESS, { grant_type: 'client_credentials' }, basic(job.id, job.secret)).expect(429)).body).toEqual(CLIENT_OVER);
    });

    it('logs a sync of its counts that failed, and goes on deciding with the counts it holds', async () => {
      let failing = true;
      const broken = await oauthTestApp(backend, { TOKEN_RATE_LIMIT: '3/1d', LOG_LEVEL: 'info' }, (_config, storage) => ({
        storage: withStore(storage, 'rateLimits', {
          addMany: async (entries) => {
            if (failing && entries.length > 0) throw new Error('database unavailable');
            return storage.rateLimits.addMany(entries);
          },
        }),
      }));
      try {
        const job = await broken.client();
        const issue = () => broken.http.post('/oauth/token').type(FORM).set('Authorization', basic(job.id, job.secret)).send('grant_type=client_credentials');
        await issue().expect(200);
        await new Promise((resolve) => setTimeout(resolve, 600));
        expect(broken.logs.find((line) => line.msg === 'rate limit sync failed')).toMatchObject({ level: 50, err: { message: 'database unavailable' } });
        await issue().expect(200);
        await issue().expect(200);
        expect((await issue().expect(429)).body).toEqual(CLIENT_OVER);
      } finally {
        failing = false;
        await broken.close();
      }
    });

    it('lets a confidential client pay for its own failed grants, not its address', async () => {
      const address = '192.0.2.7';
      const confidentialApp = () => t.client({ grantTypes: ['client_credentials', 'authorization_code', 'refresh_token'], redirectUris: ['https://app.example/cb'] });
      for (const app of [await confidentialApp(), await confidentialApp()]) {
        const auth = basic(app.id, app.secret);
        for (let i = 0; i < 3; i++) expect((await tokenFrom(address, { grant_type: 'refresh_token', refresh_token: 'junk' }, auth).expect(400)).body).toEqual(INVALID_REFRESH);
        expect((await tokenFrom(address, { grant_type: 'client_credentials' }, auth).expect(429)).body).toEqual(CLIENT_OVER);
      }
      // Six failures from that address, none of them counted against its public clients' allowance of five.
      const spa = await publicClient();
      expect((await tokenFrom(address, { grant_type: 'refresh_token', refresh_token: 'junk', client_id: spa.id }).expect(400)).body).toEqual(INVALID_REFRESH);
    });
  });
}

describe('what a public client\'s failed grant counts against', () => {
  const limiter = () => ({ check: vi.fn(() => ({ allowed: true })), consume: vi.fn(() => ({ allowed: true })), record: vi.fn() });
  const publicClient = { id: 'tv', tokenEndpointAuthMethod: 'none' } as Client;
  const req = { sourceAddress: ATTACKER } as OAuthRequest;

  async function outcome(failure: Error) {
    const perClient = limiter();
    const perAddress = limiter();
    const budget = new TokenBudget(perClient as unknown as RateLimiter, perAddress as unknown as RateLimiter);
    await expect(budget.spend(publicClient, req, () => Promise.reject(failure))).rejects.toBe(failure);
    expect(perClient.record).not.toHaveBeenCalled();
    return perAddress.record.mock.calls.length;
  }

  it('counts a refused grant against the address', async () => {
    expect(await outcome(new InvalidGrant('no'))).toBe(1);
  });

  it('does not count a device still waiting for its user (RFC 8628 §3.5), nor one told to slow down: it holds a real device code', async () => {
    expect(await outcome(new AuthorizationPending('waiting'))).toBe(0);
    expect(await outcome(new SlowDown(10))).toBe(0);
  });

  it('does not count the server\'s own failure against the client\'s address', async () => {
    expect(await outcome(new Error('database unreachable'))).toBe(0);
  });
});
