import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeySealer, KeyUnsealError, openKeySealer } from '../../src/crypto/key-sealer.js';
import { loadConfig } from '../../src/config.js';

describe('key sealer', () => {
  it('round-trips a JWK, bound to its key id', () => {
    const sealer = new KeySealer('a secret of at least thirty-two characters');
    const sealed = sealer.seal('kid-1', { kty: 'EC', d: 'private' });
    expect(JSON.stringify(sealed)).not.toContain('private');
    expect(sealer.open('kid-1', { ...sealed })).toEqual({ kty: 'EC', d: 'private' });
    expect(() => sealer.open('kid-2', { ...sealed })).toThrow(KeyUnsealError);
    expect(() => new KeySealer('another secret of thirty-two characters').open('kid-1', { ...sealed })).toThrow(KeyUnsealError);
  });

  it('makes one key file, readable by its owner only, even when several processes start at once', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-keyfile-'));
    const file = path.join(dir, 'nested', 'tollgate.key');
    const sealers = Array.from({ length: 5 }, () => openKeySealer({ secret: null, file }));
    const sealed = sealers[0]!.seal('kid', { d: 'x' });
    for (const sealer of sealers) expect(sealer.open('kid', { ...sealed })).toEqual({ d: 'x' });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['tollgate.key']);
    fs.rmSync(dir, { recursive: true });
  });

  it('keeps the key file beside the SQLite database by default, and wants a long KEY_ENCRYPTION_KEY', () => {
    expect(loadConfig({ DATABASE_URL: 'sqlite:/srv/tollgate/db.sqlite' }).keyEncryption).toEqual({ secret: null, file: '/srv/tollgate/tollgate.key' });
    expect(() => loadConfig({ KEY_ENCRYPTION_KEY: 'short' })).toThrow(/KEY_ENCRYPTION_KEY must be at least 32 characters/);
  });
});
