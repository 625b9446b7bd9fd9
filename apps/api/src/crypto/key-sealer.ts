import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** A private JWK as stored: AES-256-GCM ciphertext, bound to its key id. */
export interface SealedJwk {
  sealed: 'A256GCM';
  iv: string;
  data: string;
  tag: string;
}

export function isSealed(value: Record<string, unknown>): boolean {
  return value.sealed === 'A256GCM';
}

/** The stored key cannot be opened with this secret: another KEY_ENCRYPTION_KEY or key file sealed it. */
export class KeyUnsealError extends Error {
  readonly code = 'key_unseal_failed';
  constructor(kid: string) {
    super(`signing key ${kid} cannot be decrypted: it was sealed with another KEY_ENCRYPTION_KEY or key file; `
      + 'use the one this database was set up with (every process on one database needs the same one)');
    this.name = 'KeyUnsealError';
  }
}

/**
 * Encrypts signing keys' private halves before they reach the database, so a
 * dump of it cannot be used to forge ID tokens. The secret lives outside the
 * database: in `KEY_ENCRYPTION_KEY`, or a key file made on first start.
 */
export class KeySealer {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), 'tollgate-signing-keys', 'v1', 32));
  }

  seal(kid: string, jwk: Record<string, unknown>): SealedJwk {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(kid, 'utf8'));
    const data = Buffer.concat([cipher.update(JSON.stringify(jwk), 'utf8'), cipher.final()]);
    return { sealed: 'A256GCM', iv: iv.toString('base64url'), data: data.toString('base64url'), tag: cipher.getAuthTag().toString('base64url') };
  }

  open(kid: string, stored: Record<string, unknown>): Record<string, unknown> {
    const sealed = stored as unknown as SealedJwk;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(sealed.iv, 'base64url'));
      decipher.setAAD(Buffer.from(kid, 'utf8'));
      decipher.setAuthTag(Buffer.from(sealed.tag, 'base64url'));
      const plain = Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64url')), decipher.final()]);
      return JSON.parse(plain.toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new KeyUnsealError(kid);
    }
  }
}

/**
 * The secret of this installation, from which the sealer's key and other keys
 * every process must share are derived: `secret` when given, else the key
 * file's, which is created (mode 0600, atomically, so two processes starting
 * together agree) when it does not exist yet.
 */
export function installationSecret(options: { secret: string | null; file: string }): string {
  return options.secret ?? readOrCreateKeyFile(options.file);
}

/** The sealer for this installation (see `installationSecret`). */
export function openKeySealer(options: { secret: string | null; file: string }): KeySealer {
  return new KeySealer(installationSecret(options));
}

function readOrCreateKeyFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  fs.writeFileSync(temporary, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
  try {
    // link() fails when the file exists: whoever links first wins, and everyone reads the winner.
    fs.linkSync(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    fs.rmSync(temporary, { force: true });
  }
  return fs.readFileSync(file, 'utf8').trim();
}
