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

  it('uses OWASP-grade parameters by default', async () => {
    expect(await hashPassword('x')).toMatch(/^\$scrypt\$ln=17,r=8,p=1\$/);
  });

  it('generates 20-character passwords', () => {
    expect(generatePassword()).toMatch(/^[\w-]{20}$/);
  });
});
