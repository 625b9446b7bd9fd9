import { InvalidDpopProof, InvalidGrant } from '../errors.js';
import type { DpopKey } from './proof.js';

/**
 * Refuses a token request whose proven key is not the one `what` is bound to
 * (a code's `dpop_jkt`, RFC 9449 §10; a public client's refresh token, §5);
 * `jkt` null: bound to none. Checked before anything is consumed, so a refused
 * request changes nothing.
 */
export function requireBoundKey(jkt: string | null, proven: DpopKey | null | undefined, what: string): void {
  if (jkt === null) return;
  if (!proven) throw new InvalidDpopProof(`${what} is bound to a DPoP key: send a DPoP proof made with that key.`);
  if (proven.jkt !== jkt) throw new InvalidGrant(`${what} is bound to another DPoP key than this proof's.`, 'dpop key mismatch');
}
