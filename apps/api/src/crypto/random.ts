import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Recognisable prefixes, so secret scanners can find a leaked value and people can tell them apart. */
export const PREFIX = {
  accessToken: 'tg_at_',
  refreshToken: 'tg_rt_',
  authorizationCode: 'tg_ac_',
  clientSecret: 'tg_cs_',
} as const;

/** 256 bits from the CSPRNG, base64url, behind a prefix. */
export function randomSecret(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** An identifier, not a secret: 128 bits, base64url. */
export function randomId(): string {
  return randomBytes(16).toString('base64url');
}

/** What we store in place of a token, code or client secret. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
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
