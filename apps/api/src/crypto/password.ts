import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt parameters; the defaults follow OWASP's password storage guidance (N=2^17, r=8, p=1). */
export interface PasswordHashCost {
  log2N: number;
  r: number;
  p: number;
}

export const DEFAULT_PASSWORD_COST: PasswordHashCost = { log2N: 17, r: 8, p: 1 };
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, cost: PasswordHashCost): Promise<Buffer> {
  const N = 2 ** cost.log2N;
  const options: ScryptOptions = { N, r: cost.r, p: cost.p, maxmem: 256 * N * cost.r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** `$scrypt$ln=17,r=8,p=1$<salt>$<hash>`, both base64url; the parameters travel with the hash. */
export async function hashPassword(password: string, cost: PasswordHashCost = DEFAULT_PASSWORD_COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, cost);
  return `$scrypt$ln=${cost.log2N},r=${cost.r},p=${cost.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** The digits each parameter can have within the bounds below: ln 10 to 20, r 1 to 16, p 1 to 4. */
const FORMAT = /^\$scrypt\$ln=(\d{2}),r=(\d{1,2}),p=(\d)\$([\w-]+)\$([\w-]+)$/;

/** False for a wrong password and for a hash this code did not produce. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = FORMAT.exec(stored);
  if (!match) return false;
  const cost = { log2N: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  // A tampered row must not be able to make us burn unbounded memory or time,
  // nor make scrypt throw: RFC 7914 §2 wants N < 2^(16r), which OpenSSL enforces.
  if (cost.log2N < 10 || cost.log2N > 20 || cost.r < 1 || cost.r > 16 || cost.p < 1 || cost.p > 4 || cost.log2N >= 16 * cost.r) return false;
  const expected = Buffer.from(match[5]!, 'base64url');
  const key = await derive(password, Buffer.from(match[4]!, 'base64url'), cost);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A password for a person to type once: 20 characters, 120 bits. */
export function generatePassword(): string {
  return randomBytes(15).toString('base64url');
}
