import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { generatePassword, hashPassword, type PasswordHashCost } from '../crypto/password.js';
import { audit, type Actor } from '../admin/actor.js';
import { parseOrThrow } from '../admin/validation.js';
import { password as passwordSchema, username as usernameSchema } from '../admin/users/schema.js';
import { ADMIN_SCOPE } from '../oauth/helpers/scope.js';
import type { KeySealer } from '../crypto/key-sealer.js';
import { SigningKeys } from '../oauth/tokens/signing-keys.js';
import { ConflictError, type SigningAlgorithm, type Storage } from '../storage/types.js';

export { ADMIN_SCOPE };

/** The console's public client: fixed id, so the console knows it without configuration. */
export const CONSOLE_CLIENT_ID = 'tollgate-console';

/** Scopes every installation has; their descriptions are what end users read on the consent page. */
export const BUILTIN_SCOPES: Record<string, string> = {
  openid: 'Sign you in with your account',
  profile: 'See your name and user name',
  email: 'See your email address',
  offline_access: 'Stay signed in and act for you while you are away',
  [ADMIN_SCOPE]: 'Administer this Tollgate server: clients, tokens and users',
};

export function consoleRedirectUris(issuer: string): string[] {
  return [`${issuer}/console/callback`, `${issuer}/console/silent-renew`];
}

/** Where the console lands after signing out. */
export function consoleHome(issuer: string): string {
  return `${issuer}/console/`;
}

const chosenAdmin = z.object({ username: usernameSchema, password: passwordSchema });

export interface BootstrapOptions {
  issuer: string;
  /** Where `npm run dev` serves the console (CONSOLE_DEV_ORIGIN): registered on the console client too. */
  consoleDevOrigin?: string | null;
  /** A chosen first administrator; without it one named `admin` gets a generated password. */
  admin?: { username: string; password: string };
  cost?: PasswordHashCost;
  actor: Actor;
  /** Encrypts the signing keys bootstrap creates. */
  keySealer: KeySealer;
  now?: number;
}

export interface BootstrapResult {
  migrations: string[];
  createdScopes: string[];
  consoleClient: 'created' | 'updated' | 'unchanged';
  /** Present only when this run created the first administrator. */
  firstAdmin: { username: string; password: string; generated: boolean } | null;
  /** True when no active administrator exists after this run (someone must create one). */
  noActiveAdmin: boolean;
  /** Algorithms that had no signing key and got one. */
  createdKeys: SigningAlgorithm[];
}

/**
 * Brings a database to a usable state: migrations, built-in scopes, the
 * console client and, on a database without users, a first administrator.
 * Idempotent: a second run changes nothing.
 */
export async function bootstrap(storage: Storage, options: BootstrapOptions): Promise<BootstrapResult> {
  try {
    return await bootstrapOnce(storage, options);
  } catch (error) {
    // Another process bootstrapping the same database at the same moment won the race; now all is there.
    if (error instanceof ConflictError) return bootstrapOnce(storage, options);
    throw error;
  }
}

async function bootstrapOnce(storage: Storage, options: BootstrapOptions): Promise<BootstrapResult> {
  const now = options.now ?? Date.now();
  const chosen = options.admin && parseOrThrow(chosenAdmin, options.admin);
  const migrations = await storage.migrate();
  const firstAdmin = chosen
    ? { ...chosen, generated: false }
    : { username: 'admin', password: generatePassword(), generated: true };
  // Hashing is slow on purpose: only when a first administrator is about to be made.
  const needsAdmin = (await storage.users.list({ limit: 1 })).items.length === 0;
  const passwordHash = needsAdmin ? await hashPassword(firstAdmin.password, options.cost) : null;

  const result = await storage.transaction(async (tx) => {
    const createdScopes: string[] = [];
    for (const [name, description] of Object.entries(BUILTIN_SCOPES)) {
      if (await tx.scopes.get(name)) continue;
      await tx.scopes.upsert(name, description, now);
      createdScopes.push(name);
    }

    const consoleOrigins = [options.issuer, ...(options.consoleDevOrigin ? [options.consoleDevOrigin] : [])];
    const redirectUris = consoleOrigins.flatMap(consoleRedirectUris);
    const homes = consoleOrigins.map(consoleHome);
    const existing = await tx.clients.get(CONSOLE_CLIENT_ID);
    let consoleClient: BootstrapResult['consoleClient'] = 'unchanged';
    if (!existing) {
      await tx.clients.create({
        id: CONSOLE_CLIENT_ID,
        name: 'Tollgate console',
        siteUrl: `${options.issuer}/console/`,
        logoUrl: null,
        redirectUris,
        grantTypes: ['authorization_code', 'refresh_token'],
        scopes: ['openid', 'profile', ADMIN_SCOPE],
        tokenEndpointAuthMethod: 'none',
        secretHash: null,
        accessTokenTtl: null,
        refreshTokenTtl: null,
        postLogoutRedirectUris: homes,
        idTokenSigningAlg: null,
        system: true,
        resourceServer: false,
      }, now);
      await audit(tx, options.actor, 'client.create', { type: 'client', id: CONSOLE_CLIENT_ID }, now, { name: 'Tollgate console' });
      consoleClient = 'created';
    } else if (!redirectUris.every((uri) => existing.redirectUris.includes(uri)) || !homes.every((uri) => existing.postLogoutRedirectUris.includes(uri))) {
      // The issuer moved (or a dev origin was added): the console must be able to come back to where it is served now.
      const merged = [...new Set([...existing.redirectUris, ...redirectUris])];
      const postLogout = [...new Set([...existing.postLogoutRedirectUris, ...homes])];
      await tx.clients.update(CONSOLE_CLIENT_ID, { redirectUris: merged, postLogoutRedirectUris: postLogout }, now);
      await audit(tx, options.actor, 'client.update', { type: 'client', id: CONSOLE_CLIENT_ID }, now, { redirectUris: merged, postLogoutRedirectUris: postLogout });
      consoleClient = 'updated';
    }

    let created: BootstrapResult['firstAdmin'] = null;
    if (passwordHash !== null && (await tx.users.list({ limit: 1 })).items.length === 0) {
      const user = await tx.users.create({
        id: randomUUID(),
        username: firstAdmin.username,
        displayName: 'Administrator',
        email: null,
        passwordHash,
        passwordMustChange: firstAdmin.generated,
        admin: true,
      }, now);
      await audit(tx, options.actor, 'user.create', { type: 'user', id: user.id }, now, { username: user.username, admin: true });
      created = firstAdmin;
    }
    const noActiveAdmin = (await tx.users.countActiveAdmins()) === 0;
    return { migrations, createdScopes, consoleClient, firstAdmin: created, noActiveAdmin };
  });
  // Retention does not matter for creating keys, only for publishing them.
  const createdKeys = await new SigningKeys(storage, 0, options.keySealer).ensure(now);
  for (const alg of createdKeys) await audit(storage, options.actor, 'key.create', null, now, { algorithm: alg });
  return { ...result, createdKeys };
}
