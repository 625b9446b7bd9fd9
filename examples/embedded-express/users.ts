import { scryptSync, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';

/** This app's own users: a file, as any app's users table would be. Passwords are scrypt hashes. */
export interface AppUser {
  id: string;
  username: string;
  name: string;
  email: string;
  salt: string;
  passwordHash: string;
}

const users: AppUser[] = JSON.parse(fs.readFileSync(new URL('./users.json', import.meta.url), 'utf8'));

export function findUser(id: string): AppUser | undefined {
  return users.find((user) => user.id === id);
}

/** The user whose name and password these are, or null. */
export function checkPassword(username: string, password: string): AppUser | null {
  const user = users.find((u) => u.username === username.trim().toLowerCase());
  const expected = Buffer.from(user?.passwordHash ?? 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'base64url');
  const actual = scryptSync(password, user?.salt ?? 'decoy', 32);
  return user && timingSafeEqual(actual, expected) ? user : null;
}
