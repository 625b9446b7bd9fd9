import { describe, expect, it } from 'vitest';
import { KeySealer } from '../../src/crypto/key-sealer.js';
import { verifyPassword } from '../../src/crypto/password.js';
import { bootstrap, BUILTIN_SCOPES, CONSOLE_CLIENT_ID } from '../../src/setup/bootstrap.js';
import { openStorage } from '../../src/storage/sql/index.js';
import { MIGRATION_NAMES } from '../../src/storage/sql/migrate.js';
import { backends } from '../support/databases.js';
import { freshStorage } from '../support/storage.js';

const cost = { log2N: 10, r: 8, p: 1 };
const actor = { type: 'system' as const, id: 'test', sourceAddress: null };
const keySealer = new KeySealer('bootstrap test key encryption secret');

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`bootstrap on ${backend.name}`, () => {
    const storage = freshStorage(backend, { migrate: false });

    it('makes a fresh database usable, once, even when two processes race', async () => {
      const [a, b] = await Promise.all([
        bootstrap(storage(), { issuer: 'http://localhost:3000', actor, cost, keySealer }),
        bootstrap(storage(), { issuer: 'http://localhost:3000', actor, cost, keySealer }),
      ]);
      const firstAdmins = [a, b].filter((r) => r.firstAdmin !== null);
      expect(firstAdmins).toHaveLength(1);
      const active = await storage().keys.listActive();
      expect(new Set(active.map((key) => key.algorithm))).toEqual(new Set(['ES256', 'RS256']));
      expect(active.every((key) => key.privateJwk.sealed === 'A256GCM' && key.privateJwk.d === undefined && key.publicJwk.d === undefined)).toBe(true);
      const { firstAdmin } = firstAdmins[0]!;
      expect(firstAdmin).toMatchObject({ username: 'admin', generated: true, password: expect.stringMatching(/^[\w-]{20}$/) });

      const admin = await storage().users.getByUsername('admin');
      expect(admin).toMatchObject({ admin: true, passwordMustChange: true, disabledAt: null });
      expect(await verifyPassword(firstAdmin!.password, admin!.passwordHash)).toBe(true);

      expect((await storage().scopes.list()).map((s) => s.name).sort()).toEqual(Object.keys(BUILTIN_SCOPES).sort());
      expect(await storage().clients.get(CONSOLE_CLIENT_ID)).toMatchObject({
        tokenEndpointAuthMethod: 'none', secretHash: null, system: true,
        grantTypes: ['authorization_code', 'refresh_token'],
        scopes: ['openid', 'profile', 'oauth-admin'],
        redirectUris: ['http://localhost:3000/console/callback', 'http://localhost:3000/console/silent-renew'],
      });
    });

    it('changes nothing on a second run and keeps edited scope descriptions', async () => {
      await storage().scopes.upsert('profile', 'Your public profile', Date.now());
      const auditBefore = (await storage().audit.list({ limit: 100 })).items.length;
      const again = await bootstrap(storage(), { issuer: 'http://localhost:3000', actor, cost, keySealer });
      expect(again).toEqual({ migrations: [], createdScopes: [], consoleClient: 'unchanged', firstAdmin: null, noActiveAdmin: false, createdKeys: [] });
      expect((await storage().scopes.get('profile'))?.description).toBe('Your public profile');
      expect((await storage().audit.list({ limit: 100 })).items.length).toBe(auditBefore);
    });

    it('lets the console come back to a moved issuer', async () => {
      const moved = await bootstrap(storage(), { issuer: 'https://auth.example.com', actor, cost, keySealer });
      expect(moved.consoleClient).toBe('updated');
      expect((await storage().clients.get(CONSOLE_CLIENT_ID))?.redirectUris).toEqual([
        'http://localhost:3000/console/callback', 'http://localhost:3000/console/silent-renew',
        'https://auth.example.com/console/callback', 'https://auth.example.com/console/silent-renew',
      ]);
    });

    it('registers the console dev origin (CONSOLE_DEV_ORIGIN) beside the issuer, once', async () => {
      const withDev = { issuer: 'http://localhost:3000', consoleDevOrigin: 'http://localhost:5173', actor, cost, keySealer };
      expect((await bootstrap(storage(), withDev)).consoleClient).toBe('updated');
      const client = await storage().clients.get(CONSOLE_CLIENT_ID);
      expect(client?.redirectUris).toEqual(expect.arrayContaining(['http://localhost:5173/console/callback', 'http://localhost:5173/console/silent-renew', 'http://localhost:3000/console/callback']));
      expect(client?.postLogoutRedirectUris).toEqual(expect.arrayContaining(['http://localhost:3000/console/', 'http://localhost:5173/console/']));
      expect((await bootstrap(storage(), withDev)).consoleClient).toBe('unchanged');
    });

    it('says so when no active administrator is left', async () => {
      const admin = await storage().users.getByUsername('admin');
      await storage().users.update(admin!.id, { disabledAt: Date.now() }, Date.now());
      const result = await bootstrap(storage(), { issuer: 'http://localhost:3000', actor, cost, keySealer });
      expect(result).toMatchObject({ firstAdmin: null, noActiveAdmin: true });
      await storage().users.update(admin!.id, { disabledAt: null }, Date.now());
    });
  });
}

describe('bootstrap with a chosen administrator', () => {
  it('refuses a bad user name or password before touching the database', async () => {
    const database = await backends[0]!.create();
    const storage = await openStorage(database.config);
    try {
      await expect(bootstrap(storage, { issuer: 'http://localhost:3000', actor, cost, keySealer, admin: { username: 'root', password: 'short' } }))
        .rejects.toMatchObject({ fields: { password: 'must be at least 8 characters' } });
      expect(await storage.migrate()).toEqual(MIGRATION_NAMES);
    } finally {
      await storage.close();
      await database.drop();
    }
  });
});
