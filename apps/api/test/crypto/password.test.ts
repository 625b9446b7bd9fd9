import { describe, expect, it } from 'vitest';
import { generatePassword, hashPassword, verifyPassword } from '../../src/crypto/password.js';

// Cheap parameters keep the test fast; the format carries them, so verification is the same code.
const cost = { log2N: 10, r: 8, p: 1 };

describe('password hashing', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery staple', cost);
    expect(stored).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', stored)).toBe(false);
  });

  it('verifies a hash made by an earlier version: scrypt with the parameters the hash names (known answer, checked with node:crypto alone)', async () => {
    const stored = '$scrypt$ln=10,r=8,p=1$3R5DM0cnoukoJJwJoMmofg$UTC_YY0KdX8uLTgy6ruehO2CUXn8gWoXArLzExWcd14';
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', stored)).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same', cost)).not.toBe(await hashPassword('same', cost));
  });

  it('treats Unicode forms of one password alike', async () => {
    const stored = await hashPassword('caf\u00e9', cost);
    expect(await verifyPassword('cafe\u0301', stored)).toBe(true);
  });

  it('refuses hashes it did not make', async () => {
    expect(await verifyPassword('x', 'plain-text')).toBe(false);
    expect(await verifyPassword('x', '$scrypt$ln=99,r=8,p=1$a$b')).toBe(false);
  });

  it('refuses a stored hash with anything before or after it, or a hash of another length', async () => {
    const stored = await hashPassword('pw', cost);
    expect(await verifyPassword('pw', `x${stored}`)).toBe(false);
    expect(await verifyPassword('pw', `${stored}!`)).toBe(false);
    expect(await verifyPassword('pw', stored.slice(0, -1))).toBe(false);
    expect(await verifyPassword('pw', `${stored}A`)).toBe(false);
  });

  it('verifies hashes at the edges of the parameters it takes, and refuses those beyond, deriving nothing from a tampered row', async () => {
    // Each refused hash is real: only the bound keeps it from verifying (or, for r=0 and p=0, from making scrypt throw).
    for (const edge of [{ log2N: 10, r: 1, p: 1 }, { log2N: 10, r: 16, p: 1 }, { log2N: 10, r: 1, p: 4 }, { log2N: 15, r: 1, p: 1 }, { log2N: 20, r: 2, p: 1 }]) {
      expect(await verifyPassword('pw', await hashPassword('pw', edge)), JSON.stringify(edge)).toBe(true);
    }
    for (const beyond of [{ log2N: 9, r: 8, p: 1 }, { log2N: 21, r: 2, p: 1 }, { log2N: 10, r: 17, p: 1 }, { log2N: 10, r: 8, p: 5 }]) {
      expect(await verifyPassword('pw', await hashPassword('pw', beyond)), JSON.stringify(beyond)).toBe(false);
    }
    const valid = await hashPassword('pw', cost);
    // r=0, p=0, and N of 2^16 with r=1 (RFC 7914 §2 wants N < 2^(16r)) make scrypt throw: a tampered row is a wrong password, not a server error.
    for (const tampered of [valid.replace('r=8', 'r=0'), valid.replace('p=1', 'p=0'), valid.replace('ln=10', 'ln=05'), valid.replace('ln=10,r=8', 'ln=16,r=1')]) {
      expect(await verifyPassword('pw', tampered), tampered).toBe(false);
    }
  }, 30_000);

  it('uses OWASP-grade parameters by default', async () => {
    expect(await hashPassword('x')).toMatch(/^\$scrypt\$ln=17,r=8,p=1\$/);
  });

  it('generates 20-character passwords', () => {
    expect(generatePassword()).toMatch(/^[\w-]{20}$/);
  });
});
