import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/http/metrics.js';
import { createLogger } from '../../src/logger.js';
import { ClientAuthGuard } from '../../src/oauth/endpoints/client-auth-guard.js';
import { InvalidClient, InvalidRequest, TooManyRequests } from '../../src/oauth/errors.js';
import type { OAuthRequest } from '../../src/oauth/http/oauth-request.js';
import type { RateDecision, RateLimiter } from '../../src/oauth/rate-limit.js';
import type { NewAuditEntry, Client, Storage } from '../../src/storage/types.js';

const CLIENT = { id: 'client-1' } as Client;

/** A guard over recording fakes: the limiter's answer is `decision`; what it records, logs and audits is kept. */
function guarded(decision: RateDecision = { allowed: true }) {
  const checked: string[] = [];
  const recorded: string[] = [];
  const limiter = { check: (key: string) => (checked.push(key), decision), record: (key: string) => void recorded.push(key) } as unknown as RateLimiter;
  const audit: NewAuditEntry[] = [];
  const storage = { audit: { append: async (entry: NewAuditEntry) => void audit.push(entry) } } as unknown as Storage;
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({ write(chunk, _encoding, done) { lines.push(...String(chunk).split('\n').filter(Boolean).map((l) => JSON.parse(l))); done(); } });
  const metrics = createMetrics();
  const guard = new ClientAuthGuard(limiter, storage, metrics, createLogger('info', sink));
  const req = { requestId: 'req-7', sourceAddress: '2001:db8:1:2:3:4:5:6', headers: {}, params: new Map(), resources: [] } satisfies OAuthRequest;
  const failures = async () => (await metrics.authFailures.get()).values.map((v) => ({ labels: v.labels, value: v.value }));
  const logged = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    return lines.map(({ level, requestId, sourceAddress, reason, msg }) => ({ level, requestId, sourceAddress, reason, msg }));
  };
  return { guard, req, checked, recorded, audit, failures, logged };
}

describe('ClientAuthGuard', () => {
  it('passes a client through, counting nothing', async () => {
    const g = guarded();
    expect(await g.guard.run(g.req, async () => CLIENT)).toBe(CLIENT);
    expect(g.checked).toEqual(['2001:db8:1:2::/64']);
    expect({ recorded: g.recorded, audit: g.audit, failures: await g.failures(), logged: await g.logged() }).toEqual({ recorded: [], audit: [], failures: [], logged: [] });
  });

  it('counts, logs and audits a failed authentication under the address\'s bucket, then rethrows it', async () => {
    const g = guarded();
    const failure = new InvalidClient('Client authentication failed.', { detail: 'wrong secret', clientId: 'client-1' });
    await expect(g.guard.run(g.req, async () => { throw failure; })).rejects.toBe(failure);
    expect(g.recorded).toEqual(['2001:db8:1:2::/64']);
    expect(await g.failures()).toEqual([{ labels: { kind: 'client' }, value: 1 }]);
    expect(await g.logged()).toEqual([{ level: 40, requestId: 'req-7', sourceAddress: '2001:db8:1:2:3:4:5:6', reason: 'wrong secret', msg: 'client authentication failed' }]);
    expect(g.audit).toEqual([{
      at: expect.any(Number), actorType: 'anonymous', actorId: null, action: 'client.authentication_failed',
      targetType: 'client', targetId: 'client-1', sourceAddress: '2001:db8:1:2:3:4:5:6', details: { reason: 'wrong secret' },
    }]);
  });

  it('keeps no id for an unknown client, and an unknown reason for a failure without detail', async () => {
    const g = guarded();
    await expect(g.guard.run(g.req, async () => { throw new InvalidClient('Unknown client.', { detail: 'unknown client', clientId: 'tg_cs_pasted' }); })).rejects.toThrow(InvalidClient);
    await expect(g.guard.run(g.req, async () => { throw new InvalidClient('Client authentication is required.'); })).rejects.toThrow(InvalidClient);
    expect(g.audit.map(({ targetId, details }) => ({ targetId, details }))).toEqual([
      { targetId: null, details: { reason: 'unknown client' } },
      { targetId: null, details: { reason: 'unknown' } },
    ]);
  });

  it('rethrows any other error without counting it as a failed authentication', async () => {
    const g = guarded();
    const malformed = new InvalidRequest('Use one client authentication method.');
    await expect(g.guard.run(g.req, async () => { throw malformed; })).rejects.toBe(malformed);
    expect({ recorded: g.recorded, audit: g.audit, failures: await g.failures(), logged: await g.logged() }).toEqual({ recorded: [], audit: [], failures: [], logged: [] });
  });

  it('refuses an address over the limit with 429 and Retry-After, without trying to authenticate', async () => {
    const g = guarded({ allowed: false, retryAfterSeconds: 41.2 });
    let tried = false;
    const refused = await g.guard.run(g.req, async () => { tried = true; return CLIENT; }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TooManyRequests);
    const { status, body, headers } = refused as TooManyRequests;
    expect({ status, body, headers }).toEqual({
      status: 429, body: { error: 'invalid_request', error_description: 'Too many failed client authentications from this address; retry later.' }, headers: { 'Retry-After': '42' },
    });
    expect({ tried, recorded: g.recorded, audit: g.audit }).toEqual({ tried: false, recorded: [], audit: [] });
  });
});
