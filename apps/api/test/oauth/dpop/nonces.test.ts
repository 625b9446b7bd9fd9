import { describe, expect, it } from 'vitest';
import { DpopNonces, NONCE_PERIOD_SECONDS } from '../../../src/oauth/dpop/nonces.js';

/*
 * Server nonces (RFC 9449 §8) on a clock the test moves: which period a nonce
 * belongs to, how long it stays accepted, and that only this installation's
 * are. proof.test.ts checks how the proof checker uses them.
 */

const SECRET = 'an installation secret for the nonce tests';
const PERIOD_MS = NONCE_PERIOD_SECONDS * 1000;
/** The first millisecond of a period. */
const START = 6_000_000 * PERIOD_MS;

function noncesAt(start: number, secret = SECRET) {
  const clock = { now: start };
  return { clock, nonces: new DpopNonces(secret, () => clock.now) };
}

describe('DPoP server nonces', () => {
  it('hands out one nonce per period of five minutes, labelled with the period', () => {
    const { clock, nonces } = noncesAt(START);
    const first = nonces.current();
    expect(first).toMatch(/^[0-9a-z]{8}\.[A-Za-z0-9_-]{26}$/);
    expect(Number.parseInt(first.slice(0, 8), 36)).toBe(START / PERIOD_MS);
    clock.now = START + PERIOD_MS - 1;
    expect(nonces.current()).toBe(first);
    clock.now = START + PERIOD_MS;
    const second = nonces.current();
    expect(second).not.toBe(first);
    expect(Number.parseInt(second.slice(0, 8), 36)).toBe(START / PERIOD_MS + 1);
    // Every process with the same secret hands out the same nonce.
    expect(noncesAt(START + PERIOD_MS).nonces.current()).toBe(second);
  });

  it('derives its key as every release has, so processes of two versions accept each other\'s nonces during an upgrade', () => {
    expect(noncesAt(START).nonces.current()).toBe('0003klmo.wXsdtMPLFE8bUttfDekpILlhjQ');
  });

  it('accepts a nonce in its period and the next, and not from the period after', () => {
    const { clock, nonces } = noncesAt(START);
    const nonce = nonces.current();
    expect(nonces.accepts(nonce)).toBe(true);
    clock.now = START + 2 * PERIOD_MS - 1;
    expect(nonces.accepts(nonce)).toBe(true);
    clock.now = START + 2 * PERIOD_MS;
    expect(nonces.accepts(nonce)).toBe(false);
  });

  it('refuses a nonce of a period still to come', () => {
    const { nonces } = noncesAt(START);
    expect(nonces.accepts(noncesAt(START + PERIOD_MS).nonces.current())).toBe(false);
  });

  it('refuses another installation\'s nonce, and anything not shaped like a nonce', () => {
    const { nonces } = noncesAt(START);
    const nonce = nonces.current();
    expect(nonces.accepts(noncesAt(START, 'another installation secret').nonces.current())).toBe(false);
    const mac = nonce.slice(9);
    for (const bad of [
      '', `${nonce}A`, nonce.slice(0, -1), `${nonce.slice(0, 8)}:${mac}`, `${nonce.slice(0, 8).toUpperCase()}.${mac}`,
      `${nonce.slice(0, 8)}.${mac.slice(0, -1)}=`, ` ${nonce.slice(1)}`, `${nonce.slice(0, -1)}${nonce.endsWith('A') ? 'B' : 'A'}`,
    ]) {
      expect(nonces.accepts(bad), bad).toBe(false);
    }
  });
});
