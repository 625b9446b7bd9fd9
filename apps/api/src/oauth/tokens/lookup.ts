import type { Storage, Token } from '../../storage/types.js';
import { locateToken } from './token-value.js';

/** A token value's stored row, whatever its state; null when the value is not one of ours. */
export async function findToken(storage: Storage, value: string): Promise<Token | null> {
  // A value not shaped like ours cannot be ours: no need to ask the database.
  const locator = locateToken(value);
  return locator ? storage.tokens.find(locator) : null;
}

/**
 * Active: neither revoked nor expired (RFC 7662 §2.2), and for a refresh
 * token, not yet exchanged for its successor. The client must be active too.
 */
export function isActive(token: Token, now: number): boolean {
  return token.revokedAt === null && token.expiresAt > now && (token.kind !== 'refresh' || token.rotatedAt === null);
}
