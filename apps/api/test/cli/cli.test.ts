import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/crypto/password.js';
import { sha256 } from '../../src/crypto/random.js';
import { findToken } from '../../src/oauth/tokens/lookup.js';
import { openStorage } from '../../src/storage/sql/index.js';
import type { Storage } from '../../src/storage/types.js';
import request from 'supertest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createMetrics } from '../../src/http/metrics.js';
import { createLogger } from '../../src/logger.js';
import { cli, cliWithEnv } from '../support/cli.js';
import { TEST_KEY_ENCRYPTION_KEY } from '../support/keys.js';
import { backends, type TestDatabase } from '../support/databases.js';

const PUBLIC_KEY = { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' };

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`CLI on ${backend.name}`, () => {
    let database: TestDatabase;
    let storage: Storage;
    const run = (...args: string[]) => cli(database.url, ...args);

    beforeAll(async () => {
      database = await backend.create();
      const setup = await run('setup', '--admin-username', 'root', '--admin-password', 'correct horse battery');
      expect(setup).toMatchObject({ code: 0, stderr: '' });
      expect(setup.stdout).toContain('Migrations applied: 0001-initial');
      expect(setup.stdout).toContain('First administrator: root');
      storage = await openStorage(database.config);
    });

    afterAll(async () => {
      await storage?.close();
      await database?.drop();
    });

    it('setup is idempotent and creates nothing the second time', async () => {
      const again = await run('setup', '--json');
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout)).toEqual({ migrations: [], created_scopes: [], console_client: 'unchanged', created_keys: [], first_admin: null });
      const admins = await storage.users.list({ limit: 10 });
      expect(admins.items.map((u) => u.username)).toEqual(['root']);
      expect(await storage.clients.get('tollgate-console')).toMatchObject({ tokenEndpointAuthMethod: 'none', system: true });
    });

    it('keys rotate makes new keys and keeps the retired ones published', async () => {
      const before = await storage.keys.listActive();
      expect(new Set(before.map((k) => k.algorithm))).toEqual(new Set(['ES256', 'RS256']));
      const rotated = await run('keys', 'rotate', '--json');
      expect(rotated.code, rotated.stderr).toBe(0);
      const result = JSON.parse(rotated.stdout) as { created: { kid: string; alg: string }[]; retired: string[] };
      expect(result.created.map((k) => k.alg).sort()).toEqual(['ES256', 'RS256']);
      expect(result.retired.sort()).toEqual(before.map((k) => k.id).sort());
      const active = await storage.keys.listActive();
      expect(active.map((k) => k.id).sort()).toEqual(result.created.map((k) => k.kid).sort());
      const listed = await run('keys', 'list', '--json');
      const kids = (JSON.parse(listed.stdout) as { kid: string; status: string }[]);
      expect(kids.map((k) => k.kid).sort()).toEqual([...before.map((k) => k.id), ...result.created.map((k) => k.kid)].sort());
      expect(kids.filter((k) => k.status === 'active')).toHaveLength(2);
      expect(await run('keys', 'rotate', 'extra')).toMatchObject({ code: 2 });
    });

    it('tokens admin mints an admin API token for an active administrator only', async () => {
      const made = await run('tokens', 'admin', '--username', 'ROOT', '--ttl', '10m', '--json');
      expect(made.code, made.stderr).toBe(0);
      const { access_token, expires_in, scope } = JSON.parse(made.stdout) as { access_token: string; expires_in: number; scope: string };
      expect({ expires_in, scope }).toEqual({ expires_in: 600, scope: 'openid oauth-admin' });
      const row = await findToken(storage, access_token);
      const root = await storage.users.getByUsername('root');
      expect(row).toMatchObject({ kind: 'access', clientId: 'tollgate-console', userId: root!.id, scopes: ['openid', 'oauth-admin'] });

      const app = createApp({ config: loadConfig({ DATABASE_URL: database.url, KEY_ENCRYPTION_KEY: TEST_KEY_ENCRYPTION_KEY }), storage, logger: createLogger('silent'), metrics: createMetrics() });
      const res = await request(app.handle).get('/admin/api/clients').set('Authorization', `Bearer ${access_token}`);
      await app.close();
      expect(res.status).toBe(200);
      expect((await storage.audit.list({ limit: 5, action: 'token.issue_admin' })).items[0]).toMatchObject({ actorType: 'cli', targetId: root!.id });

      await run('users', 'create', '--username', 'plain-user', '--password', 'correct horse battery');
      expect(await run('tokens', 'admin', '--username', 'plain-user')).toMatchObject({ code: 2, stderr: 'tollgate tokens admin: plain-user is not an active administrator' });
      expect(await run('tokens', 'admin', '--username', 'nobody')).toMatchObject({ code: 2 });
      expect(await run('tokens', 'admin', '--username', 'root', '--ttl', '13h')).toMatchObject({ code: 2, stderr: 'tollgate tokens admin: --ttl must be at most 12h' });
    });

    it('setup names the flag that is wrong', async () => {
      expect(await run('setup', '--admin-username', 'root', '--admin-password', 'short')).toEqual({
        code: 2, stdout: '', stderr: 'tollgate setup: --admin-password must be at least 8 characters',
      });
      expect(await run('setup', '--admin-username', 'root')).toEqual({
        code: 2, stdout: '', stderr: 'tollgate setup: --admin-username and --admin-password go together',
      });
    });

    it('clients create --json prints credentials that match what is stored, hashed', async () => {
      expect((await run('scopes', 'create', 'read', '--description', 'Read your data')).code).toBe(0);
      expect((await run('scopes', 'create', 'write', '--description', 'Change your data')).code).toBe(0);
      const result = await run('clients', 'create', '--name', 'Billing', '--scopes', 'read write', '--json');
      expect(result).toMatchObject({ code: 0, stderr: '' });
      const printed = JSON.parse(result.stdout);
      expect(printed).toMatchObject({
        client_id: expect.stringMatching(/^[A-Za-z0-9]{22}$/),
        client_secret: expect.stringMatching(/^tg_cs_[\w-]{43}$/),
        client_name: 'Billing',
        grant_types: ['client_credentials'],
        scope: 'read write',
        token_endpoint_auth_method: 'client_secret_basic',
        status: 'active',
      });
      const stored = await storage.clients.get(printed.client_id);
      expect(stored?.secretHash).toBe(sha256(printed.client_secret));
      expect(JSON.stringify(stored)).not.toContain(printed.client_secret);
    });

    it('creates a public authorization-code client without a secret', async () => {
      const result = await run('clients', 'create', '--name', 'SPA', '--public', '--redirect-uris', 'http://localhost:5173/cb,https://spa.example/cb', '--scopes', 'openid profile', '--json');
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({
        client_secret: null,
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        redirect_uris: ['http://localhost:5173/cb', 'https://spa.example/cb'],
      });
    });

    it('registers a client for the password grant with --grant-types password, and only with it', async () => {
      const created = await run('clients', 'create', '--name', 'Legacy app', '--grant-types', 'password,refresh_token', '--scopes', 'openid', '--json');
      expect(created.code, created.stderr).toBe(0);
      const printed = JSON.parse(created.stdout) as { client_id: string; grant_types: string[] };
      expect(printed.grant_types).toEqual(['password', 'refresh_token']);
      expect(await storage.clients.get(printed.client_id)).toMatchObject({ grantTypes: ['password', 'refresh_token'], tokenEndpointAuthMethod: 'client_secret_basic' });
      const plain = await run('clients', 'create', '--name', 'Plain app', '--grant-types', 'client_credentials', '--json');
      expect(plain.code, plain.stderr).toBe(0);
      expect((await storage.clients.get((JSON.parse(plain.stdout) as { client_id: string }).client_id))!.grantTypes).not.toContain('password');
    });

    it('makes a client require pushed authorization requests with --require-par, and switches it with clients update --require-par on|off', async () => {
      const created = await run('clients', 'create', '--name', 'Portal', '--grant-types', 'authorization_code', '--redirect-uris', 'https://portal.example/cb', '--scopes', 'openid', '--require-par', '--json');
      expect(created.code, created.stderr).toBe(0);
      const printed = JSON.parse(created.stdout) as { client_id: string; require_pushed_authorization_requests: boolean };
      expect(printed.require_pushed_authorization_requests).toBe(true);
      expect(await storage.clients.get(printed.client_id)).toMatchObject({ requirePushedAuthorizationRequests: true });
      const off = await run('clients', 'update', printed.client_id, '--require-par', 'off', '--json');
      expect(off.code, off.stderr).toBe(0);
      expect(JSON.parse(off.stdout)).toMatchObject({ require_pushed_authorization_requests: false });
      const bad = await run('clients', 'update', printed.client_id, '--require-par', 'yes');
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--require-par must be on or off');
      expect(await storage.clients.get(printed.client_id)).toMatchObject({ requirePushedAuthorizationRequests: false });
    });

    it('puts a client under the FAPI 2.0 profile with --security-profile fapi2, and exits 2 for one that could not meet it', async () => {
      const refused = await run('clients', 'create', '--name', 'Bank', '--scopes', 'openid', '--security-profile', 'fapi2');
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('FAPI 2.0 Security Profile needs private_key_jwt');
      const created = await run('clients', 'create', '--name', 'Bank', '--auth-method', 'private_key_jwt', '--jwks-uri', 'https://bank.example/jwks.json', '--scopes', 'openid', '--security-profile', 'fapi2', '--json');
      expect(created.code, created.stderr).toBe(0);
      const printed = JSON.parse(created.stdout) as { client_id: string; security_profile: string | null };
      expect(printed.security_profile).toBe('fapi2');
      const off = await run('clients', 'update', printed.client_id, '--security-profile', 'none', '--json');
      expect(off.code, off.stderr).toBe(0);
      expect(JSON.parse(off.stdout)).toMatchObject({ security_profile: null });
      expect((await run('clients', 'update', printed.client_id, '--security-profile', 'fapi3')).code).toBe(2);
      // With SECURITY_PROFILE=fapi2 every client must conform, flag or not.
      const serverWide = await cliWithEnv({ DATABASE_URL: database.url, SECURITY_PROFILE: 'fapi2' }, 'clients', 'create', '--name', 'Secret', '--scopes', 'openid');
      expect(serverWide.code).toBe(2);
      expect(serverWide.stderr).toContain('SECURITY_PROFILE=fapi2');
    });

    it('creates private_key_jwt clients without a secret, with keys by URL or from a file', async () => {
      const byUri = await run('clients', 'create', '--name', 'Batch', '--auth-method', 'private_key_jwt', '--jwks-uri', 'https://batch.example/jwks.json', '--json');
      expect(byUri.code, byUri.stderr).toBe(0);
      const printed = JSON.parse(byUri.stdout);
      expect(printed).toMatchObject({ client_secret: null, token_endpoint_auth_method: 'private_key_jwt' });
      expect(await storage.clients.get(printed.client_id)).toMatchObject({ secretHash: null, jwksUri: 'https://batch.example/jwks.json', jwks: null });
      const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-jwks-'));
      const file = path.join(dir, 'jwks.json');
      writeFileSync(file, JSON.stringify({ keys: [PUBLIC_KEY] }));
      const fromFile = await run('clients', 'create', '--name', 'Batch 2', '--auth-method', 'private_key_jwt', '--jwks', file);
      expect(fromFile.code, fromFile.stderr).toBe(0);
      expect(fromFile.stdout).toContain('private_key_jwt: no secret; it authenticates with JWTs signed by its registered keys.');
      const id = /client_id: +(\S+)/.exec(fromFile.stdout)![1]!;
      expect(await storage.clients.get(id)).toMatchObject({ secretHash: null, jwks: { keys: [PUBLIC_KEY] }, tokenEndpointAuthMethod: 'private_key_jwt' });
      rmSync(dir, { recursive: true, force: true });
    });

    it('pins a private_key_jwt client\'s assertion signing algorithm with --auth-signing-alg, on create and on update', async () => {
      const created = await run('clients', 'create', '--name', 'Pinned', '--auth-method', 'private_key_jwt', '--jwks-uri', 'https://pinned.example/jwks.json',
        '--auth-signing-alg', 'ES256', '--json');
      expect(created.code, created.stderr).toBe(0);
      const printed = JSON.parse(created.stdout);
      expect(printed).toMatchObject({ token_endpoint_auth_signing_alg: 'ES256' });
      expect((await storage.clients.get(printed.client_id))?.tokenEndpointAuthSigningAlg).toBe('ES256');
      const changed = await run('clients', 'update', printed.client_id, '--auth-signing-alg', 'EdDSA', '--json');
      expect(changed.code, changed.stderr).toBe(0);
      expect(JSON.parse(changed.stdout)).toMatchObject({ token_endpoint_auth_signing_alg: 'EdDSA' });
      expect((await run('clients', 'update', printed.client_id, '--auth-signing-alg', 'any')).code).toBe(0);
      expect((await storage.clients.get(printed.client_id))?.tokenEndpointAuthSigningAlg).toBeNull();
      const hmac = await run('clients', 'update', printed.client_id, '--auth-signing-alg', 'HS256');
      expect(hmac.code).toBe(2);
      expect(hmac.stderr).toContain('--auth-signing-alg must be one of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA');
    });

    it('creates a native app that comes back to a private-use scheme', async () => {
      const result = await run('clients', 'create', '--name', 'Desktop', '--public', '--application-type', 'native', '--redirect-uris', 'com.example.desktop:/cb', '--json');
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ application_type: 'native', redirect_uris: ['com.example.desktop:/cb'], registration: 'admin' });
    });

    it.each([
      [['--name', 'X', '--grant-types', 'authorization_code', '--redirect-uris', 'http://evil.example/cb'],
        'tollgate clients create: --redirect-uris http://evil.example/cb must use https (http is allowed only for localhost and loopback addresses)'],
      [['--name', 'X', '--grant-types', 'authorization_code', '--redirect-uris', 'https://app.example/cb#x'],
        'tollgate clients create: --redirect-uris https://app.example/cb#x must not have a fragment'],
      [['--name', 'X', '--grant-types', 'authorization_code', '--redirect-uris', 'app/cb'],
        'tollgate clients create: --redirect-uris app/cb is not an absolute URL'],
      [['--name', 'X', '--scopes', 'nope'], 'tollgate clients create: --scopes unknown scope "nope": create it first'],
      [['--name', 'X', '--grant-types', 'implicit'], 'tollgate clients create: --grant-types must each be one of authorization_code, client_credentials, refresh_token, urn:ietf:params:oauth:grant-type:device_code, password, urn:ietf:params:oauth:grant-type:token-exchange'],
      [['--name', 'X', '--public', '--grant-types', 'client_credentials'], 'tollgate clients create: --grant-types client_credentials needs a confidential client (RFC 6749 §4.4)'],
      [['--name', 'X', '--public', '--redirect-uris', 'com.example.x:/cb'],
        'tollgate clients create: --redirect-uris com.example.x:/cb uses a private-use scheme, which only a native application (application type native) may register'],
      [['--name', 'X', '--application-type', 'desktop'], 'tollgate clients create: --application-type must be one of web, native'],
      [['--name', 'X', '--access-token-ttl', 'soon'], 'tollgate clients create: --access-token-ttl must be a positive duration such as 3600, 15m or 1h (got "soon")'],
      [['--name', 'X', '--grant-types', 'authorization_code', '--redirect-uris', 'https://*/cb'],
        'tollgate clients create: --redirect-uris https://*/cb must name its host by a DNS name (letters, digits and hyphens) or an IP address'],
      [['--name', 'X', '--logo-url', 'https://logo.example;script-src/x.png'],
        'tollgate clients create: --logo-url https://logo.example;script-src/x.png must name its host by a DNS name (letters, digits and hyphens) or an IP address'],
      [['--scopes', 'read'], 'tollgate clients create: --name is required'],
      [['--name', 'X', '--auth-method', 'private_key_jwt'], 'tollgate clients create: --auth-method private_key_jwt needs the client\'s public keys: give jwks or jwks_uri'],
      [['--name', 'X', '--auth-method', 'private_key_jwt', '--jwks-uri', 'http://batch.example/jwks'], 'tollgate clients create: --jwks-uri http://batch.example/jwks must use https'],
      [['--name', 'X', '--auth-method', 'private_key_jwt', '--jwks', '/nonexistent/jwks.json'], 'tollgate clients create: --jwks: cannot read /nonexistent/jwks.json: ENOENT'],
      [['--name', 'Pay\u202Egnp.exe'], 'tollgate clients create: --name must not contain U+202E (a control, invisible or text direction character)'],
      [['--name', 'X', '--bogus'], 'tollgate clients create: Unknown option \'--bogus\' (see tollgate clients create --help)'],
    ])('refuses bad input %j with one line and exit code 2, writing nothing', async (args, message) => {
      const before = await storage.clients.list({ limit: 1000 });
      const auditBefore = await storage.audit.list({ limit: 1000 });
      const result = await run('clients', 'create', ...args);
      expect(result).toEqual({ code: 2, stdout: '', stderr: message });
      expect(await storage.clients.list({ limit: 1000 })).toEqual(before);
      expect(await storage.audit.list({ limit: 1000 })).toEqual(auditBefore);
    });

    it('users create refuses a taken user name in any case', async () => {
      const created = await run('users', 'create', '--username', 'grace', '--password', 'long enough', '--email', 'grace@example.com', '--json');
      expect(created.code).toBe(0);
      expect(JSON.parse(created.stdout)).toMatchObject({ username: 'grace', email: 'grace@example.com', admin: false });
      const again = await run('users', 'create', '--username', 'GRACE', '--password', 'long enough');
      expect(again).toEqual({ code: 2, stdout: '', stderr: 'tollgate users create: user name "GRACE" is already taken' });
      const short = await run('users', 'create', '--username', 'ada', '--password', 'short');
      expect(short).toEqual({ code: 2, stdout: '', stderr: 'tollgate users create: --password must be at least 8 characters' });
      expect(await storage.users.getByUsername('ada')).toBeNull();
      const hidden = await run('users', 'create', '--username', 'eve', '--password', 'long enough', '--name', 'Eve\u2068');
      expect(hidden).toEqual({ code: 2, stdout: '', stderr: 'tollgate users create: --name must not contain U+2068 (a control, invisible or text direction character)' });
      expect(await storage.users.getByUsername('eve')).toBeNull();
    });

    it('users reset-password gives an administrator a new password, ends what they had, and names its problems', async () => {
      const { access_token } = JSON.parse((await run('tokens', 'admin', '--username', 'root', '--json')).stdout) as { access_token: string };
      const before = (await storage.users.getByUsername('root'))!;
      const reset = await run('users', 'reset-password', 'ROOT');
      expect(reset.code, reset.stderr).toBe(0);
      const password = /^New password \(shown this once\): (\S+)$/m.exec(reset.stdout)?.[1];
      expect(password).toMatch(/^[\w-]{20}$/);
      expect(reset.stdout).toMatch(/^Reset the password of root: [1-9]\d* token\(s\) revoked, 0 session\(s\) ended\.$/m);
      const after = (await storage.users.getByUsername('root'))!;
      expect(after.passwordMustChange).toBe(true);
      expect(await verifyPassword(password!, after.passwordHash)).toBe(true);
      expect(await verifyPassword('correct horse battery', after.passwordHash)).toBe(false);
      expect(await findToken(storage, access_token)).toMatchObject({ revokedAt: expect.any(Number) });
      expect((await storage.audit.list({ limit: 1, action: 'user.password_reset' })).items[0]).toMatchObject({ actorType: 'cli', targetId: before.id });

      const chosen = await run('users', 'reset-password', 'root', '--password', 'correct horse battery', '--json');
      expect(chosen.code, chosen.stderr).toBe(0);
      expect(JSON.parse(chosen.stdout)).toEqual({ username: 'root', revoked_tokens: 0, ended_sessions: 0 });
      const chosenHash = (await storage.users.getByUsername('root'))!.passwordHash;
      expect(await verifyPassword('correct horse battery', chosenHash)).toBe(true);

      expect(await run('users', 'reset-password', 'root', '--password', 'short')).toEqual({
        code: 2, stdout: '', stderr: 'tollgate users reset-password: --password must be at least 8 characters',
      });
      expect(await run('users', 'reset-password', 'nobody')).toEqual({ code: 2, stdout: '', stderr: 'tollgate users reset-password: no user is named nobody' });
      expect(await run('users', 'reset-password')).toEqual({
        code: 2, stdout: '', stderr: 'tollgate users reset-password: missing USERNAME (see tollgate users reset-password --help)',
      });
      expect((await storage.users.getByUsername('root'))!.passwordHash).toBe(chosenHash);
    });

    it('users reset-mfa removes every second factor of a user, audited, and names its problems', async () => {
      const root = (await storage.users.getByUsername('root'))!;
      await storage.factors.putPendingTotp(root.id, 'sealed', 1000);
      await storage.factors.useTotpStep(root.id, 1, 1000, true);
      await storage.factors.replaceRecoveryCodes(root.id, ['h1', 'h2'], 1000);
      const reset = await run('users', 'reset-mfa', 'ROOT');
      expect(reset).toEqual({ code: 0, stderr: '', stdout: 'Removed the second factors of root: authenticator app removed, 0 passkey(s), 2 unused recovery code(s).' });
      expect(await storage.factors.summary(root.id)).toEqual({ totp: false, passkeys: 0, recoveryCodes: 0 });
      expect((await storage.audit.list({ limit: 1, action: 'user.second_factors_reset' })).items[0]).toMatchObject({ actorType: 'cli', targetId: root.id });
      expect(JSON.parse((await run('users', 'reset-mfa', 'root', '--json')).stdout)).toEqual({ username: 'root', totp: false, passkeys: 0, recovery_codes: 0 });
      expect(await run('users', 'reset-mfa', 'nobody')).toEqual({ code: 2, stdout: '', stderr: 'tollgate users reset-mfa: no user is named nobody' });
      expect(await run('users', 'reset-mfa')).toEqual({ code: 2, stdout: '', stderr: 'tollgate users reset-mfa: missing USERNAME (see tollgate users reset-mfa --help)' });
    });

    it('clients list shows every client, as a table or JSON', async () => {
      const json = JSON.parse((await run('clients', 'list', '--json')).stdout) as { client_id: string; client_name: string }[];
      expect(json.map((c) => c.client_name)).toEqual(expect.arrayContaining(['Tollgate console', 'Billing', 'SPA']));
      expect(JSON.stringify(json)).not.toMatch(/secret_hash|tg_cs_/);
      const text = (await run('clients', 'list')).stdout;
      expect(text.split('\n')[0]).toMatch(/^CLIENT ID\s+NAME\s+STATUS\s+GRANT TYPES\s+AUTH METHOD$/);
      expect(text).toContain('Billing');
    });

    it('clients revoke is idempotent and protects the console client', async () => {
      const { client_id: id } = JSON.parse((await run('clients', 'create', '--name', 'Doomed', '--json')).stdout);
      expect(await run('clients', 'revoke', id)).toMatchObject({ code: 0, stdout: `Revoked client ${id} with its tokens, codes and consents` });
      expect(await run('clients', 'revoke', id)).toMatchObject({ code: 0, stdout: `Client ${id} was already revoked` });
      expect(await storage.clients.get(id)).toMatchObject({ status: 'revoked' });
      expect(await run('clients', 'revoke', 'no-such-client')).toEqual({ code: 2, stdout: '', stderr: 'tollgate clients revoke: no client has id no-such-client' });
      const console = await run('clients', 'revoke', 'tollgate-console');
      expect(console.code).toBe(2);
      expect(console.stderr).toMatch(/lock administrators out; add --force if you mean it$/);
      expect(await storage.clients.get('tollgate-console')).toMatchObject({ status: 'active' });
    });

    it('scopes create is idempotent and updates a description', async () => {
      expect((await run('scopes', 'create', 'read', '--description', 'Read your data')).stdout).toBe('Updated scope read: Read your data');
      expect((await run('scopes', 'create', 'read', '--description', 'Read all of your data')).code).toBe(0);
      expect(await storage.scopes.get('read')).toMatchObject({ description: 'Read all of your data' });
      expect(await run('scopes', 'create', 'bad scope', '--description', 'x')).toEqual({
        code: 2, stdout: '', stderr: 'tollgate scopes create: NAME may hold only printable ASCII without spaces, quotes or backslashes (RFC 6749 §3.3)',
      });
      expect(await run('scopes', 'create', 'empty')).toEqual({ code: 2, stdout: '', stderr: 'tollgate scopes create: --description is required: the consent page shows it' });
      expect(await run('scopes', 'create', 'shady', '--description', 'Read\u200B')).toEqual({
        code: 2, stdout: '', stderr: 'tollgate scopes create: --description must not contain U+200B (a control, invisible or text direction character)',
      });
      expect(await storage.scopes.get('shady')).toBeNull();
    });

    it('refuses NUL characters and unpaired surrogates in flags and arguments with exit code 2, before writing anything', async () => {
      const clients = await storage.clients.list({ limit: 1000 });
      for (const bad of ['\u0000', '\ud800']) {
        expect(await run('clients', 'create', '--name', `a${bad}b`)).toEqual({
          code: 2, stdout: '', stderr: 'tollgate clients create: --name must not contain NUL characters or unpaired surrogates',
        });
        expect(await run('clients', 'list', '--search', bad)).toEqual({
          code: 2, stdout: '', stderr: 'tollgate clients list: --search must not contain NUL characters or unpaired surrogates',
        });
        expect(await run('clients', 'revoke', `x${bad}`)).toEqual({
          code: 2, stdout: '', stderr: 'tollgate clients revoke: CLIENT_ID must not contain NUL characters or unpaired surrogates',
        });
        expect(await run('scopes', 'create', `x${bad}`, '--description', 'd')).toEqual({
          code: 2, stdout: '', stderr: 'tollgate scopes create: NAME must not contain NUL characters or unpaired surrogates',
        });
      }
      expect(await storage.clients.list({ limit: 1000 })).toEqual(clients);
    });

    it('registration-tokens create --json prints the token this once; only its hash is stored', async () => {
      const result = await run('registration-tokens', 'create', '--expires-in', '1d', '--max-uses', '2', '--grant-types', 'authorization_code,refresh_token',
        '--scopes', 'openid read', '--description', 'MCP agents', '--json');
      expect(result).toMatchObject({ code: 0, stderr: '' });
      const printed = JSON.parse(result.stdout);
      expect(printed).toEqual({
        token: expect.stringMatching(/^tg_iat_[\w-]{43}$/), id: expect.stringMatching(/^[A-Za-z0-9]{22}$/), prefix: printed.token.slice(0, 13),
        description: 'MCP agents', status: 'active', grant_types: ['authorization_code', 'refresh_token'], scope: 'openid read', max_uses: 2, uses: 0,
        expires_at: expect.any(String), created_at: expect.any(String), last_used_at: null, revoked_at: null,
      });
      expect(Date.parse(printed.expires_at) - Date.parse(printed.created_at)).toBe(86_400_000);
      const stored = await storage.initialAccessTokens.findByHash(sha256(printed.token));
      expect(stored).toMatchObject({ id: printed.id, createdByType: 'cli', maxUses: 2, scopes: ['openid', 'read'] });
      expect(JSON.stringify(stored)).not.toContain(printed.token);
      expect((await storage.audit.list({ targetId: printed.id, limit: 5 })).items).toEqual([
        expect.objectContaining({ action: 'registration_token.create', actorType: 'cli', targetType: 'registration_token' }),
      ]);

      const open = await run('registration-tokens', 'create');
      expect(open.code).toBe(0);
      expect(open.stdout).toMatch(/^Created registration token [A-Za-z0-9]{22}\n {2}token: {7}tg_iat_[\w-]{43}\n/);
      expect(open.stdout).toContain('  scopes:      any but oauth-admin');
    });

    it('registration-tokens list shows every token without its value, and revoke is idempotent', async () => {
      const { id, token } = JSON.parse((await run('registration-tokens', 'create', '--description', 'Doomed', '--json')).stdout);
      const listed = JSON.parse((await run('registration-tokens', 'list', '--json')).stdout) as { id: string; status: string }[];
      expect(listed[0]).toMatchObject({ id, status: 'active', description: 'Doomed' });
      expect(listed.length).toBeGreaterThanOrEqual(3);
      expect(JSON.stringify(listed)).not.toMatch(/tg_iat_[\w-]{20}|token_hash/);
      const text = (await run('registration-tokens', 'list')).stdout;
      expect(text.split('\n')[0]).toMatch(/^ID\s+PREFIX\s+STATUS\s+USES\s+EXPIRES\s+DESCRIPTION$/);
      expect(text).not.toContain(token);

      expect(await run('registration-tokens', 'revoke', id)).toMatchObject({ code: 0, stdout: `Revoked registration token ${id}` });
      expect(await run('registration-tokens', 'revoke', id, '--json')).toMatchObject({ code: 0, stdout: JSON.stringify({ id, revoked: true, already_revoked: true }) });
      expect(await storage.initialAccessTokens.consume(sha256(token), Date.now())).toBeNull();
      expect((await storage.audit.list({ targetId: id, action: 'registration_token.revoke', limit: 5 })).items).toHaveLength(1);
      expect(await run('registration-tokens', 'revoke', 'no-such-token')).toEqual({ code: 2, stdout: '', stderr: 'tollgate registration-tokens revoke: no registration token has id no-such-token' });
      expect(await run('registration-tokens', 'revoke')).toEqual({
        code: 2, stdout: '', stderr: 'tollgate registration-tokens revoke: missing ID (see tollgate registration-tokens revoke --help)',
      });
    });

    it.each([
      [['--scopes', 'openid oauth-admin'], 'tollgate registration-tokens create: --scopes oauth-admin is never given to a registered client'],
      [['--scopes', 'nope'], 'tollgate registration-tokens create: --scopes unknown scope "nope": create it first'],
      [['--grant-types', 'password'], 'tollgate registration-tokens create: --grant-types must each be one of authorization_code, client_credentials, refresh_token, urn:ietf:params:oauth:grant-type:device_code, urn:ietf:params:oauth:grant-type:token-exchange'],
      [['--grant-types', ''], 'tollgate registration-tokens create: --grant-types must name at least one grant type (leave it out to allow every one)'],
      [['--max-uses', '0'], 'tollgate registration-tokens create: --max-uses must be at least 1'],
      [['--max-uses', 'lots'], 'tollgate registration-tokens create: --max-uses must be a whole number of 1 or more (got "lots")'],
      [['--expires-in', 'soon'], 'tollgate registration-tokens create: --expires-in must be a positive duration such as 3600, 15m or 1h (got "soon")'],
      [['--expires-in', '400d'], 'tollgate registration-tokens create: --expires-in must be at most a year'],
      [['--description', ' '], 'tollgate registration-tokens create: --description must not be empty (leave it out for none)'],
      [['--expires-at', '2030-01-01T00:00:00Z'], 'tollgate registration-tokens create: Unknown option \'--expires-at\' (see tollgate registration-tokens create --help)'],
    ])('registration-tokens create refuses %j with one line and exit code 2, writing nothing', async (args, message) => {
      const before = await storage.initialAccessTokens.list({ limit: 1000 });
      const auditBefore = await storage.audit.list({ limit: 1000 });
      expect(await run('registration-tokens', 'create', ...args)).toEqual({ code: 2, stdout: '', stderr: message });
      expect(await storage.initialAccessTokens.list({ limit: 1000 })).toEqual(before);
      expect(await storage.audit.list({ limit: 1000 })).toEqual(auditBefore);
    });

    it('records who did what in the audit log', async () => {
      const entries = (await storage.audit.list({ limit: 100 })).items;
      expect(entries.filter((e) => e.action === 'client.create' && e.actorType === 'cli').length).toBeGreaterThanOrEqual(3);
      expect(JSON.stringify(entries)).not.toMatch(/tg_cs_|correct horse/);
    });
  });
}

describe('CLI without a usable database', () => {
  it('gives a one-line message and exit code 2 for a malformed DATABASE_URL', async () => {
    expect(await cli('mysql://root@localhost/x', 'clients', 'list')).toEqual({
      code: 2, stdout: '', stderr: 'tollgate clients list: DATABASE_URL must start with sqlite: or postgres:// (got "mysql://root@localhost/x")',
    });
  });

  it('gives a one-line message and exit code 1 for an unreachable database, without its password', async () => {
    const result = await cli('postgres://tollgate:s3cret@127.0.0.1:1/tollgate', 'clients', 'list');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^tollgate: cannot reach PostgreSQL at 127\.0\.0\.1:1\/tollgate: .*ECONNREFUSED.*$/);
    expect(result.stderr).not.toContain('s3cret');
  });

  it('refuses unknown commands with exit code 2', async () => {
    expect(await cli('sqlite::memory:', 'tokens', 'burn')).toEqual({ code: 2, stdout: '', stderr: 'tollgate: unknown command "tokens burn"; run tollgate --help for the list' });
  });
});
