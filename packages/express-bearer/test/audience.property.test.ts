import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidTokenError, TokenVerifier, bearerAuth, resourceMetadataUrl, type FetchLike } from '../src/index.js';
import { serve, testApp } from './support/http.js';

const ISSUER = 'https://as.example';
const AUDIENCES = ['https://api.example/mcp', 'https://api.example/other'];

/** A verifier whose introspection endpoint answers `answer`, through the fetch seam. */
function verifierAnswering(answer: unknown, audience: string | string[] | undefined) {
  const fetch: FetchLike = async () => new Response(JSON.stringify(answer), { status: 200, headers: { 'content-type': 'application/json' } });
  return new TokenVerifier({ issuer: ISSUER, audience, introspection: { clientId: 'rs', clientSecret: 's', endpoint: `${ISSUER}/introspect`, cacheTtlSeconds: 0 }, fetch });
}

const audValue = fc.oneof(
  fc.constantFrom(...AUDIENCES, 'https://api.example/mcp/', 'https://API.example/mcp', 'https://api.example', ''),
  fc.string(),
  fc.constant(undefined),
  fc.constant(null),
  fc.integer(),
  fc.object(),
);
const aud = fc.oneof(audValue, fc.array(audValue, { maxLength: 4 }));

describe('the audience rule, for generated aud values', () => {
  it('accepts an introspection answer exactly when its aud (a string or a list) holds one of the configured audiences as a string', async () => {
    await fc.assert(fc.asyncProperty(aud, fc.subarray(AUDIENCES, { minLength: 1 }), async (value, configured) => {
      const answer = { active: true, client_id: 'c', scope: 'read', ...(value !== undefined && { aud: value }) };
      const expected = (typeof value === 'string' ? [value] : Array.isArray(value) ? value : []).some((v) => typeof v === 'string' && configured.includes(v));
      const outcome = await verifierAnswering(answer, configured).verify('opaque-token').then(() => true, (error: unknown) => {
        expect(error).toBeInstanceOf(InvalidTokenError);
        return false;
      });
      expect(outcome).toBe(expected);
      // Without an audience, aud is not looked at (as before the option existed).
      await expect(verifierAnswering(answer, undefined).verify('opaque-token')).resolves.toMatchObject({ clientId: 'c' });
    }));
  });

  it('derives a metadata URL on the resource\'s origin under the well-known path, or refuses the identifier with a TypeError', () => {
    fc.assert(fc.property(fc.oneof(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.string()), (value) => {
      let url: string;
      try {
        url = resourceMetadataUrl(value);
      } catch (error) {
        expect(error).toBeInstanceOf(TypeError);
        return;
      }
      const resource = new URL(value);
      expect(resource.search + resource.hash).toBe('');
      expect(url).toBe(`${resource.origin}/.well-known/oauth-protected-resource${resource.pathname.replace(/\/+$/, '')}`);
      expect(url).not.toMatch(/[?#]/);
    }));
  });
});

describe('challenges for generated Authorization headers', () => {
  it('answers 400 or 401, never 5xx, and every challenge names the resource metadata', async () => {
    const fetchSeam: FetchLike = async () => new Response(JSON.stringify({ active: false }), { status: 200 });
    const app = testApp();
    app.use(bearerAuth({
      issuer: ISSUER,
      audience: AUDIENCES[0],
      introspection: { clientId: 'rs', clientSecret: 's', endpoint: `${ISSUER}/introspect` },
      fetch: fetchSeam,
      resourceMetadata: {},
    }));
    app.get('/mcp', (_req, res) => {
      res.end('ok');
    });
    const served = await serve(app);
    const expected = 'Bearer resource_metadata="https://api.example/.well-known/oauth-protected-resource/mcp"';
    try {
      const header = fc.oneof(
        fc.string({ unit: fc.constantFrom(...' \tBbearERAa=.-_~+/,"\\0x:'.split('')) }),
        fc.string().map((s) => `Bearer ${s}`),
        fc.stringMatching(/^[ -~]{0,40}$/),
      );
      await fc.assert(fc.asyncProperty(header, async (value) => {
        let response: Response;
        try {
          response = await fetch(`${served.url}/mcp`, { headers: { authorization: value } });
        } catch {
          return; // a header fetch itself refuses to send
        }
        expect([400, 401]).toContain(response.status);
        expect(response.headers.get('www-authenticate')!.startsWith(expected)).toBe(true);
        await response.body?.cancel();
      }), { numRuns: 150 });
    } finally {
      await served.close();
    }
  });
});
