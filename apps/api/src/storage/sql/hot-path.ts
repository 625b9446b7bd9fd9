import type { Insertable } from 'kysely';
import type { Token } from '../types.js';
import type { TokensTable } from './schema.js';

/**
 * The queries every token request makes, done by each database's fastest
 * means (sqlite-hot-path.ts, postgres-hot-path.ts), outside transactions only.
 */
export interface TokenHotPath {
  /** The token with this id and hash, as `TokenStore.find` returns it. */
  token(id: string, tokenHash: string): Promise<Token | null>;
  /** Inserts all the rows or none. */
  writeBatch(tokens: Insertable<TokensTable>[]): Promise<void>;
}
