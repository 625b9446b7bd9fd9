import { afterAll, describe, expect, it } from 'vitest';
import { ClientResolver, UnidentifiedClient } from '../../src/oauth/client-resolver.js';
import { RateLimiter } from '../../src/oauth/rate-limit.js';
import type { Outbound } from '../../src/outbound/fetch.js';
import { OutboundError } from '../../src/outbound/errors.js';
import { ConflictError, type Storage } from '../../src/storage/types.js';
import { backends } from '../support/databases.js';
import { freshStorage, withStore, withTransaction } from '../support/storage.js';

const ISSUER = 'https://tollgate.example';
const REDIRECT = 'https://agent.example/cb';

/** An outbound that serves documents from a map, counting fetches, or fails as told. */
function documents() {
  const served = new Map<string, unknown>();
  let failure: OutboundError | null = null;
  const fetched: string[] = [];
  const outbound: Outbound = {
    fetchJson: async (url) => {
      fetched.push(url);
      if (failure) throw failure;
      return { body: served.get(url) ?? {}, cacheControl: undefined };
    },
    postForm: async () => {},
  };
  return {
    outbound,
    fetched,
    publish(url: string, members: Record<string, unknown> = {}) {
      served.set(url, { client_id: url, client_name: 'Agent', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none', scope: 'openid read', ...members });
      return url;
    },
    failWith: (error: OutboundError | null) => (failure = error),
  };
}

/**
 * ClientResolver on its own: which client a metadata document URL names,
 * what it fetches and writes for it, and what it says when it cannot (the
 * flows through it are in client-metadata-document.test.ts).
 */
for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`client resolver on ${backend.name}`, () => {
    const storage = freshStorage(backend);
    const limiters: RateLimiter[] = [];
    afterAll(() => Promise.all(limiters.map((l) => l.close())));
    let n = 0;
    const nextUrl = () => `https://agent.example/clients/${++n}.json`;

    function resolverOver(store: Storage, docs: ReturnType<typeof documents>, fetchLimit = 1000) {
      const fetchesPerAddress = new RateLimiter(`metadata-fetch-${n}`, { limit: fetchLimit, windowSeconds: 3600 }, store.rateLimits, 60_000);
      limiters.push(fetchesPerAddress);
      return new ClientResolver({
        storage: store, issuer: ISSUER, metadataDocuments: true, outbound: docs.outbound, fetchesPerAddress,
        allowance: { grantTypes: ['authorization_code', 'refresh_token'], scopes: ['openid', 'read'] },
      });
    }

    const ready = async () => {
      for (const scope of ['openid', 'read']) await storage().scopes.upsert(scope, scope, Date.now());
    };

    it('makes the client on first use, with its audit entry, and writes nothing while its document is unchanged', async () => {
      await ready();
      const docs = documents();
      const url = docs.publish(nextUrl());
      let transactions = 0;
      const counting = withTransaction(storage(), (transaction) => (work) => (transactions++, transaction(work)));
      const resolver = resolverOver(counting, docs);
      const created = await resolver.resolve(url, '203.0.113.9');
      expect(created).toMatchObject({ id: url, name: 'Agent', status: 'active', registration: { kind: 'metadata_document', sourceAddress: '203.0.113.9' } });
      const entries = (await storage().audit.list({ targetId: url, limit: 10 })).items;
      expect(entries).toEqual([expect.objectContaining({
        action: 'client.register', actorType: 'anonymous', actorId: null, targetType: 'client', targetId: url, sourceAddress: '203.0.113.9',
        details: { name: 'Agent', kind: 'metadata_document', grant_types: ['authorization_code'], scope: 'openid read' },
      })]);
      expect(transactions).toBe(1);
      expect((await resolver.resolve(url, '203.0.113.9'))?.id).toBe(url);
      expect(transactions).toBe(1);
    });

    it('returns a revoked client as it is, fetching nothing', async () => {
      await ready();
      const docs = documents();
      const url = docs.publish(nextUrl());
      await resolverOver(storage(), docs).resolve(url, '203.0.113.9');
      await storage().clients.revoke(url, Date.now());
      const fresh = documents();
      fresh.publish(url, { client_name: 'Renamed' });
      expect(await resolverOver(storage(), fresh).resolve(url, '203.0.113.9')).toMatchObject({ id: url, name: 'Agent', status: 'revoked' });
      expect(fresh.fetched).toEqual([]);
    });

    it('says why a document names no client: not fetched, not valid, too many fetches', async () => {
      await ready();
      const docs = documents();
      const resolver = resolverOver(storage(), docs, 2);
      docs.failWith(new OutboundError('timeout', 'The server did not answer in time.', 'after 5000 ms'));
      await expect(resolver.resolve(nextUrl(), '198.51.100.1')).rejects.toEqual(expect.objectContaining({
        name: 'UnidentifiedClient', message: 'Its client metadata document could not be fetched: The server did not answer in time.', detail: 'timeout: after 5000 ms',
      }));
      docs.failWith(new OutboundError('not_json', 'The response is not valid JSON.'));
      await expect(resolver.resolve(nextUrl(), '198.51.100.1')).rejects.toMatchObject({ detail: 'not_json: The response is not valid JSON.' });
      docs.failWith(null);
      const invalid = nextUrl();
      docs.publish(invalid, { redirect_uris: 'not a list' });
      const error = await resolver.resolve(invalid, '198.51.100.2').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnidentifiedClient);
      expect((error as UnidentifiedClient).message).toMatch(/^Its client metadata document is not valid: .+/);
      expect((error as UnidentifiedClient).detail).toBe(`invalid document: ${(error as UnidentifiedClient).message.slice('Its client metadata document is not valid: '.length)}`);
      await expect(resolver.resolve(docs.publish(nextUrl()), '198.51.100.1')).rejects.toMatchObject({
        message: 'Too many client metadata documents were fetched for requests from your network; try again later.', detail: 'fetch limit', retryAfterSeconds: expect.any(Number),
      });
    });

    it('leaves a client revoked, or brought up to date, by another process between its reads as that process left it', async () => {
      await ready();
      const docs = documents();
      for (const revokedMeanwhile of [false, true]) {
        const url = docs.publish(nextUrl());
        const current = (await resolverOver(storage(), docs).resolve(url, '203.0.113.9'))!;
        if (revokedMeanwhile) {
          await storage().clients.revoke(url, Date.now());
          // A revoked row is not brought up to date, even when its document has changed.
          docs.publish(url, { client_name: 'Renamed' });
        }
        // This process still reads the row as it was before the document said "Agent".
        const stale = withStore(storage(), 'clients', { get: async (id: string) => (id === url ? { ...current, name: 'Old name', status: 'active' as const } : null) });
        const resolved = await resolverOver(stale, docs).resolve(url, '203.0.113.9');
        expect(resolved).toMatchObject({ id: url, name: 'Agent', status: revokedMeanwhile ? 'revoked' : 'active' });
        expect((await storage().audit.list({ targetId: url, action: 'client.update', limit: 10 })).items).toEqual([]);
      }
    });

    it('takes the row another process created first, and lets any other failure through', async () => {
      await ready();
      const docs = documents();
      const url = docs.publish(nextUrl());
      const theirs = (await resolverOver(storage(), docs).resolve(url, '203.0.113.9'))!;
      // Its first read finds no row (another process's insert not yet committed); after the conflict the row is read again.
      const unseen = (failure: Error) => {
        let reads = 0;
        const base = withStore(storage(), 'clients', { get: async (id: string) => (reads++ === 0 ? null : storage().clients.get(id)) });
        return withTransaction(base, () => async () => { throw failure; });
      };
      const raced = resolverOver(unseen(new ConflictError('A client with this id exists.', 'id')), docs);
      expect(await raced.resolve(url, '203.0.113.9')).toMatchObject({ id: theirs.id });
      await expect(resolverOver(unseen(new Error('disk full')), docs).resolve(url, '203.0.113.9')).rejects.toThrow('disk full');
    });
  });
}
