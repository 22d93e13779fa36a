import { describe, expect, it } from 'vitest';
import { newId, newToken, secureRandomBytes } from './crypto';

describe('secureRandomBytes (a pool over the CSPRNG)', () => {
  it('hands out fresh bytes of the asked length, never the same twice, across many refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const b = secureRandomBytes(16);
      expect(b.length).toBe(16);
      seen.add(b.toString('hex'));
    }
    expect(seen.size).toBe(5000);
    // Uneven sizes across a refill boundary, and more than the pool holds.
    expect(secureRandomBytes(4000).length).toBe(4000);
    expect(secureRandomBytes(200).length).toBe(200);
    expect(secureRandomBytes(10_000).length).toBe(10_000);
  });

  it('gives copies: changing one changes nothing else, and bytes look uniform', () => {
    const a = secureRandomBytes(32);
    const copy = Buffer.from(a);
    a.fill(0);
    expect(secureRandomBytes(32).equals(copy)).toBe(false);
    const counts = new Array(256).fill(0);
    const big = Buffer.concat(Array.from({ length: 4096 }, () => secureRandomBytes(32)));
    for (const byte of big) counts[byte]++;
    // 131,072 bytes: each value about 512 times; a stuck or zeroed pool would be far off.
    expect(Math.min(...counts)).toBeGreaterThan(380);
    expect(Math.max(...counts)).toBeLessThan(650);
  });

  it('tokens and ids keep their shapes', () => {
    expect(newToken()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newId('act')).toMatch(/^act_[0-9a-f]{32}$/);
    expect(newToken()).not.toBe(newToken());
  });
});
