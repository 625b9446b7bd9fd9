import { describe, expect, it } from 'vitest';
import { AuthorizationPending, DpopChallenge, ExpiredToken, MethodNotAllowed, ServerError, SlowDown, TooManyRequests } from '../../src/oauth/errors.js';

/** The error classes whose answers carry more than a code and a description. */
describe('OAuth errors', () => {
  it('answers a wrong method with 405 and the methods allowed', () => {
    const error = new MethodNotAllowed('POST');
    expect({ status: error.status, headers: error.headers, body: error.body }).toEqual({
      status: 405, headers: { Allow: 'POST' }, body: { error: 'invalid_request', error_description: 'Use POST for this endpoint.' },
    });
  });

  it('puts a DPoP challenge\'s description into its header without quotes or backslashes, and the nonce beside it', () => {
    const error = new DpopChallenge('use_dpop_nonce', 'Say "please" \\ now.', { realm: 'api', algs: ['ES256', 'EdDSA'], nonce: 'n-1' });
    expect(error.status).toBe(401);
    expect(error.headers).toEqual({
      'WWW-Authenticate': 'DPoP realm="api", error="use_dpop_nonce", error_description="Say please  now.", algs="ES256 EdDSA"',
      'DPoP-Nonce': 'n-1',
    });
    expect(error.body).toEqual({ error: 'use_dpop_nonce', error_description: 'Say "please" \\ now.' });
    expect(new DpopChallenge('invalid_token', 'No.', { realm: 'api', algs: ['ES256'], nonce: null }).headers).not.toHaveProperty('DPoP-Nonce');
  });

  it('asks a client over its limit to wait a whole number of seconds, at least one', () => {
    expect(new TooManyRequests('Slow down.', 0.2).headers).toEqual({ 'Retry-After': '1' });
    expect(new TooManyRequests('Slow down.', 30.5).headers).toEqual({ 'Retry-After': '31' });
    expect(new TooManyRequests('Slow down.', 30.5).status).toBe(429);
  });

  it('answers a device still polling with RFC 8628\'s codes, and slow_down with the new interval', () => {
    expect(new AuthorizationPending('Not yet.').body).toEqual({ error: 'authorization_pending', error_description: 'Not yet.' });
    expect(new ExpiredToken('Gone.').body).toEqual({ error: 'expired_token', error_description: 'Gone.' });
    expect(new SlowDown(10).body).toEqual({ error: 'slow_down', error_description: 'Polling too fast: wait at least 10 seconds between requests.', interval: 10 });
  });

  it('answers what the server could not finish as server_error, 500', () => {
    const error = new ServerError('The sign-in could not be completed.');
    expect({ status: error.status, body: error.body }).toEqual({ status: 500, body: { error: 'server_error', error_description: 'The sign-in could not be completed.' } });
  });
});
