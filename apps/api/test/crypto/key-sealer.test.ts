import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isSealed, KeySealer, KeyUnsealError, openKeySealer } from '../../src/crypto/key-sealer.js';
import { loadConfig } from '../../src/config.js';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-keyfile-'));

describe('key sealer', () => {
  afterEach(() => vi.restoreAllMocks());

  it('round-trips a JWK, bound to its key id', () => {
    const sealer = new KeySealer('a secret of at least thirty-two characters');
    const sealed = sealer.seal('kid-1', { kty: 'EC', d: 'private' });
    expect(JSON.stringify(sealed)).not.toContain('private');
    expect(sealer.open('kid-1', { ...sealed })).toEqual({ kty: 'EC', d: 'private' });
    expect(() => sealer.open('kid-2', { ...sealed })).toThrow(KeyUnsealError);
    expect(() => new KeySealer('another secret of thirty-two characters').open('kid-1', { ...sealed })).toThrow(KeyUnsealError);
  });

  it('opens a key sealed by an earlier version: the key derivation and format are fixed (known answer, checked with node:crypto alone)', () => {
    const sealed = { sealed: 'A256GCM', iv: '2zhYKhadMkzXqPAF', data: '2v0H2COTVLD1s0O-JR6psUAgn_JOFRx8cMw', tag: 'HFu3YzHGm0hcp9nMJoq8sQ' };
    expect(new KeySealer('a secret of at least thirty-two characters').open('kid-1', sealed)).toEqual({ kty: 'EC', d: 'private' });
  });

  it('tells a sealed key from one stored before sealing', () => {
    expect(isSealed({ sealed: 'A256GCM', iv: 'x', data: 'x', tag: 'x' })).toBe(true);
    expect(isSealed({ kty: 'EC', d: 'private' })).toBe(false);
    expect(isSealed({ sealed: 'A128GCM' })).toBe(false);
  });

  it('says which key cannot be opened and what to do, with a code for the logs', () => {
    const sealed = new KeySealer('a secret of at least thirty-two characters').seal('kid-9', { d: 'x' });
    let error: unknown;
    try {
      new KeySealer('another secret of thirty-two characters').open('kid-9', { ...sealed });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(KeyUnsealError);
    expect({ ...(error as KeyUnsealError), message: (error as Error).message }).toEqual({
      code: 'key_unseal_failed', name: 'KeyUnsealError',
      message: 'signing key kid-9 cannot be decrypted: it was sealed with another KEY_ENCRYPTION_KEY or key file; use the one this database was set up with (every process on one database needs the same one)',
    });
  });

  it('makes one key file, readable by its owner only, even when several processes start at once', () => {
    const dir = tempDir();
    const file = path.join(dir, 'nested', 'twice', 'tollgate.key');
    const sealers = Array.from({ length: 5 }, () => openKeySealer({ secret: null, file }));
    const sealed = sealers[0]!.seal('kid', { d: 'x' });
    for (const sealer of sealers) expect(sealer.open('kid', { ...sealed })).toEqual({ d: 'x' });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['tollgate.key']);
    // 256 bits, base64url, on a line of its own.
    expect(fs.readFileSync(file, 'utf8')).toMatch(/^[A-Za-z0-9_-]{43}\n$/);
    fs.rmSync(dir, { recursive: true });
  });

  it('reads the key file another process made between its look and its own write: the first to link it wins', () => {
    const dir = tempDir();
    const file = path.join(dir, 'tollgate.key');
    const theirs = openKeySealer({ secret: null, file });
    const read = fs.readFileSync;
    let looks = 0;
    // The first look finds nothing, as if the other process had not linked its file yet.
    vi.spyOn(fs, 'readFileSync').mockImplementation(((...args: Parameters<typeof read>) => {
      looks += 1;
      if (looks === 1) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return read(...args);
    }) as typeof read);
    const ours = openKeySealer({ secret: null, file });
    expect(ours.open('kid', { ...theirs.seal('kid', { d: 'x' }) })).toEqual({ d: 'x' });
    expect(fs.readdirSync(dir)).toEqual(['tollgate.key']);
    fs.rmSync(dir, { recursive: true });
  });

  it('fails on a key file it cannot read for another reason, writing nothing', () => {
    const dir = tempDir();
    const file = path.join(dir, 'tollgate.key');
    fs.mkdirSync(file);
    const writes = vi.spyOn(fs, 'writeFileSync');
    expect(() => openKeySealer({ secret: null, file })).toThrow(expect.objectContaining({ code: 'EISDIR' }));
    expect(writes).not.toHaveBeenCalled();
    fs.rmSync(dir, { recursive: true });
  });

  it('fails when its key file cannot be linked into place for a reason other than another process\'s file, leaving no temporary file', () => {
    const dir = tempDir();
    vi.spyOn(fs, 'linkSync').mockImplementation(() => {
      throw Object.assign(new Error('EPERM'), { code: 'EPERM' });
    });
    expect(() => openKeySealer({ secret: null, file: path.join(dir, 'tollgate.key') })).toThrow(expect.objectContaining({ code: 'EPERM' }));
    expect(fs.readdirSync(dir)).toEqual([]);
    fs.rmSync(dir, { recursive: true });
  });

  it('keeps the key file beside the SQLite database by default, and wants a long KEY_ENCRYPTION_KEY', () => {
    expect(loadConfig({ DATABASE_URL: 'sqlite:/srv/tollgate/db.sqlite' }).keyEncryption).toEqual({ secret: null, file: '/srv/tollgate/tollgate.key' });
    expect(() => loadConfig({ KEY_ENCRYPTION_KEY: 'short' })).toThrow(/KEY_ENCRYPTION_KEY must be at least 32 characters/);
  });
});
