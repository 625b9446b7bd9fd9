import fc from 'fast-check';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminRoutes as allRoutes } from '../../src/admin/index.js';
import { createRegistrationToken } from '../../src/admin/registration-tokens/service.js';
import { createResource } from '../../src/admin/resources/service.js';
import type { AdminRoute } from '../../src/admin/http/route.js';
import { adminTestApp, type AdminTestApp } from '../support/admin.js';
import { backends } from '../support/databases.js';
import { basic } from '../support/oauth-app.js';
import {
  bodyStrings, contentTypes, digester, expectNoServerError, expectRefusedIfUnstorable, HUGE, expand, headerSafe, junk, NUM_RUNS, refusedByNode, send, sometimesHuge,
  Unchanged, unstorable, wellFormed, type Digester,
} from './support.js';

/** The administrators' routes; the login app's (`/interactions`) have their own token and test (interactions.test.ts). */
const adminRoutes = allRoutes.filter((route) => route.auth !== 'interactions');

const ADMIN_ERRORS = ['invalid_request', 'invalid_token', 'insufficient_scope', 'not_found', 'conflict', 'request_too_large'];

/** Well-formed bodies, which the generated fields then add to or spoil, so runs reach the services and not only validation. */
const VALID_BODIES: Record<string, Record<string, unknown>> = {
  createClient: { name: 'Billing', scopes: ['read'] },
  updateClient: { name: 'Renamed', accessTokenTtl: 600 },
  createUser: { username: 'generated', password: 'correct horse battery' },
  resetPassword: {},
  createScope: { name: 'generated', description: 'Generated' },
  updateScope: { description: 'Changed' },
  createRegistrationToken: { description: 'Agents', maxUses: 2, grantTypes: ['authorization_code'], scopes: ['read'] },
  createResource: { identifier: 'https://generated.example.test/api', name: 'Generated API', scopes: ['read'] },
  updateResource: { name: 'Renamed API', accessTokenTtl: 300, tokenFormat: 'jwt' },
  updateUser: { displayName: 'Renamed', email: 'renamed@example.com' },
};

const PUBLIC_JWK = { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' };

/** The identifiers of the APIs the runs start with, which generated values name. */
const API = 'https://api.example.test';
const OTHER_API = 'http://localhost:8080/mcp';

/** The field names an object schema knows (through optional, default and pipe wrappers), so generated bodies use them. */
function fieldNames(schema: z.ZodType | undefined): string[] {
  let current: unknown = schema;
  for (let i = 0; i < 5 && current; i++) {
    if (current instanceof z.ZodObject) return Object.keys(current.shape);
    const def = (current as { def?: { innerType?: unknown; in?: unknown; schema?: unknown } }).def;
    current = def?.innerType ?? def?.in ?? def?.schema;
  }
  return [];
}

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`generated requests to the admin API on ${backend.name}`, { timeout: 120_000 }, () => {
    let t: AdminTestApp;
    let db: Digester;
    let unchanged: Unchanged;
    let ids: Record<string, string[]>;
    let tokens: { clientCredentials: string; notAdmin: string };
    let machine: { id: string; secret: string };

    beforeAll(async () => {
      t = await adminTestApp(backend);
      machine = await t.client({ name: 'machine' });
      const victim = await t.client({ name: 'victim', grantTypes: ['authorization_code', 'refresh_token'], redirectUris: ['https://v.example/cb'], scopes: ['openid', 'read'] });
      const someone = await t.user({ username: 'someone' });
      const other = await t.user({ username: 'other-admin', admin: true });
      const issued = (await t.http.post('/oauth/token').set('Authorization', basic(machine.id, machine.secret)).type('form').send('grant_type=client_credentials')).body.access_token as string;
      // Not the administrator's own token: revoking it would only turn every later run into a 401.
      const tokenIds = (await t.storage.tokens.list({ clientId: machine.id, activeAt: Date.now(), limit: 10 })).items.map((token) => token.id);
      const consent = await t.storage.consents.grant(someone.id, victim.id, ['openid'], Date.now());
      const registration = await createRegistrationToken(t.storage, { maxUses: 5 }, { type: 'system', id: 'test', sourceAddress: null });
      const api = await createResource(t.storage, { identifier: API, name: 'Example API', scopes: ['read'] }, { type: 'system', id: 'test', sourceAddress: null });
      const otherApi = await createResource(t.storage, { identifier: OTHER_API, name: 'MCP', tokenFormat: 'jwt', isDefault: true }, { type: 'system', id: 'test', sourceAddress: null });
      await t.client({ name: 'gate', grantTypes: [], resourceServer: true, resource: API });
      ids = {
        clients: [machine.id, victim.id],
        users: [someone.id, other.id],
        tokens: tokenIds,
        consents: [consent.id],
        scopes: ['read', 'write', 'openid'],
        'registration-tokens': [registration.token.id],
        resources: [api.id, otherApi.id],
      };
      tokens = { clientCredentials: issued, notAdmin: await t.token(someone.id) };
      db = await digester(t.config.database);
      unchanged = new Unchanged(db);
    });
    afterAll(async () => {
      await db?.close();
      await t?.close();
    });

    const value = (huge: boolean): fc.Arbitrary<unknown> => fc.oneof(
      { weight: 3, arbitrary: huge ? sometimesHuge(junk) : junk },
      { weight: 2, arbitrary: fc.constantFrom('read', 'openid', 'Billing', 'https://app.example/cb', 'http://localhost/cb', 'javascript:alert(1)', 'client_credentials',
        'authorization_code', 'none', 'client_secret_post', 'ES256', 'correct horse battery', 'a@b.example', 'active', 'revoked', 'name', 'createdAt', 'desc',
        '2025-01-01T00:00:00Z', 'token.issue', 'access', 'refresh', 'oauth-admin', '2099-01-01T00:00:00Z', 'true', 'false', 'csv', 'json', 'xml',
        API, OTHER_API, `${API}#x`, 'http://api.example.test', 'HTTPS://api.example.test', 'opaque', 'jwt', 'RS256', 'mcp:tools',
        'private_key_jwt', 'client_secret_basic', 'EdDSA', 'HS256', 'https://keys.example/jwks.json') },
      // Key sets, so switching a client between a secret and its keys is reached: public, private (refused), empty, not one.
      { weight: 1, arbitrary: fc.constantFrom({ keys: [PUBLIC_JWK] }, { keys: [{ ...PUBLIC_JWK, d: 'private' }] }, { keys: [] }, { keys: 'x' }) },
      { weight: 1, arbitrary: fc.integer({ min: -2, max: 100_000 }) },
      { weight: 1, arbitrary: fc.constantFrom(true, false, null, 1e9, -1, 0.5, Number.MAX_SAFE_INTEGER) },
      { weight: 1, arbitrary: fc.array(fc.oneof(junk, fc.constantFrom('read', 'write', 'openid', 'https://app.example/cb', 'client_credentials', API, OTHER_API)), { maxLength: 5 }) },
      { weight: 1, arbitrary: fc.constant(Array.from({ length: huge ? 2000 : 20 }, (_, i) => `https://x${i}.example/cb`)) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
      // Cursors as the server writes them, base64url of [value, id], around junk (NUL and lone surrogates included).
      { weight: 1, arbitrary: fc.tuple(fc.oneof(fc.nat(), junk), junk).map((cursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url')) },
    );
    const fieldsOf = (names: string[], huge: boolean) => {
      const name = fc.oneof(
        { weight: 6, arbitrary: names.length > 0 ? fc.constantFrom(...names) : junk },
        { weight: 1, arbitrary: fc.constantFrom('id', 'client_id', 'clientSecret', 'client_secret', 'secretHash', 'admin', 'system', 'status', '__proto__', 'constructor') },
        { weight: 1, arbitrary: junk },
      );
      return fc.array(fc.tuple(name, value(huge)), { maxLength: 6 });
    };
    const strays = [{ method: 'get' as const, path: '/nothing' }, { method: 'delete' as const, path: '/clients' }, { method: 'post' as const, path: '/clients/:id/explode' }];
    /** By name, so a counterexample reads `createClient`, not the route's schemas. */
    const routes: fc.Arbitrary<string> = fc.oneof(
      { weight: 12, arbitrary: fc.constantFrom(...adminRoutes.map((r) => r.operationId)) },
      { weight: 1, arbitrary: fc.constantFrom(...strays.map((r) => `${r.method} ${r.path}`)) },
    );
    const routeNamed = (name: string): AdminRoute | (typeof strays)[number] => adminRoutes.find((r) => r.operationId === name) ?? strays.find((r) => `${r.method} ${r.path}` === name)!;
    const authorization = () => fc.oneof(
      { weight: 10, arbitrary: fc.constant(`Bearer ${t.adminToken}`) },
      { weight: 1, arbitrary: fc.constantFrom(undefined, `Bearer ${tokens.clientCredentials}`, `Bearer ${tokens.notAdmin}`, 'Bearer tg_at_nope', basic(machine.id, machine.secret)) },
      { weight: 1, arbitrary: headerSafe(junk).map((s) => `Bearer ${s}`) },
    );
    const bodyKinds = fc.oneof({ weight: 8, arbitrary: fc.constant('json') }, { weight: 1, arbitrary: fc.constantFrom('none', 'json-any', 'broken', 'form') });

    it('every route: never a 5xx, always {error, error_description, fields?}, and a refusal changes nothing', async () => {
      await unchanged.baseline();
      await fc.assert(fc.asyncProperty(
        routes.map(routeNamed).chain((route) => fc.tuple(
          fc.constant(route),
          fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 2, arbitrary: fieldsOf(fieldNames((route as AdminRoute).query), false) }),
          fieldsOf(fieldNames((route as AdminRoute).body), true),
        )),
        authorization(), bodyKinds, fc.oneof({ weight: 8, arbitrary: fc.constant('application/json') }, { weight: 1, arbitrary: contentTypes }),
        fc.array(fc.oneof({ weight: 5, arbitrary: fc.constant('known') }, { weight: 1, arbitrary: fc.constant('unknown') }, { weight: 1, arbitrary: junk }), { minLength: 2, maxLength: 2 }),
        fc.jsonValue({ maxDepth: 3 }), fc.nat(), fc.boolean(),
        async ([route, queryPairs, bodyPairs], auth, bodyKind, type, pathValues, anyJson, pick, fromValid) => {
          const kind = route.path.split('/')[1]!;
          const known = ids[kind] ?? [];
          let n = 0;
          let path = route.path.replace(/:(\w+)/g, () => {
            const choice = pathValues[n++ % pathValues.length]!;
            if (choice === 'known' && known.length > 0) return encodeURIComponent(known[pick % known.length]!);
            if (choice === 'unknown') return 'A'.repeat(22);
            return encodeURIComponent(wellFormed(expand(choice))) || '%zz';
          });
          const search = new URLSearchParams(queryPairs.map(([k, v]): [string, string] => [k, typeof v === 'string' ? expand(v) : JSON.stringify(v)]));
          if (search.size > 0) path += `?${search}`;
          const base = fromValid ? VALID_BODIES[(route as AdminRoute).operationId ?? ''] ?? {} : {};
          const bodyObject = { ...base, ...Object.fromEntries(bodyPairs.slice(0, fromValid ? pick % 2 : undefined).map(([k, v]) => [k, typeof v === 'string' ? expand(v) : v])) };
          const body = {
            json: JSON.stringify(bodyObject), none: undefined, 'json-any': JSON.stringify(anyJson), broken: '{"name": "x", ', form: 'name=x&scopes=read',
          }[bodyKind];
          const test = t.http[route.method](`/admin/api${path}`);
          if (auth !== undefined) test.set('Authorization', auth);
          const res = await send(test, body === undefined ? '' : type, body);
          const what = `${route.method.toUpperCase()} ${path.slice(0, 300)} [${type}] ${auth?.slice(0, 20)} ${body?.replace(HUGE, '…').slice(0, 300) ?? ''}`;
          expectNoServerError(res, what);
          const segments = path.split('?')[0]!.split('/').map((segment) => {
            try {
              return decodeURIComponent(segment);
            } catch {
              return segment;
            }
          });
          expectRefusedIfUnstorable(res, what, [...segments, ...[...search].flat(), ...('body' in route && route.body ? bodyStrings(type, body) : [])]);
          if (res.status >= 400 && !refusedByNode(res)) {
            expect(res.headers['content-type'], what).toMatch(/^application\/json/);
            const json = res.body as Record<string, unknown>;
            if (res.status === 401 && !String(res.headers['www-authenticate']).includes('error=')) {
              // No bearer token at all: a bare challenge, no error code (RFC 6750 §3.1).
              expect(json, what).toEqual({ error_description: expect.any(String) });
            } else {
              expect(ADMIN_ERRORS, `${what}: ${res.text}`).toContain(json.error);
              expect(typeof json.error_description, what).toBe('string');
              expect(Object.keys(json).filter((k) => !['error', 'error_description', 'fields', 'scope'].includes(k)), `${what}: ${res.text}`).toEqual([]);
              if (json.fields !== undefined) {
                // Validation errors name their fields; a conflict may name the one that clashed (a user name taken).
                expect([400, 409], what).toContain(res.status);
                for (const message of Object.values(json.fields as object)) expect(typeof message, `${what}: ${res.text}`).toBe('string');
              }
            }
          }
          await unchanged.check(res.status >= 400, what);
        },
      ), { numRuns: NUM_RUNS ?? 200 });
    });

    it('NUL or a lone surrogate in a body, a query, a path or a cursor: a 400 naming where, and nothing changes', async () => {
      const message = 'must not contain NUL characters or unpaired surrogates';
      const withBody = adminRoutes.filter((route) => route.body).map((route) => route.operationId);
      const lists = adminRoutes.filter((route) => fieldNames(route.query).includes('cursor')).map((route) => route.operationId);
      const withParams = adminRoutes.filter((route) => route.path.includes(':')).map((route) => route.operationId);
      // A URL carries NUL as %00; a lone surrogate has no UTF-8 and so no percent-encoding: only JSON can send one.
      const nul = fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })).map(([before, after]) => `${before}\u0000${after}`);
      const cases = fc.oneof(
        fc.record({ where: fc.constant('body' as const), route: fc.constantFrom(...withBody), bad: unstorable, shape: fc.constantFrom('value', 'item', 'key'), pick: fc.nat() }),
        fc.record({ where: fc.constant('query' as const), route: fc.constantFrom(...lists), bad: nul, shape: fc.constantFrom('value', 'key'), pick: fc.nat() }),
        fc.record({ where: fc.constant('path' as const), route: fc.constantFrom(...withParams), bad: nul, shape: fc.constant('value'), pick: fc.nat() }),
        fc.record({ where: fc.constant('cursor' as const), route: fc.constantFrom(...lists), bad: unstorable, shape: fc.constantFrom('value', 'key'), pick: fc.nat() }),
      );
      await unchanged.baseline();
      await fc.assert(fc.asyncProperty(cases, async ({ where, route: name, bad, shape, pick }) => {
        const route = adminRoutes.find((r) => r.operationId === name)!;
        const known = ids[route.path.split('/')[1]!] ?? [];
        let field = '_';
        let path = route.path.replace(/:(\w+)/g, (_, param: string) => {
          if (where !== 'path') return encodeURIComponent(known[pick % known.length]!);
          // The router names the first unstorable parameter.
          if (field === '_') field = `params.${param}`;
          return encodeURIComponent(bad);
        });
        let body: Record<string, unknown> | undefined;
        if (where === 'body') {
          const names = [...fieldNames(route.body), 'bogus'];
          const target = names[pick % names.length]!;
          body = { ...VALID_BODIES[route.operationId] };
          if (shape === 'key') body[`x${bad}`] = 'y';
          else body[target] = shape === 'item' ? ['read', bad] : bad;
          field = shape === 'key' ? '_' : shape === 'item' ? `${target}.1` : target;
        }
        if (where === 'query') {
          const names = fieldNames(route.query);
          const target = names[pick % names.length]!;
          path += shape === 'key' ? `?${encodeURIComponent(bad)}=1` : `?${encodeURIComponent(target)}=${encodeURIComponent(bad)}`;
          field = shape === 'key' ? '_' : target;
        }
        if (where === 'cursor') path += `?cursor=${Buffer.from(JSON.stringify(shape === 'key' ? [pick, bad] : [bad, 'x'])).toString('base64url')}`;
        const test = t.http[route.method](`/admin/api${path}`).set('Authorization', `Bearer ${t.adminToken}`);
        const res = body === undefined ? await test : await test.send(body);
        const what = `${route.method.toUpperCase()} ${path} ${JSON.stringify(body) ?? ''}`;
        expect(res.status, `${what} → ${res.text}`).toBe(400);
        expect(res.body, what).toEqual(where === 'cursor'
          ? { error: 'invalid_request', error_description: 'cursor: is not one this server produced', fields: { cursor: 'is not one this server produced' } }
          : { error: 'invalid_request', error_description: `${field}: ${message}`, fields: { [field]: message } });
        await unchanged.check(true, what);
      }), { numRuns: NUM_RUNS ?? 100 });
    });
  });
}
