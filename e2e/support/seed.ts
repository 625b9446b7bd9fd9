import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What serve.ts registers besides the administrator, for specs to use. */
export interface Seed {
  /** A third-party application using the code flow with PKCE. */
  app: { clientId: string; clientSecret: string; name: string; redirectUri: string };
  /** An end user who is not an administrator. */
  user: { username: string; password: string };
  /** A resource server: a confidential client that may introspect any client's access tokens. */
  resourceServer: { clientId: string; clientSecret: string };
}

export const SEED_APP = { name: 'Photo Printer', redirectUri: 'http://127.0.0.1:4399/callback' };
export const SEED_USER = { username: 'e2e-user', password: 'e2e-user-password' };
/** Users the second-factor specs enrol, so no other spec meets a second-factor step. */
export const SEED_MFA_USERS = {
  passkey: { username: 'e2e-passkey', password: 'e2e-passkey-password' },
  totp: { username: 'e2e-totp', password: 'e2e-totp-password' },
};

/** One file per server port, so the SQLite and PostgreSQL servers do not mix their seeds. */
export function seedFile(port: string | number): string {
  return path.join(os.tmpdir(), `tollgate-e2e-seed-${port}.json`);
}

export function readSeed(baseURL: string | undefined): Seed {
  const port = new URL(baseURL!).port;
  return JSON.parse(fs.readFileSync(seedFile(port), 'utf8')) as Seed;
}
