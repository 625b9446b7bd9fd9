import { describe, expect, it } from 'vitest';
import type { Storage } from '../types.js';
import { aClient, unique } from './fixtures.js';

export function describePushedRequestStore(storage: () => Storage) {
  describe('PushedRequestStore', () => {
    async function aPushedRequest(expiresAt = 61_000) {
      const client = aClient();
      await storage().clients.create(client, 1000);
      const request = { uriHash: unique('uri'), clientId: client.id, parameters: 'response_type=code&scope=read&client_id=x', createdAt: 1000, expiresAt };
      await storage().pushedRequests.create(request);
      return request;
    }

    it('gives a request once, to its own client, before it expires', async () => {
      const request = await aPushedRequest();
      expect(await storage().pushedRequests.consume(request.uriHash, 'someone-else', 2000)).toBeNull();
      expect(await storage().pushedRequests.consume(request.uriHash, request.clientId, 2000)).toEqual({ ...request, consumedAt: 2000 });
      expect(await storage().pushedRequests.consume(request.uriHash, request.clientId, 2001)).toBeNull();
      expect(await storage().pushedRequests.consume(unique('uri'), request.clientId, 2000)).toBeNull();
    });

    it('refuses an expired request', async () => {
      const request = await aPushedRequest(5000);
      expect(await storage().pushedRequests.consume(request.uriHash, request.clientId, 5000)).toBeNull();
    });

    it('lets exactly one of many concurrent uses win', async () => {
      const request = await aPushedRequest();
      const results = await Promise.all(Array.from({ length: 20 }, () => storage().pushedRequests.consume(request.uriHash, request.clientId, 2000)));
      expect(results.filter((r) => r !== null)).toHaveLength(1);
    });

    it('purges expired requests in bounded batches and keeps live ones', async () => {
      const old = [await aPushedRequest(10), await aPushedRequest(10)];
      const live = await aPushedRequest(9_000_000_000_000);
      expect(await storage().pushedRequests.purgeExpired(11, 1)).toBe(1);
      await storage().pushedRequests.purgeExpired(11, 100);
      for (const request of old) expect(await storage().pushedRequests.consume(request.uriHash, request.clientId, 5)).toBeNull();
      expect(await storage().pushedRequests.consume(live.uriHash, live.clientId, 5)).not.toBeNull();
    });

    it('goes with its client when the client is deleted', async () => {
      const request = await aPushedRequest();
      await storage().clients.revoke(request.clientId, 1500);
      expect(await storage().clients.delete(request.clientId)).toBe(true);
      expect(await storage().pushedRequests.consume(request.uriHash, request.clientId, 2000)).toBeNull();
    });
  });
}
