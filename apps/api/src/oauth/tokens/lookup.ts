import { sha256 } from '../../crypto/random.js';
import type { Storage, Token } from '../../storage/types.js';

/** A token value's stored row, whatever its state; null when the value is not one of ours. */
export async function findToken(storage: Storage, value: string): Promise<Token | null> {
  // Anything without our prefix cannot be ours: no need to hash it or ask the database.
  if (!value.startsWith('tg_at_') && !value.startsWith('tg_rt_')) return null;
  return storage.tokens.findByHash(sha256(value));
}

/**
 * Active: neither revoked nor expired (RFC 7662 §2.2), and for a refresh
 * token, not yet exchanged for its successor. The client must be active too.
 */
export function isActive(token: Token, now: number): boolean {
  return token.revokedAt === null && token.expiresAt > now && (token.kind !== 'refresh' || token.rotatedAt === null);
}
