import { describe, expect, it } from 'vitest';
import { matchesHash, PREFIX, randomBytes, randomId, randomSecret, sha256, timeOrderedUuid, visiblePrefix } from '../../src/crypto/random.js';

describe('random secrets', () => {
  it('hands out pooled bytes once each, across refills, with every byte value about equally likely', () => {
    const counts = new Array<number>(256).fill(0);
    const seen = new Set<string>();
    // 40 000 × 16 bytes crosses the 8 KiB pool boundary many times, at odd offsets too.
    for (let i = 0; i < 40_000; i++) {
      const bytes = randomBytes(i % 7 === 0 ? 13 : 16);
      seen.add(bytes.toString('hex'));
      for (const byte of bytes) counts[byte]!++;
    }
    expect(seen.size).toBe(40_000);
    const total = counts.reduce((a, b) => a + b, 0);
    const expected = total / 256;
    const chiSquare = counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
    // 255 degrees of freedom: above 400 happens by chance far less than once in a million runs.
    expect(chiSquare).toBeLessThan(400);
    expect(randomBytes(10_000)).toHaveLength(10_000);
  });


  it('carry 256 bits of base64url after a recognisable prefix, never twice the same', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const secret = randomSecret(PREFIX.accessToken);
      expect(secret).toMatch(/^tg_at_[A-Za-z0-9_-]{43}$/);
      seen.add(secret);
    }
    expect(seen.size).toBe(5000);
  });

  it('ids are 22 letters and digits, so none can pass for a command-line flag', () => {
    const ids = Array.from({ length: 2000 }, randomId);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9]{22}$/);
    expect(new Set(ids).size).toBe(2000);
  });

  it('draws every character of an id equally likely: bytes past 4 × 62 are dropped, not folded onto the first letters', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 30_000; i++) for (const c of randomId()) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    const expected = (30_000 * 22) / 62;
    const chiSquare = [...counts.values()].reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
    // 61 degrees of freedom: above 130 happens by chance less than once in a million runs; folding byte 248 alone onto A gives about 600.
    expect(chiSquare).toBeLessThan(130);
  });

  it('hashes with SHA-256 and matches only the exact value', () => {
    const secret = randomSecret(PREFIX.clientSecret);
    const stored = sha256(secret);
    expect(stored).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sha256('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
    expect(matchesHash(secret, stored)).toBe(true);
    expect(matchesHash(`${secret}x`, stored)).toBe(false);
    expect(matchesHash(secret, 'short')).toBe(false);
  });

  it('shows only a few characters beyond the prefix', () => {
    const token = randomSecret(PREFIX.refreshToken);
    expect(visiblePrefix(token, PREFIX.refreshToken)).toBe(token.slice(0, 12));
  });

  it('makes RFC 9562 version 7 UUIDs that sort by time', () => {
    const early = timeOrderedUuid(1_700_000_000_000);
    const late = timeOrderedUuid(1_700_000_000_001);
    expect(early).toMatch(/^018bcfe5-6800-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(early < late).toBe(true);
    expect(timeOrderedUuid()).not.toBe(timeOrderedUuid());
  });
});
