import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistrationToken, revokeRegistrationToken } from '../../src/admin/registration-tokens/service.js';
import type { CreateRegistrationTokenInput } from '../../src/admin/registration-tokens/schema.js';
import { sha256 } from '../../src/crypto/random.js';
import { fapi2MetadataProblems } from '../../src/oauth/profile/fapi2.js';
import type { InitialAccessToken } from '../../src/storage/types.js';
import { backends } from '../support/databases.js';
import { basic, oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';
import {
  bodyStrings, contentTypes, digester, expand, expectNoServerError, expectOAuthError, expectRefusedIfUnstorable, headerSafe, junk, NUM_RUNS, refusedByNode,
  send, sometimesHuge, Unchanged, wellFormed, type Digester,
} from './support.js';

/*
 * Generated requests to dynamic client registration (RFC 7591) and the client
 * configuration endpoint (RFC 7592). Beside "never a 5xx, always the RFC 7591
 * error body, a refusal changes nothing", each property has oracles of its own
 * that say which requests must be refused and what a success may hold, worked
 * out here from the request and never from the server's answer.
 */

const GRANT_TYPES = ['authorization_code', 'client_credentials', 'refresh_token'];
const ADMIN_SCOPE = 'oauth-admin';
const actor = { type: 'system' as const, id: 'test', sourceAddress: null };

/** What a registration with one credential may ask for. */
interface Allowance {
  grantTypes: readonly string[];
  /** Null: every scope the server has but oauth-admin. */
  scopes: readonly string[] | null;
}

/** An Authorization header to send, and what it entitles to (null: nothing, whatever the body says). */
interface Credential {
  label: string;
  header: string | string[] | undefined;
  allowance: Allowance | null;
  token: InitialAccessToken | null;
}

type Entries = [string, unknown][];

/** An initial access token and its value, shown once. */
interface Issued {
  token: InitialAccessToken;
  value: string;
}

/** A registration made during the run, as the client that made it knows it. */
interface Registration {
  id: string;
  accessToken: string;
  /** Registration access tokens replaced by a PUT since. */
  stale: string[];
  deleted: boolean;
  allowance: Allowance;
  secret: string | null;
  /** The last client information response, less the secret: what a GET must answer. */
  information: Record<string, unknown>;
}

const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const PUBLIC_JWK = publicKey.export({ format: 'jwk' });
const PRIVATE_JWK = privateKey.export({ format: 'jwk' });

/** Redirect URIs every rule accepts, and ones none may (`forbiddenRedirectUri` says so of each). */
const GOOD_URIS = ['https://agent.example/cb', 'https://agent.example/cb?x=1', 'http://127.0.0.1/cb', 'http://localhost:8080/cb', 'http://[::1]:4000/cb'];
const BAD_URIS = [
  'http://agent.example/cb', 'http://evil.example:80/cb', 'HTTP://EVIL.EXAMPLE/cb', 'http://localhost.evil.example/cb', 'http://127.0.0.1.nip.io/cb',
  'http://localhost./cb', 'http://[::ffff:127.0.0.1]/cb', 'http://0.0.0.0/cb', 'javascript:alert(1)', 'data:text/html,hi', 'https://agent.example/cb#x',
  'https://agent.example/cb#', 'https://user:pw@agent.example/cb', '//agent.example/cb', '/cb',
];
/** And some the oracles leave to the server's rules (a private-use scheme, no host, a space). */
const REDIRECT_URIS = [...GOOD_URIS, ...BAD_URIS, 'https:///cb', 'com.example.app:/cb', 'https://agent.example/c b'];

/** Well-formed registrations of each kind, which the mutations then spoil. */
const TEMPLATES: Entries[] = [
  [['client_name', 'Agent'], ['redirect_uris', ['https://agent.example/cb']], ['grant_types', ['authorization_code', 'refresh_token']],
    ['response_types', ['code']], ['token_endpoint_auth_method', 'none'], ['scope', 'openid read']],
  [['client_name', 'Nightly job'], ['grant_types', ['client_credentials']], ['scope', 'read'], ['dpop_bound_access_tokens', true]],
  [['client_name', 'Web'], ['redirect_uris', ['https://web.example/cb', 'http://127.0.0.1:8080/cb']], ['post_logout_redirect_uris', ['https://web.example/']],
    ['grant_types', ['authorization_code']], ['token_endpoint_auth_method', 'client_secret_post'], ['scope', 'openid profile read write'],
    ['contacts', ['ops@web.example']], ['client_uri', 'https://web.example'], ['logo_uri', 'https://web.example/logo.png'], ['policy_uri', 'https://web.example/policy'],
    ['tos_uri', 'https://web.example/tos'], ['software_id', 'web'], ['software_version', '1.0'], ['id_token_signed_response_alg', 'ES256'], ['jwks', { keys: [PUBLIC_JWK] }]],
  [['application_type', 'native'], ['client_name', 'CLI'], ['redirect_uris', ['http://127.0.0.1/callback']], ['grant_types', ['authorization_code']],
    ['token_endpoint_auth_method', 'none']],
  [['redirect_uris', ['https://minimal.example/cb']]],
];

const METADATA_NAMES = [
  'client_name', 'redirect_uris', 'post_logout_redirect_uris', 'grant_types', 'response_types', 'token_endpoint_auth_method', 'scope', 'contacts', 'client_uri',
  'logo_uri', 'policy_uri', 'tos_uri', 'software_id', 'software_version', 'jwks', 'jwks_uri', 'id_token_signed_response_alg', 'application_type',
  'token_endpoint_auth_signing_alg', 'dpop_bound_access_tokens',
];
const ODD_NAMES = [
  '__proto__', 'constructor', 'client_id', 'client_secret', 'registration_access_token', 'registration_client_uri', 'client_id_issued_at', 'software_statement',
  'Redirect_URIs', 'scope ', 'x_extension',
];

const plausible: fc.Arbitrary<unknown> = fc.oneof(
  fc.array(fc.constantFrom(...REDIRECT_URIS), { maxLength: 3 }),
  fc.array(fc.constantFrom(...GRANT_TYPES, 'implicit', 'password', 'urn:ietf:params:oauth:grant-type:device_code', 'Authorization_Code'), { maxLength: 3 }),
  fc.array(fc.constantFrom('code', 'token', 'id_token', 'code id_token', ''), { maxLength: 2 }),
  fc.constantFrom('openid read', 'read', 'read write', 'openid profile email', ADMIN_SCOPE, `read ${ADMIN_SCOPE}`, 'READ', '', ' read ', 'unknown', 'openid openid'),
  fc.constantFrom('none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt', 'tls_client_auth', 'NONE', 'native', 'web', 'browser', 'ES256', 'HS256'),
  fc.constantFrom('https://agent.example', 'http://agent.example/logo.png', 'javascript:alert(1)', 'data:image/png;base64,AAAA', 'https://logo.example;script-src/x.png'),
  fc.constantFrom({ keys: [PUBLIC_JWK] }, { keys: [PRIVATE_JWK] }, { keys: [] }, { keys: 'x' }, { keys: [{}] }),
  fc.array(fc.constantFrom('ops@agent.example', '', 'x'.repeat(300)), { maxLength: 3 }),
);
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: plausible },
  { weight: 3, arbitrary: sometimesHuge(junk) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, 0, -1, 1e308, 42, [], {}) },
  { weight: 1, arbitrary: fc.array(junk, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.constant(Array.from({ length: 2000 }, (_, i) => `https://x${i}.example/cb`)) },
);
const memberName = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...METADATA_NAMES) }, { weight: 1, arbitrary: fc.constantFrom(...ODD_NAMES) }, { weight: 1, arbitrary: junk });

const SAME = Symbol('the same value');

/** A member set to a value of its own kind, so the rest of the body stays good and the oracles' cases get through often. */
const pointed = fc.oneof(
  fc.record({ name: fc.constantFrom('redirect_uris', 'post_logout_redirect_uris'), value: fc.array(fc.constantFrom(...REDIRECT_URIS), { minLength: 1, maxLength: 2 }) }),
  fc.record({ name: fc.constant('grant_types'), value: fc.subarray(GRANT_TYPES, { minLength: 1 }) }),
  fc.record({ name: fc.constant('scope'), value: fc.constantFrom('openid', 'read', 'read write', 'openid profile email', ADMIN_SCOPE, `read ${ADMIN_SCOPE}`, 'unknown read') }),
  fc.record({ name: fc.constant('token_endpoint_auth_method'), value: fc.constantFrom('none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt') }),
  fc.record({ name: fc.constant('token_endpoint_auth_signing_alg'), value: fc.constantFrom('ES256', 'RS256', 'EdDSA', 'HS256', 'none', 'es256') }),
);

/** A few changes to a member list: one dropped, set, repeated (a duplicate member), or an item of an array replaced. */
const mutations = fc.oneof(
  { weight: 1, arbitrary: fc.constant([]) },
  { weight: 3, arbitrary: fc.array(fc.oneof(
    { weight: 2, arbitrary: fc.record({ op: fc.constant('drop' as const), at: fc.nat() }) },
    { weight: 4, arbitrary: fc.record({ op: fc.constant('set' as const), name: memberName, value: anyValue }) },
    { weight: 4, arbitrary: pointed.map(({ name, value }) => ({ op: 'set' as const, name: name as string, value: value as unknown })) },
    // A repeat with the same value too: which of two members a server read must not matter, it must refuse both.
    { weight: 1, arbitrary: fc.record({ op: fc.constant('repeat' as const), at: fc.nat(), value: fc.oneof(fc.constant(SAME), anyValue) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('item' as const), at: fc.nat(), value: fc.oneof(fc.constantFrom(...REDIRECT_URIS), junk, fc.constant(7)) }) },
  ), { minLength: 1, maxLength: 3 }) },
);
type Mutation = typeof mutations extends fc.Arbitrary<infer M> ? M : never;

function mutate(template: Entries, ops: Mutation): Entries {
  const entries: Entries = template.map(([name, value]) => [name, value]);
  for (const m of ops) {
    if (m.op === 'set') {
      const at = entries.findIndex(([name]) => name === m.name);
      if (at >= 0) entries[at]![1] = m.value;
      else entries.push([m.name, m.value]);
      continue;
    }
    if (entries.length === 0) continue;
    const i = m.at % entries.length;
    if (m.op === 'drop') entries.splice(i, 1);
    else if (m.op === 'repeat') entries.push([entries[i]![0], m.value === SAME ? entries[i]![1] : m.value]);
    else {
      const value = entries[i]![1];
      entries[i]![1] = Array.isArray(value) ? [...value.slice(0, -1), m.value] : [m.value];
    }
  }
  return entries;
}

/** A JSON object with exactly these members in this order, repeats and `__proto__` included. */
const objectText = (entries: Entries) => `{${entries.map(([name, value]) => `${JSON.stringify(name)}:${JSON.stringify(value)}`).join(',')}}`;

/** How the members travel: as JSON, cut short, form-encoded, as any JSON value, or not at all. */
const bodyStyles = fc.oneof(
  { weight: 10, arbitrary: fc.constant('json' as const) },
  { weight: 1, arbitrary: fc.constantFrom('broken' as const, 'form' as const, 'any' as const, 'none' as const) },
);
type BodyStyle = typeof bodyStyles extends fc.Arbitrary<infer S> ? S : never;

function bodyText(entries: Entries, style: BodyStyle, anyJson: unknown, cut: number): string | undefined {
  const json = objectText(entries);
  switch (style) {
    case 'json':
      return json;
    case 'broken':
      return json.slice(0, cut % Math.max(json.length, 1));
    case 'form':
      return new URLSearchParams(entries.map(([name, value]): [string, string] => [name, wellFormed(typeof value === 'string' ? value : JSON.stringify(value) ?? '')])).toString();
    case 'any':
      return JSON.stringify(anyJson);
    case 'none':
      return undefined;
  }
}

/** Usually JSON, now and then anything. */
const contentType = fc.oneof(
  { weight: 5, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.oneof(contentTypes, fc.constantFrom('text/json', 'application/jsonx', 'application/json-patch+json', 'application/json; charset=latin1')) },
);

const mediaType = (type: string) => type.split(';')[0]!.trim().toLowerCase();

/** A redirect URI no policy may accept (SECURITY.md rule 5, RFC 8252 §7.3): not absolute, a fragment or user info, script schemes, http off loopback. */
function forbiddenRedirectUri(value: unknown): boolean {
  if (typeof value !== 'string') return true;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return true;
  }
  if (value.includes('#') || url.username !== '' || url.password !== '') return true;
  if (['javascript:', 'data:', 'vbscript:', 'file:'].includes(url.protocol)) return true;
  const loopback = url.hostname === 'localhost' || url.hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(url.hostname);
  return url.protocol === 'http:' && !loopback;
}

/**
 * Why a registration body must be refused whatever the server's other rules:
 * not one JSON object, a member repeated, a forbidden redirect URI, or a grant
 * type outside what the credential allows (the default being authorization_code).
 */
function bodyRefusals(type: string, text: string | undefined, entries: Entries, style: BodyStyle, allowance: Allowance): string[] {
  const reasons: string[] = [];
  if (mediaType(type) !== 'application/json') reasons.push('not sent as JSON');
  let body: unknown;
  try {
    body = JSON.parse(text ?? '');
  } catch {
    return [...reasons, 'not JSON'];
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return [...reasons, 'not a JSON object'];
  if (style === 'json' && new Set(entries.map(([name]) => name)).size !== entries.length) reasons.push('a repeated member');
  const members = body as Record<string, unknown>;
  for (const name of ['redirect_uris', 'post_logout_redirect_uris']) {
    const value = members[name];
    if (value === undefined || value === null) continue;
    if (!Array.isArray(value)) reasons.push(`${name} is not an array`);
    else if (value.some(forbiddenRedirectUri)) reasons.push(`${name} holds a forbidden URI`);
  }
  const grants = members.grant_types ?? ['authorization_code'];
  if (!Array.isArray(grants)) reasons.push('grant_types is not an array');
  else if (grants.some((grant) => !allowance.grantTypes.includes(grant as string))) reasons.push('a grant type outside the allowance');
  return reasons;
}

/** What a client information response (RFC 7591 §3.2.1) may hold under an allowance: no grant or scope beyond it, never oauth-admin. */
function expectWithin(information: Record<string, unknown>, allowance: Allowance, existing: readonly string[], what: string) {
  const scopes = String(information.scope).split(' ').filter((scope) => scope !== '');
  const allowedScopes = (allowance.scopes ?? existing).filter((scope) => scope !== ADMIN_SCOPE);
  expect(scopes.filter((scope) => !allowedScopes.includes(scope)), `scopes beyond the allowance: ${what}`).toEqual([]);
  expect(scopes, what).not.toContain(ADMIN_SCOPE);
  const grants = information.grant_types as string[];
  expect(grants.filter((grant) => !allowance.grantTypes.includes(grant)), `grants beyond the allowance: ${what}`).toEqual([]);
}

/** How a client proves itself, which an update may not change: nothing (public), a secret, or its keys (private_key_jwt). */
const authKind = (method: unknown) => method === 'none' ? 'public' : method === 'private_key_jwt' ? 'keys' : 'secret';

const withoutSecret = (information: Record<string, unknown>) => Object.fromEntries(Object.entries(information).filter(([name]) => name !== 'client_secret'));

const REGISTRATION_ERRORS = ['invalid_client_metadata', 'invalid_redirect_uri', 'invalid_request'];

/** The RFC 7591 error body for the status; a 401 carries a Bearer challenge (RFC 6750 §3). */
function expectRegistrationError(res: Response, what: string, endpointMethod: boolean) {
  if (!endpointMethod) {
    // No such endpoint: the app's own 404, or its 400 for a path it cannot decode.
    expect([400, 404], `${what} → ${res.status} ${res.text}`).toContain(res.status);
    expectOAuthError(res, what, res.status === 404 ? ['not_found'] : ['invalid_request']);
    return;
  }
  expect([400, 401, 413], `${what} → ${res.status} ${res.text}`).toContain(res.status);
  expectOAuthError(res, what, res.status === 401 ? ['invalid_token'] : res.status === 413 ? ['invalid_client_metadata'] : REGISTRATION_ERRORS);
  if (res.status === 401) expect(res.headers['www-authenticate'], what).toMatch(/^Bearer realm="/);
}

/** Grant type sets every client rule accepts (refresh_token only beside authorization_code). */
const CONSISTENT_GRANTS = [
  ['authorization_code'], ['authorization_code', 'refresh_token'], ['client_credentials'], ['authorization_code', 'client_credentials'],
  ['authorization_code', 'refresh_token', 'client_credentials'],
];
const SCOPE_REQUESTS = ['openid', 'read', 'read write', 'openid profile email', ADMIN_SCOPE, `read ${ADMIN_SCOPE}`, 'unknown', 'write unknown', 'openid openid'];

const exactly = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

/** A request the model knows the whole answer to: consistent grants, good or forbidden redirect URIs, a scope or none. */
const modelled = fc.record({
  action: fc.constantFrom('register' as const, 'register' as const, 'update' as const),
  who: fc.nat(),
  grants: fc.constantFrom(...CONSISTENT_GRANTS),
  publicClient: fc.boolean(),
  uris: fc.array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...GOOD_URIS) }, { weight: 1, arbitrary: fc.constantFrom(...BAD_URIS) }), { minLength: 1, maxLength: 3 }),
  scope: fc.option(fc.constantFrom(...SCOPE_REQUESTS), { nil: undefined, freq: 3 }),
});

/**
 * What the server must answer to a consistent registration under an
 * allowance: the refusals that apply (any one of them, since the order in
 * which they are found is the server's), or the scopes it grants.
 */
function expectedOutcome(allowance: Allowance, existing: readonly string[], grants: string[], uris: string[] | undefined, scope: string | undefined) {
  const refusals: { error: string; description: RegExp }[] = [];
  const allowed = (allowance.scopes ?? existing).filter((name) => name !== ADMIN_SCOPE && existing.includes(name));
  let scopes = allowed;
  if (scope !== undefined) {
    const asked = scope.split(' ').filter((name) => name !== '');
    scopes = [...new Set(asked)].filter((name) => allowed.includes(name));
    if (asked.length > 0 && scopes.length === 0) refusals.push({ error: 'invalid_client_metadata', description: exactly('scope: none of these scopes may be registered here.') });
  }
  const bad = (uris ?? []).findIndex(forbiddenRedirectUri);
  if (bad >= 0) refusals.push({ error: 'invalid_redirect_uri', description: new RegExp(`^redirect_uris\\[${bad}\\]: `) });
  const refused = grants.filter((grant) => !allowance.grantTypes.includes(grant));
  if (refused.length > 0) refusals.push({ error: 'invalid_client_metadata', description: exactly(`grant_types: ${refused.join(', ')} may not be registered here.`) });
  return { refusals, scopes };
}


/** Registrations a client under the FAPI 2.0 profile could make: its keys inline or by URL, the method left out or named. */
const FAPI_TEMPLATES: Entries[] = [
  [['client_name', 'Bank'], ['redirect_uris', ['https://bank.example/cb']], ['grant_types', ['authorization_code', 'refresh_token']], ['scope', 'openid read'],
    ['jwks', { keys: [PUBLIC_JWK] }]],
  [['client_name', 'Job'], ['grant_types', ['client_credentials']], ['scope', 'read'], ['token_endpoint_auth_method', 'private_key_jwt'],
    ['token_endpoint_auth_signing_alg', 'ES256'], ['jwks', { keys: [PUBLIC_JWK] }], ['dpop_bound_access_tokens', true]],
  [['client_name', 'Remote keys'], ['grant_types', ['client_credentials']], ['jwks_uri', 'https://keys.example/jwks.json'], ['require_pushed_authorization_requests', true]],
];

/** The members the profile sets a rule for, set to values it takes and values it refuses. */
const fapiPointed = fc.oneof(
  fc.record({ name: fc.constant('token_endpoint_auth_method'), value: fc.constantFrom('private_key_jwt', 'client_secret_basic', 'client_secret_post', 'none', null) }),
  fc.record({ name: fc.constant('token_endpoint_auth_signing_alg'), value: fc.constantFrom('PS256', 'ES256', 'EdDSA', 'RS256', 'ES384', null) }),
  fc.record({ name: fc.constant('id_token_signed_response_alg'), value: fc.constantFrom('ES256', 'RS256', null) }),
  fc.record({ name: fc.constantFrom('dpop_bound_access_tokens', 'require_pushed_authorization_requests'), value: fc.constantFrom(true, false, null) }),
  fc.record({ name: fc.constantFrom('jwks', 'jwks_uri'), value: fc.constantFrom(null, { keys: [PUBLIC_JWK] }, 'https://keys.example/jwks.json') }),
  fc.record({ name: fc.constant('grant_types'), value: fc.constantFrom(['client_credentials'], ['authorization_code'], ['password'], ['client_credentials', 'password']) }),
).map(({ name, value }) => ({ op: 'set' as const, name: name as string, value: value as unknown }));

/** Now and then nothing changed, else the general mutations and some aimed at the profile's members. */
const fapiMutations = fc.oneof(
  { weight: 1, arbitrary: fc.constant([] as Mutation) },
  { weight: 4, arbitrary: fc.tuple(fc.oneof(fc.constant([] as Mutation), mutations), fc.array(fapiPointed, { minLength: 1, maxLength: 3 })).map(([general, aimed]): Mutation => [...general, ...aimed]) },
);

/** Members of a client information response that an update does not send back. */
const READ_ONLY_MEMBERS = ['client_id', 'registration_access_token', 'registration_client_uri', 'client_id_issued_at', 'client_secret_expires_at', 'client_secret'];

const present = (value: unknown) => value !== undefined && value !== null;

/**
 * Why a JSON body must be refused on a server that holds every client to the
 * FAPI 2.0 Security Profile, worked out from the body: a method other than
 * private_key_jwt, no keys, an RS256 or other assertion algorithm outside
 * PS256/ES256/EdDSA, RS256 ID tokens, the password grant, or saying no to DPoP or PAR.
 */
function fapi2Refusals(text: string): string[] {
  let members: Record<string, unknown>;
  try {
    members = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return [];
  }
  if (typeof members !== 'object' || members === null) return [];
  const reasons: string[] = [];
  if (present(members.token_endpoint_auth_method) && members.token_endpoint_auth_method !== 'private_key_jwt') reasons.push('a method other than private_key_jwt');
  if (!present(members.jwks) && !present(members.jwks_uri)) reasons.push('no keys');
  if (present(members.token_endpoint_auth_signing_alg) && !['PS256', 'ES256', 'EdDSA'].includes(members.token_endpoint_auth_signing_alg as string)) reasons.push('an assertion algorithm outside §5.4.1');
  if (members.id_token_signed_response_alg === 'RS256') reasons.push('RS256 ID tokens');
  if (Array.isArray(members.grant_types) && members.grant_types.includes('password')) reasons.push('the password grant');
  if (members.dpop_bound_access_tokens === false) reasons.push('no DPoP');
  if (members.require_pushed_authorization_requests === false) reasons.push('no PAR');
  return reasons;
}

/** What a client information response under the profile must say, whatever was asked. */
function expectConforming(information: Record<string, unknown>, what: string) {
  expect(information.token_endpoint_auth_method, what).toBe('private_key_jwt');
  expect(present(information.jwks) || present(information.jwks_uri), `no keys: ${what}`).toBe(true);
  expect(information, what).not.toHaveProperty('client_secret');
  expect(information.dpop_bound_access_tokens, what).toBe(true);
  expect(information.require_pushed_authorization_requests, what).toBe(true);
  expect(information.grant_types, what).not.toContain('password');
  expect([undefined, 'PS256', 'ES256', 'EdDSA'], what).toContain(information.token_endpoint_auth_signing_alg);
  expect(information.id_token_signed_response_alg, what).not.toBe('RS256');
  expect(information.response_types, what).not.toContain('token');
}

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`generated requests to the registration endpoints on ${backend.name}`, { timeout: 120_000 }, () => {
    let t: OAuthTestApp;
    let db: Digester;
    let unchanged: Unchanged;
    let existing: string[];
    let credentials: fc.Arbitrary<Credential>;
    let fewUses: InitialAccessToken;
    let unlimited: Issued;
    /** The tokens the model property registers with, the spent and expired among them. */
    let modelTokens: Issued[];
    const registrations: Registration[] = [];
    let adminClient: { id: string; secret: string };

    const issue = async (input: CreateRegistrationTokenInput, now?: number): Promise<Issued> => {
      const created = await createRegistrationToken(t.storage, input, actor, now);
      return { token: created.token, value: created.value };
    };
    const allowanceOf = (token: InitialAccessToken): Allowance => ({ grantTypes: token.grantTypes ?? GRANT_TYPES, scopes: token.scopes });

    /** Registers through the endpoint, as a client would, and keeps what it was told. */
    async function registerFor(template: Entries, issued: Issued): Promise<Registration> {
      const res = await t.http.post('/oauth/register').set('Authorization', `Bearer ${issued.value}`).type('application/json').send(objectText(template));
      expect(res.status, res.text).toBe(201);
      const information = res.body as Record<string, unknown>;
      const registration: Registration = {
        id: information.client_id as string, accessToken: information.registration_access_token as string, stale: [], deleted: false,
        allowance: allowanceOf(issued.token), secret: (information.client_secret as string | undefined) ?? null, information: withoutSecret(information),
      };
      registrations.push(registration);
      return registration;
    }

    beforeAll(async () => {
      t = await oauthTestApp(backend, { REGISTRATION_RATE_LIMIT: 'off' });
      existing = (await t.storage.scopes.list()).map((scope) => scope.name);
      adminClient = await t.client({ name: 'admin-made' });
      unlimited = await issue({ description: 'unlimited' });
      const code = await issue({ description: 'code flow only', grantTypes: ['authorization_code', 'refresh_token'], scopes: ['openid', 'read'] });
      const machine = await issue({ description: 'client credentials only', grantTypes: ['client_credentials'], scopes: ['read'] });
      const few = await issue({ description: 'three uses', maxUses: 3, scopes: ['read', 'write'] });
      fewUses = few.token;
      const exhausted = await issue({ description: 'used up', maxUses: 1 });
      const expired = await issue({ description: 'expired', expiresIn: 60 }, Date.now() - 3_600_000);
      const revoked = await issue({ description: 'revoked' });
      const revokedLater = await issue({ description: 'revoked after use', grantTypes: ['authorization_code'], scopes: ['openid'] });
      const readWrite = await issue({ description: 'read and write', scopes: ['read', 'write'] });
      modelTokens = [unlimited, code, machine, readWrite, unlimited, code, await issue({ description: 'two uses', maxUses: 2 }), expired];

      await registerFor(TEMPLATES[0]!, code);
      await registerFor(TEMPLATES[1]!, machine);
      await registerFor(TEMPLATES[2]!, unlimited);
      await registerFor(TEMPLATES[3]!, revokedLater);
      await registerFor(TEMPLATES[4]!, exhausted);
      // An update may still ask for what a revoked or spent token allowed; nothing more.
      await revokeRegistrationToken(t.storage, revoked.token.id, actor);
      await revokeRegistrationToken(t.storage, revokedLater.token.id, actor);

      const live = [unlimited, code, machine, few];
      const dead = [exhausted, expired, revoked];
      const bearer = (value: string) => `Bearer ${value}`;
      const encoded = (s: string) => Buffer.from(s).toString('base64');
      credentials = fc.oneof(
        { weight: 10, arbitrary: fc.constantFrom(...live).map((c): Credential => ({ label: c.token.description!, header: bearer(c.value), allowance: allowanceOf(c.token), token: c.token })) },
        { weight: 1, arbitrary: fc.constantFrom(...live).map((c): Credential => ({ label: 'spelled oddly', header: `bearer  ${c.value} `, allowance: allowanceOf(c.token), token: c.token })) },
        { weight: 3, arbitrary: fc.constantFrom<Credential>(
          ...dead.map((c) => ({ label: c.token.description!, header: bearer(c.value), allowance: null, token: null })),
          { label: 'none', header: undefined, allowance: null, token: null },
          { label: 'unknown', header: bearer('tg_iat_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'), allowance: null, token: null },
          { label: 'a registration access token', header: bearer(registrations[0]!.accessToken), allowance: null, token: null },
          { label: 'twice', header: [bearer(unlimited.value), bearer(unlimited.value)], allowance: null, token: null },
          { label: 'Basic', header: basic(adminClient.id, adminClient.secret), allowance: null, token: null },
          { label: 'with a tail', header: `${bearer(unlimited.value)}, Bearer x`, allowance: null, token: null },
          { label: 'a prefix', header: bearer(unlimited.value.slice(0, -1)), allowance: null, token: null },
        ) },
        { weight: 1, arbitrary: fc.oneof(headerSafe(junk).map((s) => `Bearer ${s}`), headerSafe(junk), junk.map((s) => `Basic ${encoded(s)}`))
          .map((header): Credential => ({ label: 'junk', header, allowance: null, token: null })) },
      );
      db = await digester(t.config.database);
      unchanged = new Unchanged(db);
    });
    afterAll(async () => {
      await db?.close();
      await t?.close();
    });

    const rarely = <T>(usual: T, ...rare: T[]) => fc.oneof({ weight: 12, arbitrary: fc.constant(usual) }, { weight: 1, arbitrary: fc.constantFrom(...rare) });

    it('POST /oauth/register: never a 5xx, always an RFC 7591 error, a refusal changes nothing, and nothing beyond the token is ever registered', async () => {
      await unchanged.baseline();
      await fc.assert(fc.asyncProperty(
        rarely('POST', 'GET', 'PUT', 'DELETE', 'PATCH'), credentials, fc.constantFrom(...TEMPLATES), mutations, bodyStyles, contentType,
        fc.jsonValue({ maxDepth: 3 }), fc.nat(),
        async (method, credential, template, ops, style, type, anyJson, cut) => {
          const entries = mutate(template, ops);
          const raw = bodyText(entries, style, anyJson, cut);
          const body = raw === undefined ? undefined : expand(raw);
          const usesBefore = credential.token ? (await t.storage.initialAccessTokens.get(credential.token.id))!.uses : 0;
          const test = t.http[method.toLowerCase() as 'post']('/oauth/register');
          if (credential.header !== undefined) test.set('Authorization', credential.header as string);
          const res = await send(test, type, body);
          const what = `${method} /oauth/register [${type}] (${credential.label}) ${raw?.slice(0, 400) ?? ''}`;
          expectNoServerError(res, what);
          expectRefusedIfUnstorable(res, what, bodyStrings(type, body));
          if (res.status >= 400 && !refusedByNode(res)) expectRegistrationError(res, what, method === 'POST');
          else expect(res.status, `${what} → ${res.status} ${res.text}`).toBe(201);

          if (res.status === 201) {
            const mustRefuse = credential.allowance === null ? ['no live initial access token'] : bodyRefusals(type, body, entries, style, credential.allowance);
            const maxUses = credential.token?.maxUses ?? null;
            const spent = maxUses !== null && usesBefore >= maxUses;
            expect([...mustRefuse, ...(spent ? ['the token was used up'] : [])], `registered although it must be refused: ${what}`).toEqual([]);
            const information = res.body as Record<string, unknown>;
            expectWithin(information, credential.allowance!, existing, what);
            const requested = JSON.parse(body!) as Record<string, unknown>;
            const grants = (requested.grant_types ?? ['authorization_code']) as string[];
            // Grant types are refused, never narrowed: the client gets what it asked for.
            expect([...new Set(information.grant_types as string[])].sort(), what).toEqual([...new Set(grants)].sort());
            if (typeof requested.scope === 'string') {
              const asked = requested.scope.split(' ');
              expect(String(information.scope).split(' ').filter((scope) => scope !== '' && !asked.includes(scope)), what).toEqual([]);
            }
            const stored = (await t.storage.clients.get(information.client_id as string))!;
            expect(stored.registration, what).toEqual({
              kind: 'dynamic', initialAccessTokenId: credential.token!.id, sourceAddress: expect.any(String), accessTokenHash: sha256(information.registration_access_token as string),
            });
            expect(stored.secretHash, what).toBe(typeof information.client_secret === 'string' ? sha256(information.client_secret) : null);
            expect((await t.storage.initialAccessTokens.get(credential.token!.id))!.uses, `one use spent: ${what}`).toBe(usesBefore + 1);
            registrations.push({
              id: information.client_id as string, accessToken: information.registration_access_token as string, stale: [], deleted: false,
              allowance: credential.allowance!, secret: (information.client_secret as string | undefined) ?? null, information: withoutSecret(information),
            });
          }
          await unchanged.check(res.status >= 400, what);
        },
      ), { numRuns: NUM_RUNS ?? 150 });
      // The token with three uses was offered often enough to run out, and never gave more.
      expect((await t.storage.initialAccessTokens.get(fewUses.id))!.uses).toBeLessThanOrEqual(3);
    });

    it('registrations and updates answer exactly what the token\'s limits say: refused beyond them, forbidden redirect URIs refused, scopes narrowed', async () => {
      // Uses as the model counts them, from what the store says now.
      const spent = new Map<string, number>();
      for (const { token } of modelTokens) spent.set(token.id, (await t.storage.initialAccessTokens.get(token.id))!.uses);
      await unchanged.baseline();
      await fc.assert(fc.asyncProperty(modelled, async ({ action, who, grants, publicClient, uris, scope }) => {
        const live = registrations.filter((r) => !r.deleted);
        const registration = action === 'update' && live.length > 0 ? live[who % live.length]! : null;
        const token = modelTokens[who % modelTokens.length]!;
        const keyed = registration?.information.token_endpoint_auth_method === 'private_key_jwt';
        const isPublic = registration ? registration.information.token_endpoint_auth_method === 'none' : publicClient && !grants.includes('client_credentials');
        const wanted = isPublic ? grants.filter((grant) => grant !== 'client_credentials') : grants;
        const grantTypes = wanted.length > 0 ? wanted : ['authorization_code'];
        const redirectUris = grantTypes.includes('authorization_code') ? uris : undefined;
        const members: Record<string, unknown> = {
          client_name: 'Modelled', grant_types: grantTypes, token_endpoint_auth_method: isPublic ? 'none' : keyed ? 'private_key_jwt' : 'client_secret_basic',
          // A client that authenticates with its keys keeps them: an update must send them again (it replaces the metadata).
          ...(keyed && { jwks: registration.information.jwks, jwks_uri: registration.information.jwks_uri }),
          ...(redirectUris && { redirect_uris: redirectUris }), ...(scope !== undefined && { scope }),
        };
        let res;
        let allowance: Allowance;
        if (registration) {
          // An update may narrow a client, never widen it: what it has now, within what its registration was allowed.
          const current = registration.information;
          const currentScopes = String(current.scope).split(' ').filter((name) => name !== '');
          allowance = {
            grantTypes: registration.allowance.grantTypes.filter((grant) => (current.grant_types as string[]).includes(grant)),
            scopes: (registration.allowance.scopes ?? existing).filter((name) => currentScopes.includes(name)),
          };
          res = await t.http.put(`/oauth/register/${registration.id}`).set('Authorization', `Bearer ${registration.accessToken}`).type('application/json')
            .send(JSON.stringify({ client_id: registration.id, ...members }));
        } else {
          allowance = allowanceOf(token.token);
          res = await t.http.post('/oauth/register').set('Authorization', `Bearer ${token.value}`).type('application/json').send(JSON.stringify(members));
        }
        const what = `${registration ? `PUT ${registration.id}` : `POST with ${token.token.description}`} ${JSON.stringify(members)} → ${res.status} ${res.text}`;
        expectNoServerError(res, what);
        const { expiresAt, maxUses } = token.token;
        const dead = (expiresAt !== null && expiresAt <= Date.now()) || (maxUses !== null && spent.get(token.token.id)! >= maxUses);
        if (!registration && dead) {
          expect(res.status, what).toBe(401);
          expect(res.body, what).toEqual({ error: 'invalid_token', error_description: 'The initial access token is invalid, expired, revoked or used up.' });
        } else {
          const { refusals, scopes } = expectedOutcome(allowance, existing, grantTypes, redirectUris, scope);
          if (refusals.length > 0) {
            expect(res.status, what).toBe(400);
            const body = res.body as { error: string; error_description: string };
            expect(refusals.some((r) => r.error === body.error && r.description.test(body.error_description)), `not one of ${refusals.map((r) => `${r.error} ${r.description}`).join('; ')}: ${what}`).toBe(true);
          } else {
            expect(res.status, what).toBe(registration ? 200 : 201);
            const information = res.body as Record<string, unknown>;
            expect(String(information.scope).split(' ').filter((name) => name !== '').sort(), what).toEqual([...scopes].sort());
            expect(information.grant_types, what).toEqual(grantTypes);
            if (registration) {
              registration.stale.push(registration.accessToken);
              registration.accessToken = information.registration_access_token as string;
              registration.information = information;
            } else {
              spent.set(token.token.id, spent.get(token.token.id)! + 1);
              registrations.push({
                id: information.client_id as string, accessToken: information.registration_access_token as string, stale: [], deleted: false, allowance,
                secret: (information.client_secret as string | undefined) ?? null, information: withoutSecret(information),
              });
            }
          }
        }
        await unchanged.check(res.status >= 400, what);
      }), { numRuns: NUM_RUNS ?? 100 });
    });

    it('GET, PUT, DELETE /oauth/register/:id: never a 5xx, only the client\'s current token works, and an update stays within its allowance', async () => {
      const targets = fc.oneof(
        { weight: 10, arbitrary: fc.nat().map((n) => ({ kind: 'live' as const, n })) },
        { weight: 1, arbitrary: fc.nat().map((n) => ({ kind: 'deleted' as const, n })) },
        { weight: 1, arbitrary: fc.constantFrom({ kind: 'admin' as const, n: 0 }, { kind: 'unknown' as const, n: 0 }, { kind: 'nul' as const, n: 0 }) },
        { weight: 1, arbitrary: junk.map((value) => ({ kind: 'junk' as const, n: 0, value })) },
      );
      const bearers = fc.oneof(
        { weight: 10, arbitrary: fc.constant({ kind: 'current' as const }) },
        { weight: 1, arbitrary: fc.constantFrom({ kind: 'stale' as const }, { kind: 'other' as const }, { kind: 'initial' as const }, { kind: 'none' as const }, { kind: 'twice' as const }) },
        { weight: 1, arbitrary: headerSafe(junk).map((value) => ({ kind: 'junk' as const, value })) },
      );
      const secrets = rarely('keep' as const, 'right' as const, 'wrong' as const, 'junk' as const);
      const ids = rarely('same' as const, 'other' as const, 'absent' as const, 'junk' as const);

      await unchanged.baseline();
      await fc.assert(fc.asyncProperty(
        fc.oneof({ weight: 12, arbitrary: fc.constantFrom('GET', 'PUT', 'PUT', 'PUT', 'DELETE') }, { weight: 1, arbitrary: fc.constantFrom('POST', 'PATCH', 'HEAD', 'OPTIONS') }),
        targets, bearers, mutations, bodyStyles, contentType, secrets, ids, fc.jsonValue({ maxDepth: 2 }), fc.nat(), fc.nat(3).map((n) => n > 0),
        async (method, target, bearer, ops, style, type, secret, idChoice, anyJson, cut, fromOwn) => {
          // Deleted registrations stay in the pool, as targets that must now be refused; new ones keep the live ones coming.
          if (registrations.filter((r) => !r.deleted).length < 3) {
            await registerFor(TEMPLATES[cut % TEMPLATES.length]!, unlimited).catch(() => registerFor(TEMPLATES[1]!, unlimited));
            await unchanged.baseline();
          }
          const live = registrations.filter((r) => !r.deleted);
          const deleted = registrations.filter((r) => r.deleted);
          const registration = target.kind === 'deleted' && deleted.length > 0 ? deleted[target.n % deleted.length]!
            : target.kind === 'live' || target.kind === 'deleted' ? live[target.n % live.length]! : null;
          const other = live[(target.n + 1) % live.length]!;
          const id = registration?.id ?? {
            admin: adminClient.id, unknown: 'A'.repeat(22), nul: `${other.id}\u0000`, junk: wellFormed(expand('value' in target ? target.value : '')),
          }[target.kind as 'admin'];
          const path = `/oauth/register/${encodeURIComponent(id) || '%zz'}`;
          const header = {
            current: registration ? `Bearer ${registration.accessToken}` : `Bearer ${other.accessToken}`,
            stale: `Bearer ${registration?.stale.at(-1) ?? other.stale[0] ?? 'tg_rat_stale'}`,
            other: `Bearer ${other === registration ? 'tg_rat_other' : other.accessToken}`,
            initial: `Bearer ${unlimited.value}`,
            none: undefined,
            twice: registration ? [`Bearer ${registration.accessToken}`, `Bearer ${registration.accessToken}`] : undefined,
            junk: `Bearer ${'value' in bearer ? bearer.value : ''}`,
          }[bearer.kind];

          // Mostly the client's own metadata; now and then another kind of client's, which its allowance may not cover.
          const template: Entries = Object.entries(fromOwn ? registration?.information ?? other.information : Object.fromEntries(TEMPLATES[cut % TEMPLATES.length]!))
            .filter(([name]) => !['client_id', 'registration_access_token', 'registration_client_uri', 'client_id_issued_at', 'client_secret_expires_at'].includes(name));
          const clientId = { same: id, other: other.id, absent: undefined, junk: 'x' }[idChoice];
          if (clientId !== undefined) template.unshift(['client_id', clientId]);
          const secretValue = { keep: undefined, right: registration?.secret ?? undefined, wrong: 'tg_cs_wrong', junk: 42 }[secret];
          if (secretValue !== undefined) template.push(['client_secret', secretValue]);
          const entries = mutate(template, ops);
          const raw = method === 'PUT' || method === 'POST' ? bodyText(entries, style, anyJson, cut) : undefined;
          const body = raw === undefined ? undefined : expand(raw);

          const test = t.http[method.toLowerCase() as 'get'](path);
          if (header !== undefined) test.set('Authorization', header as string);
          const res = await send(test, body === undefined ? '' : type, body);
          const what = `${method} ${path.slice(0, 200)} (${registration ? (registration.deleted ? 'deleted' : 'live') : target.kind}, ${bearer.kind}) [${type}] ${raw?.slice(0, 400) ?? ''}`;
          expectNoServerError(res, what);
          const endpointMethod = ['GET', 'PUT', 'DELETE', 'HEAD'].includes(method);
          // A preflight reads neither the id nor the store.
          if (method !== 'OPTIONS') expectRefusedIfUnstorable(res, what, [id, ...(method === 'PUT' ? bodyStrings(type, body) : [])]);
          if (method === 'OPTIONS') expect(res.status, what).toBe(204);
          else if (res.status >= 400 && !refusedByNode(res)) {
            if (method !== 'HEAD') expectRegistrationError(res, what, endpointMethod);
          } else expect(res.status, `${what} → ${res.status} ${res.text}`).toBe(method === 'DELETE' ? 204 : 200);

          const succeeded = res.status < 300 && method !== 'OPTIONS';
          if (succeeded) {
            const authorised = registration !== null && !registration.deleted && bearer.kind === 'current';
            expect(authorised, `succeeded without the client's current registration access token: ${what}`).toBe(true);
          }
          if (succeeded && method === 'GET') {
            // A read answers what the last registration or update answered, with the token that was presented.
            expect(res.body, what).toEqual({ ...registration!.information });
          }
          if (succeeded && method === 'PUT') {
            const mustRefuse = bodyRefusals(type, body, entries, style, registration!.allowance);
            const sent = JSON.parse(body!) as Record<string, unknown>;
            if (sent.client_id !== registration!.id) mustRefuse.push('client_id is not the client\'s');
            if (sent.client_secret !== undefined && (registration!.secret === null || sent.client_secret !== registration!.secret)) mustRefuse.push('client_secret is not the client\'s');
            if (authKind(sent.token_endpoint_auth_method) !== authKind(registration!.information.token_endpoint_auth_method)) {
              mustRefuse.push('a public client turned confidential, a client with a secret turned to keys, or the other way');
            }
            expect(mustRefuse, `updated although it must be refused: ${what}`).toEqual([]);
            const information = res.body as Record<string, unknown>;
            expectWithin(information, registration!.allowance, existing, what);
            expect(information, what).toMatchObject({ client_id: registration!.id, registration_client_uri: `${t.config.issuer}/oauth/register/${registration!.id}` });
            expect(information, what).not.toHaveProperty('client_secret');
            expect(information.registration_access_token, what).not.toBe(registration!.accessToken);
            registration!.stale.push(registration!.accessToken);
            registration!.accessToken = information.registration_access_token as string;
            registration!.information = information;
          }
          if (succeeded && method === 'DELETE') {
            registration!.deleted = true;
            expect((await t.storage.clients.get(registration!.id))!.status, what).toBe('revoked');
          }
          // A read, whatever its answer, changes nothing either.
          await unchanged.check(!succeeded || method === 'GET' || method === 'HEAD', what);
        },
      ), { numRuns: NUM_RUNS ?? 150 });
    });
  });

  describe.skipIf(backend.unavailable !== null)(`generated requests to open registration on ${backend.name}`, { timeout: 120_000 }, () => {
    let t: OAuthTestApp;
    let db: Digester;
    let unchanged: Unchanged;
    let existing: string[];
    const open: Allowance = { grantTypes: ['authorization_code', 'refresh_token'], scopes: ['openid', 'read'] };

    beforeAll(async () => {
      t = await oauthTestApp(backend, { REGISTRATION: 'open', REGISTRATION_RATE_LIMIT: 'off', OPEN_REGISTRATION_SCOPES: 'openid read' });
      existing = (await t.storage.scopes.list()).map((scope) => scope.name);
      db = await digester(t.config.database);
      unchanged = new Unchanged(db);
    });
    afterAll(async () => {
      await db?.close();
      await t?.close();
    });

    it('POST /oauth/register without a token: never client_credentials, nothing beyond what was opened, a refusal changes nothing', async () => {
      const headers = fc.oneof(
        { weight: 10, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.oneof(headerSafe(junk).map((s) => `Bearer ${s}`), headerSafe(junk), fc.constant('Bearer tg_iat_unknown')) },
      );
      await unchanged.baseline();
      await fc.assert(fc.asyncProperty(
        headers, fc.constantFrom(...TEMPLATES), mutations, bodyStyles, contentType, fc.jsonValue({ maxDepth: 3 }), fc.nat(),
        async (header, template, ops, style, type, anyJson, cut) => {
          const entries = mutate(template, ops);
          const raw = bodyText(entries, style, anyJson, cut);
          const body = raw === undefined ? undefined : expand(raw);
          const test = t.http.post('/oauth/register');
          if (header !== undefined) test.set('Authorization', header);
          const res = await send(test, type, body);
          const what = `POST /oauth/register [${type}] ${header ?? ''} ${raw?.slice(0, 400) ?? ''}`;
          expectNoServerError(res, what);
          expectRefusedIfUnstorable(res, what, bodyStrings(type, body));
          if (res.status >= 400 && !refusedByNode(res)) expectRegistrationError(res, what, true);
          else expect(res.status, `${what} → ${res.status} ${res.text}`).toBe(201);
          if (res.status === 201) {
            const mustRefuse = header === undefined ? bodyRefusals(type, body, entries, style, open) : ['a bearer token no server issued'];
            expect(mustRefuse, `registered although it must be refused: ${what}`).toEqual([]);
            expectWithin(res.body as Record<string, unknown>, open, existing, what);
            expect((await t.storage.clients.get(res.body.client_id as string))!.registration, what).toMatchObject({ kind: 'dynamic', initialAccessTokenId: null });
          }
          await unchanged.check(res.status >= 400, what);
        },
      ), { numRuns: NUM_RUNS ?? 75 });
    });
  });

  describe.skipIf(backend.unavailable !== null)(`generated registrations on a SECURITY_PROFILE=fapi2 server on ${backend.name}`, { timeout: 120_000 }, () => {
    let t: OAuthTestApp;
    let db: Digester;
    let unchanged: Unchanged;
    let token: Issued;
    const made: Registration[] = [];

    beforeAll(async () => {
      t = await oauthTestApp(backend, { SECURITY_PROFILE: 'fapi2', REGISTRATION_RATE_LIMIT: 'off' });
      const created = await createRegistrationToken(t.storage, { description: 'fapi' }, actor);
      token = { token: created.token, value: created.value };
      db = await digester(t.config.database);
      unchanged = new Unchanged(db);
    });
    afterAll(async () => {
      await db?.close();
      await t?.close();
    });

    it('POST and PUT: a client that could not meet the profile is never registered; what is registered says private_key_jwt, DPoP and PAR', async () => {
      const updates = fc.record({ update: fc.nat(3).map((n) => n === 0), who: fc.nat() });
      await unchanged.baseline();
      await fc.assert(fc.asyncProperty(
        updates, fc.constantFrom(...FAPI_TEMPLATES, ...FAPI_TEMPLATES, ...TEMPLATES), fapiMutations, contentType,
        async ({ update, who }, template, ops, type) => {
          const registration = update && made.length > 0 ? made[who % made.length]! : null;
          const base: Entries = registration
            ? [['client_id', registration.id], ...Object.entries(registration.information).filter(([name]) => !READ_ONLY_MEMBERS.includes(name))]
            : template;
          const entries = mutate(base, ops);
          const body = expand(objectText(entries));
          const test = registration
            ? t.http.put(`/oauth/register/${registration.id}`).set('Authorization', `Bearer ${registration.accessToken}`)
            : t.http.post('/oauth/register').set('Authorization', `Bearer ${token.value}`);
          const res = await send(test, type, body);
          const what = `${registration ? `PUT ${registration.id}` : 'POST'} [${type}] ${body.slice(0, 400)} → ${res.status} ${res.text.slice(0, 400)}`;
          expectNoServerError(res, what);
          expectRefusedIfUnstorable(res, what, bodyStrings(type, body));
          if (res.status >= 400 && !refusedByNode(res)) expectRegistrationError(res, what, true);
          else expect(res.status, what).toBe(registration ? 200 : 201);
          if (res.status < 300) {
            const mustRefuse = [...bodyRefusals(type, body, entries, 'json', { grantTypes: GRANT_TYPES, scopes: null }), ...fapi2Refusals(body)];
            if (registration && authKind(JSON.parse(body).token_endpoint_auth_method ?? 'private_key_jwt') !== 'keys') mustRefuse.push('a client with keys changed how it authenticates');
            expect(mustRefuse, `accepted although it must be refused: ${what}`).toEqual([]);
            const information = res.body as Record<string, unknown>;
            expectConforming(information, what);
            const stored = (await t.storage.clients.get(information.client_id as string))!;
            expect(fapi2MetadataProblems(stored), what).toEqual([]);
            expect(stored.secretHash, what).toBeNull();
            if (registration) {
              registration.accessToken = information.registration_access_token as string;
              registration.information = information;
            } else {
              made.push({
                id: information.client_id as string, accessToken: information.registration_access_token as string, stale: [], deleted: false,
                allowance: { grantTypes: GRANT_TYPES, scopes: null }, secret: null, information,
              });
            }
          }
          await unchanged.check(res.status >= 400, what);
        },
      ), { numRuns: NUM_RUNS ?? 150 });
      // The oracles above were reached: some registrations and updates succeeded.
      expect(made.length).toBeGreaterThan(0);
    });
  });
}
