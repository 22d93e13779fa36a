import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/connection';
import { RateLimiter, backoffDelaySeconds, DEFAULT_RATE_LIMITS } from './rate-limit';

function setup(file = ':memory:') {
  const db = openDatabase(file);
  let t = Date.UTC(2025, 0, 1);
  const clock = { now: () => t, advance: (s: number) => (t += s * 1000) };
  return { db, clock };
}

describe('window limits', () => {
  it('allows the limit within the window, refuses with the time left, and opens again after it', () => {
    const { db, clock } = setup();
    const rl = new RateLimiter(db, clock.now, { codeSendsPerAddress: { limit: 3, windowSeconds: 3600 } });
    for (let i = 0; i < 3; i++) expect(rl.consume({ bucket: 'codeSendsPerAddress', key: 'a@x.cn' })).toEqual({ ok: true });
    clock.advance(600);
    expect(rl.consume({ bucket: 'codeSendsPerAddress', key: 'a@x.cn' })).toEqual({
      ok: false, retryAfterSeconds: 3000, bucket: 'codeSendsPerAddress',
    });
    // another address has its own bucket
    expect(rl.consume({ bucket: 'codeSendsPerAddress', key: 'b@x.cn' }).ok).toBe(true);
    clock.advance(3000);
    expect(rl.consume({ bucket: 'codeSendsPerAddress', key: 'a@x.cn' }).ok).toBe(true);
  });

  it('counts nothing when any of several buckets refuses', () => {
    const { db, clock } = setup();
    const rl = new RateLimiter(db, clock.now, {
      codeSendsPerAddress: { limit: 5, windowSeconds: 3600 },
      codeSendsPerActivation: { limit: 1, windowSeconds: 3600 },
    });
    expect(rl.consume({ bucket: 'codeSendsPerAddress', key: 'a' }, { bucket: 'codeSendsPerActivation', key: 'act1' }).ok).toBe(true);
    for (let i = 0; i < 10; i++) {
      const d = rl.consume({ bucket: 'codeSendsPerAddress', key: 'a' }, { bucket: 'codeSendsPerActivation', key: 'act1' });
      expect(d).toMatchObject({ ok: false, bucket: 'codeSendsPerActivation' });
    }
    // the refused attempts did not use up the address's allowance: 4 more fit
    for (let i = 0; i < 4; i++) expect(rl.consume({ bucket: 'codeSendsPerAddress', key: 'a' }).ok).toBe(true);
    expect(rl.consume({ bucket: 'codeSendsPerAddress', key: 'a' }).ok).toBe(false);
  });

  it('stores no raw key', () => {
    const { db, clock } = setup();
    new RateLimiter(db, clock.now).consume({ bucket: 'codeSendsPerAddress', key: 'secret@example.com' });
    const dump = JSON.stringify(db.prepare('SELECT * FROM rate_limit_hits').all());
    expect(dump).not.toContain('secret@example.com');
  });

  it('counts across two connections to the same file (two processes) and survives reopening', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rl-')), 'db.sqlite');
    const a = setup(file);
    const b = openDatabase(file);
    const now = a.clock.now;
    const rule = { activationStartsPerClient: { limit: 4, windowSeconds: 60 } };
    const ra = new RateLimiter(a.db, now, rule);
    const rb = new RateLimiter(b, now, rule);
    expect(ra.consume({ bucket: 'activationStartsPerClient', key: '10.0.0.1' }).ok).toBe(true);
    expect(rb.consume({ bucket: 'activationStartsPerClient', key: '10.0.0.1' }).ok).toBe(true);
    expect(ra.consume({ bucket: 'activationStartsPerClient', key: '10.0.0.1' }).ok).toBe(true);
    a.db.close();
    const reopened = new RateLimiter(openDatabase(file), now, rule);
    expect(reopened.consume({ bucket: 'activationStartsPerClient', key: '10.0.0.1' }).ok).toBe(true);
    expect(rb.consume({ bucket: 'activationStartsPerClient', key: '10.0.0.1' })).toMatchObject({ ok: false, retryAfterSeconds: 60 });
  });
});

describe('growing delay after failures', () => {
  const rule = { freeFailures: 3, baseDelaySeconds: 2, maxDelaySeconds: 60, resetAfterSeconds: 3600 };

  it('doubles after the free failures, up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => backoffDelaySeconds(rule, n))).toEqual([0, 0, 0, 2, 4, 8, 16, 32, 60]);
  });

  it('blocks for the delay, lets the next try through after it, and forgets on success', () => {
    const { db, clock } = setup();
    const rl = new RateLimiter(db, clock.now, { wrongPasswords: rule });
    for (let i = 0; i < 3; i++) {
      expect(rl.check('wrongPasswords', 'alice').ok).toBe(true);
      expect(rl.fail('wrongPasswords', 'alice')).toBe(0);
    }
    expect(rl.fail('wrongPasswords', 'alice')).toBe(2);
    expect(rl.check('wrongPasswords', 'alice')).toEqual({ ok: false, retryAfterSeconds: 2, bucket: 'wrongPasswords' });
    expect(rl.check('wrongPasswords', 'bob').ok).toBe(true);
    clock.advance(2);
    expect(rl.check('wrongPasswords', 'alice').ok).toBe(true);
    expect(rl.fail('wrongPasswords', 'alice')).toBe(4);
    clock.advance(1);
    expect(rl.check('wrongPasswords', 'alice')).toMatchObject({ ok: false, retryAfterSeconds: 3 });
    clock.advance(3);
    rl.succeed('wrongPasswords', 'alice');
    expect(rl.fail('wrongPasswords', 'alice')).toBe(0);
  });

  it('forgets failures after a quiet hour, and the sweep drops stale rows', () => {
    const { db, clock } = setup();
    const rl = new RateLimiter(db, clock.now, { wrongCodes: rule });
    for (let i = 0; i < 5; i++) rl.fail('wrongCodes', 'a@x.cn');
    clock.advance(3600);
    expect(rl.fail('wrongCodes', 'a@x.cn')).toBe(0);
    rl.consume({ bucket: 'codeSendsPerAddress', key: 'a@x.cn' });
    clock.advance(2 * 3600);
    rl.sweep();
    expect(db.prepare('SELECT COUNT(*) n FROM rate_limit_hits').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT COUNT(*) n FROM rate_limit_failures').get()).toEqual({ n: 0 });
  });

  it('ships defaults that leave a real user room', () => {
    expect(DEFAULT_RATE_LIMITS.codeSendsPerAddress.limit).toBeGreaterThanOrEqual(3);
    expect(DEFAULT_RATE_LIMITS.wrongCodes.freeFailures).toBeGreaterThanOrEqual(3);
  });
});

describe('table size', () => {
  it('stays bounded under a flood of distinct keys (e.g. spoofed client addresses)', () => {
    const { db, clock } = setup();
    const rl = new RateLimiter(db, clock.now, { maxRowsPerTable: 1000 });
    for (let i = 0; i < 20_000; i++) rl.consume({ bucket: 'activationStartsPerClient', key: `10.0.${i >> 8}.${i & 255}` });
    for (let i = 0; i < 5000; i++) rl.fail('wrongPasswords', `login:junk${i}`);
    const rows = (t: string) => db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number;
    expect(rows('rate_limit_hits')).toBeLessThanOrEqual(1000 + 256);
    expect(rows('rate_limit_failures')).toBeLessThanOrEqual(1000 + 256);
    // The newest keys are still counted: a key that just hit its limit is still refused.
    const rule = DEFAULT_RATE_LIMITS.activationStartsPerClient;
    for (let i = 0; i < rule.limit; i++) rl.consume({ bucket: 'activationStartsPerClient', key: 'attacker' });
    expect(rl.consume({ bucket: 'activationStartsPerClient', key: 'attacker' }).ok).toBe(false);
  });

  it('stays bounded when two processes flood the same file (each sees the other\'s rows when it counts)', () => {
    const { db, clock } = setup();
    const a = new RateLimiter(db, clock.now, { maxRowsPerTable: 1000 });
    const b = new RateLimiter(db, clock.now, { maxRowsPerTable: 1000 });
    const rows = () => db.prepare('SELECT count(*) FROM rate_limit_hits').pluck().get() as number;
    let most = 0;
    for (let i = 0; i < 10_000; i++) {
      a.consume({ bucket: 'activationStartsPerClient', key: `a${i}` });
      b.consume({ bucket: 'activationStartsPerClient', key: `b${i}` });
      most = Math.max(most, rows());
    }
    // Each process bounds the rows it adds and sees the other's when it counts: at most a cap each.
    expect(most).toBeLessThanOrEqual(2 * 1000 + 2);
    expect(rows()).toBeGreaterThan(800);
  });
});
