import { describe, expect, it } from 'vitest';
import { DEVICE_CODE_GRANT_TYPE, deviceLogin, startDeviceAuthorization, TokenRequestError, type FetchLike } from '../src/index.js';

const STARTED = {
  device_code: 'dc', user_code: 'BCDF-GHJK', verification_uri: 'https://auth.example/device',
  verification_uri_complete: 'https://auth.example/device?user_code=BCDF-GHJK', expires_in: 600, interval: 5,
};

/** A server that answers the device authorization, then the polls in turn; records what it got and how long the agent waited. */
function server(polls: { status: number; body: object }[]) {
  const requests: { url: string; body: URLSearchParams; auth: string | null }[] = [];
  const waits: number[] = [];
  let now = 1_000_000;
  const fetch: FetchLike = async (input, init) => {
    const url = String(input);
    requests.push({ url, body: new URLSearchParams(String(init?.body ?? '')), auth: new Headers(init?.headers).get('authorization') });
    const answer = url.endsWith('/oauth/device_authorization') ? { status: 200, body: STARTED } : polls.shift()!;
    return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { 'Content-Type': 'application/json' } });
  };
  const sleep = async (ms: number) => {
    waits.push(ms);
    now += ms;
  };
  return { fetch, sleep, clock: () => now, requests, waits };
}

const pending = { status: 400, body: { error: 'authorization_pending', error_description: 'wait' } };

describe('device flow helper', () => {
  it('starts the flow, shows the code and polls at the interval, slowing down when told, until the tokens come', async () => {
    const s = server([pending, { status: 400, body: { error: 'slow_down', interval: 10 } }, pending, { status: 200, body: { access_token: 'at', token_type: 'Bearer', expires_in: 60, refresh_token: 'rt', scope: 'read' } }]);
    let shown = '';
    const tokens = await deviceLogin({ url: 'https://auth.example/', clientId: 'tv', scopes: ['read'], ...s, show: (code) => (shown = code.instructions) });
    expect(shown).toBe('To sign in, open https://auth.example/device and enter the code BCDF-GHJK\n(or open https://auth.example/device?user_code=BCDF-GHJK and check the code)');
    expect(tokens).toEqual({ accessToken: 'at', tokenType: 'Bearer', expiresIn: 60, refreshToken: 'rt', idToken: undefined, scopes: ['read'] });
    expect(s.waits).toEqual([5000, 5000, 10_000, 10_000]);
    expect(s.requests[0]).toMatchObject({ url: 'https://auth.example/oauth/device_authorization', auth: null });
    expect(Object.fromEntries(s.requests[0]!.body)).toEqual({ client_id: 'tv', scope: 'read' });
    expect(Object.fromEntries(s.requests[1]!.body)).toEqual({ client_id: 'tv', grant_type: DEVICE_CODE_GRANT_TYPE, device_code: 'dc' });
  });

  it('adds 5 seconds for a slow_down without an interval, and authenticates a confidential client with Basic', async () => {
    const s = server([{ status: 400, body: { error: 'slow_down' } }, { status: 200, body: { access_token: 'at', token_type: 'Bearer' } }]);
    const flow = await startDeviceAuthorization({ url: 'https://auth.example', clientId: 'agent', clientSecret: 'a b', ...s });
    await flow.poll();
    expect(s.waits).toEqual([5000, 10_000]);
    expect(s.requests.every((r) => r.auth === `Basic ${Buffer.from('agent:a+b').toString('base64')}`)).toBe(true);
    expect(s.requests[1]!.body.has('client_id')).toBe(false);
  });

  it('reports access_denied and other refusals as TokenRequestError', async () => {
    const s = server([pending, { status: 400, body: { error: 'access_denied', error_description: 'The user denied the request.' } }]);
    const flow = await startDeviceAuthorization({ url: 'https://auth.example', clientId: 'tv', ...s });
    const error = await flow.poll().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ status: 400, error: 'access_denied', errorDescription: 'The user denied the request.' });
  });

  it('gives up with expired_token once the code has run out, without polling past it', async () => {
    const s = server(Array.from({ length: 200 }, () => pending));
    const flow = await startDeviceAuthorization({ url: 'https://auth.example', clientId: 'tv', ...s });
    await expect(flow.poll()).rejects.toMatchObject({ error: 'expired_token' });
    expect(s.waits.reduce((a, b) => a + b, 0)).toBeLessThan(600_000);
    expect(s.requests.length).toBe(1 + s.waits.length);
  });
});
