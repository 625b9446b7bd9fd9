import { afterEach, describe, expect, it } from 'vitest';
import { cacheLifetime, DocumentCache, type Fetched } from '../../src/outbound/cache.js';
import { OutboundError } from '../../src/outbound/errors.js';
import { createOutbound } from '../../src/outbound/fetch.js';
import { listenLocal, TEST_CA, type LocalServer } from '../support/tls.js';

/** A fetch whose answers the test hands out one at a time, and a clock the test moves. */
function harness(options: { refreshCooldownSeconds?: number; maxEntries?: number } = {}) {
  let now = 1_000_000;
  const calls: Array<{ url: string; answer: (value: string, cacheControl?: string) => void; fail: (error: Error) => void }> = [];
  const cache = new DocumentCache<string>({
    ...options,
    now: () => now,
    fetch: (url) => new Promise<Fetched<string>>((resolve, reject) => {
      calls.push({ url, answer: (value, cacheControl) => resolve({ value, cacheControl }), fail: reject });
    }),
  });
  const advance = (seconds: number) => (now += seconds * 1000);
  /** Gets `url`, answering the fetch it starts (if any) with `value`. */
  const get = async (url: string, value = 'fresh', cacheControl?: string) => {
    const before = calls.length;
    const result = cache.get(url);
    if (calls.length > before) calls.at(-1)!.answer(value, cacheControl);
    return result;
  };
  return { cache, calls, advance, get };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('cacheLifetime', () => {
  it.each([
    ['max-age=300', 300],
    ['public, MAX-AGE=7200', 7200],
    ['max-age="600"', 600],
    ['max-age=1', 60],
    ['max-age=0', 60],
    ['max-age=31536000', 86_400],
    ['no-store', 60],
    ['no-cache, max-age=3600', 60],
    ['max-age=3600, no-store', 60],
    ['private', 60],
    ['max-age=-5', 60],
    ['max-age=abc', 60],
    [undefined, 60],
  ])('keeps %j for %i seconds', (header, seconds) => {
    expect(cacheLifetime(header, 60, 86_400)).toBe(seconds);
  });
});

describe('DocumentCache', () => {
  it('shares one fetch between callers asking at the same time', async () => {
    const { cache, calls } = harness();
    const answers = [cache.get('https://a.example/doc'), cache.get('https://a.example/doc'), cache.get('https://a.example/doc')];
    expect(calls).toHaveLength(1);
    calls[0]!.answer('one');
    expect(await Promise.all(answers)).toEqual(['one', 'one', 'one']);
    expect(await cache.get('https://a.example/doc')).toBe('one');
    expect(calls).toHaveLength(1);
  });

  it('keeps a document for its max-age', async () => {
    const { calls, advance, get } = harness();
    expect(await get('https://a.example/doc', 'v1', 'max-age=300')).toBe('v1');
    advance(299);
    expect(await get('https://a.example/doc', 'v2')).toBe('v1');
    advance(1);
    expect(await get('https://a.example/doc', 'v2')).toBe('v2');
    expect(calls).toHaveLength(2);
  });

  it('keeps a document at least the minimum and at most the maximum, whatever it says', async () => {
    const { calls, advance, get } = harness();
    await get('https://short.example/', 'v1', 'no-store');
    advance(59);
    expect(await get('https://short.example/', 'v2')).toBe('v1');
    advance(1);
    expect(await get('https://short.example/', 'v2')).toBe('v2');

    await get('https://long.example/', 'v1', 'max-age=31536000');
    advance(86_399);
    expect(await get('https://long.example/', 'v2')).toBe('v1');
    advance(1);
    expect(await get('https://long.example/', 'v2')).toBe('v2');
    expect(calls.map((call) => call.url)).toEqual(['https://short.example/', 'https://short.example/', 'https://long.example/', 'https://long.example/']);
  });

  it('refetches in the background shortly before expiry, once, serving the cached document meanwhile', async () => {
    const { cache, calls, advance, get } = harness();
    await get('https://a.example/doc', 'v1', 'max-age=3600');
    advance(3600 - 61);
    expect(await cache.get('https://a.example/doc')).toBe('v1');
    expect(calls).toHaveLength(1);
    advance(1);
    expect(await cache.get('https://a.example/doc')).toBe('v1');
    expect(await cache.get('https://a.example/doc')).toBe('v1');
    expect(calls).toHaveLength(2);
    calls[1]!.fail(new OutboundError('timeout', 'The URL did not answer within 3 s.'));
    await flush();
    expect(await cache.get('https://a.example/doc')).toBe('v1');
    expect(calls).toHaveLength(2);
    advance(60);
    expect(await get('https://a.example/doc', 'v2')).toBe('v2');
  });

  it('does not cache failures, and passes them to every waiting caller', async () => {
    const { cache, calls, get } = harness();
    const error = new OutboundError('status', 'The URL answered 404; only 200 is accepted.');
    const waiting = [cache.get('https://a.example/doc'), cache.get('https://a.example/doc')];
    calls[0]!.fail(error);
    for (const answer of waiting) await expect(answer).rejects.toBe(error);
    expect(await get('https://a.example/doc', 'v1')).toBe('v1');
    expect(calls).toHaveLength(2);
  });

  it('refreshes on demand at most once per cooldown, however often it is asked', async () => {
    const { cache, calls, advance, get } = harness({ refreshCooldownSeconds: 30 });
    await get('https://a.example/jwks', 'v1', 'max-age=3600');
    advance(29);
    expect(await cache.refresh('https://a.example/jwks')).toBe('v1');
    expect(await cache.refresh('https://a.example/jwks')).toBe('v1');
    expect(calls).toHaveLength(1);

    advance(1);
    const refreshed = [cache.refresh('https://a.example/jwks'), cache.refresh('https://a.example/jwks'), cache.get('https://a.example/jwks')];
    expect(calls).toHaveLength(2);
    calls[1]!.answer('v2', 'max-age=3600');
    expect(await Promise.all(refreshed)).toEqual(['v2', 'v2', 'v1']);
    expect(await cache.refresh('https://a.example/jwks')).toBe('v2');
    expect(calls).toHaveLength(2);

    advance(30);
    const failed = cache.refresh('https://a.example/jwks');
    calls[2]!.fail(new OutboundError('network', "The URL's host could not be reached."));
    await expect(failed).rejects.toMatchObject({ code: 'network' });
    expect(await cache.refresh('https://a.example/jwks')).toBe('v2');
    expect(calls).toHaveLength(3);
  });

  it('says whether a get would start a fetch: not while a document is fresh or one is on its way', async () => {
    const { cache, calls, advance } = harness();
    expect(cache.has('https://a.example/doc')).toBe(false);
    const first = cache.get('https://a.example/doc');
    expect(cache.has('https://a.example/doc')).toBe(true);
    calls[0]!.answer('v1', 'max-age=300');
    await first;
    expect(cache.has('https://a.example/doc')).toBe(true);
    advance(300);
    expect(cache.has('https://a.example/doc')).toBe(false);
    const failing = cache.get('https://a.example/doc');
    calls[1]!.fail(new OutboundError('timeout', 'The URL did not answer within 3 s.'));
    await expect(failing).rejects.toMatchObject({ code: 'timeout' });
    expect(cache.has('https://a.example/doc')).toBe(false);
    expect(calls).toHaveLength(2);
  });

  it('keeps at most maxEntries documents, forgetting the least recently used', async () => {
    const { calls, get } = harness({ maxEntries: 2 });
    await get('https://a.example/');
    await get('https://b.example/');
    await get('https://a.example/');
    await get('https://c.example/');
    expect(calls).toHaveLength(3);
    await get('https://a.example/');
    expect(calls).toHaveLength(3);
    await get('https://b.example/');
    expect(calls.map((call) => call.url)).toEqual(['https://a.example/', 'https://b.example/', 'https://c.example/', 'https://b.example/']);
  });

  describe('over fetchJson', () => {
    let server: LocalServer | undefined;
    afterEach(() => server?.close());

    it('sends one request for concurrent callers and keeps the answer for its max-age', async () => {
      let requests = 0;
      server = await listenLocal('https', (_req, res) => {
        requests += 1;
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=600' }).end(JSON.stringify({ n: requests }));
      });
      const outbound = createOutbound({ allowedHosts: [{ host: 'localhost', port: server.port }], ca: TEST_CA, resolve: async () => [{ address: '127.0.0.1', family: 4 }] });
      const cache = new DocumentCache({ fetch: async (url) => {
        const { body, cacheControl } = await outbound.fetchJson(url);
        return { value: body, cacheControl };
      } });
      const url = `${server.origin}/client.json`;
      expect(await Promise.all([cache.get(url), cache.get(url), cache.get(url)])).toEqual([{ n: 1 }, { n: 1 }, { n: 1 }]);
      expect(await cache.get(url)).toEqual({ n: 1 });
      expect(requests).toBe(1);
    });
  });
});
