import { describe, expect, it } from 'vitest';
import { sha256 } from '../../src/crypto/random.js';
import { locateToken, mintTokenValue } from '../../src/oauth/tokens/token-value.js';

describe('token values', () => {
  it('carry their id after 256 random bits, and are found by that id and their hash', () => {
    const now = Date.now();
    const { id, value } = mintTokenValue('access', now);
    expect(value).toMatch(/^tg_at_[A-Za-z0-9_-]{64}$/);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(now);
    expect(locateToken(value)).toEqual({ id, tokenHash: sha256(value) });
    expect(mintTokenValue('refresh', now).value).toMatch(/^tg_rt_/);
  });

  it('differ in their shown prefix even when minted in the same millisecond', () => {
    const now = Date.now();
    const shown = new Set(Array.from({ length: 50 }, () => mintTokenValue('access', now).value.slice(0, 12)));
    expect(shown.size).toBe(50);
  });

  it('send a changed secret to the right row with the wrong hash', () => {
    const { id, value } = mintTokenValue('access', Date.now());
    const changed = `${value.slice(0, 10)}${value[10] === 'A' ? 'B' : 'A'}${value.slice(11)}`;
    expect(locateToken(changed)).toEqual({ id, tokenHash: sha256(changed) });
  });

  it('look up values from before ids by hash alone, and nothing that is not shaped like ours', () => {
    const legacy = `tg_at_${'x'.repeat(43)}`;
    expect(locateToken(legacy)).toEqual({ id: null, tokenHash: sha256(legacy) });
    const { value } = mintTokenValue('access', Date.now());
    for (const other of ['', 'tg_at_', `${value}x`, value.slice(0, -1), `tg_ac_${value.slice(6)}`, `tg_at_${'!'.repeat(64)}`, `tg_at_${'a'.repeat(63)}=`, `tg_at_!${value.slice(7)}`, value.replace('tg_at_', 'TG_AT_')]) {
      expect(locateToken(other)).toBeNull();
    }
  });
});
