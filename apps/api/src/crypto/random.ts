import { hash, randomFillSync, timingSafeEqual } from 'node:crypto';

/**
 * CSPRNG bytes drawn from a pool refilled 8 KiB at a time, as Node does for
 * randomUUID: one system call per 256 tokens instead of one per token. Each
 * byte is handed out once; the returned buffer is a copy the caller owns.
 */
const POOL_SIZE = 8192;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let poolOffset = POOL_SIZE;

export function randomBytes(size: number): Buffer {
  if (size > POOL_SIZE) return randomFillSync(Buffer.allocUnsafe(size));
  if (poolOffset + size > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = Buffer.from(pool.subarray(poolOffset, poolOffset + size));
  pool.fill(0, poolOffset, poolOffset + size);
  poolOffset += size;
  return bytes;
}

/** Recognisable prefixes, so secret scanners can find a leaked value and people can tell them apart. */
export const PREFIX = {
  accessToken: 'tg_at_',
  refreshToken: 'tg_rt_',
  authorizationCode: 'tg_ac_',
  clientSecret: 'tg_cs_',
  registrationAccessToken: 'tg_rat_',
  initialAccessToken: 'tg_iat_',
  deviceCode: 'tg_dc_',
} as const;

/** 256 bits from the CSPRNG, base64url, behind a prefix. */
export function randomSecret(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * An identifier, not a secret: 22 letters and digits (about 131 bits). No
 * `-` or `_`, so an id never looks like a command-line flag.
 */
export function randomId(): string {
  let id = '';
  while (id.length < 22) {
    for (const byte of randomBytes(32)) {
      // 248 = 4 × 62: rejecting the rest keeps every character equally likely.
      if (byte < 248 && id.length < 22) id += ALPHANUMERIC[byte % 62];
    }
  }
  return id;
}

/** What we store in place of a token, code or client secret. */
export function sha256(value: string): string {
  // The one-shot hash: less than half the cost of createHash().update().digest() on short input.
  return hash('sha256', value, 'base64url');
}

/** Compares a presented secret with a stored hash in constant time. */
export function matchesHash(presented: string, storedHash: string): boolean {
  const a = Buffer.from(sha256(presented));
  const b = Buffer.from(storedHash);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The part of a token that may be shown: its prefix and a few characters, never enough to use it. */
export function visiblePrefix(value: string, prefix: string): string {
  return value.slice(0, prefix.length + 6);
}

/**
 * A UUIDv7 (RFC 9562) as its 16 bytes: the time in milliseconds, then
 * randomness. Rows keyed by it land at the end of their indexes instead of
 * anywhere, which keeps inserts cheap as a table grows to millions of tokens.
 */
export function timeOrderedUuidBytes(now = Date.now()): Buffer {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return bytes;
}

/** A UUIDv7 in its usual text form. */
export function timeOrderedUuid(now = Date.now()): string {
  return formatUuid(timeOrderedUuidBytes(now));
}

/** 16 bytes as 8-4-4-4-12 lowercase hex. */
export function formatUuid(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The time a UUIDv7 was made, in epoch milliseconds. */
export function uuidTime(uuid: string): number {
  return parseInt(uuid.replace(/-/g, '').slice(0, 12), 16);
}
