// Rate limits kept in SQLite: counts survive a restart and are shared by every process that opens
// the same database file, which an in-memory map could not give us. Each check is one UPSERT
// (atomic in SQLite), so concurrent requests cannot both slip under a limit.
import { createHash } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';

/** At most `limit` hits per `windowSeconds`, the window starting at the first hit. */
export interface WindowRule {
  limit: number;
  windowSeconds: number;
}

/** Failures up to `freeFailures` cost nothing; each later one doubles the wait, up to `maxDelaySeconds`. */
export interface BackoffRule {
  freeFailures: number;
  baseDelaySeconds: number;
  maxDelaySeconds: number;
  /** A quiet spell this long forgets earlier failures. */
  resetAfterSeconds: number;
}

export interface RateLimitConfig {
  /** Verification codes sent to one address (email or Billing Center username). */
  codeSendsPerAddress: WindowRule;
  /** Verification codes sent within one activation, whatever the address. */
  codeSendsPerActivation: WindowRule;
  /** Activations started from one client address. */
  activationStartsPerClient: WindowRule;
  /**
   * Asks to bind a Billing Center username, counted before the username is looked up, so the
   * answer (and its 429) is the same whether the account exists or not.
   */
  bindAsksPerUsername: WindowRule;
  /** Billing Center usernames one activation asks about, whatever they are (a prober's budget). */
  bindAsksPerActivation: WindowRule;
  /** Logins tried from one client address (each costs a password hash, whatever its outcome). */
  loginsPerClient: WindowRule;
  /** Wrong verification codes for one account (address). */
  wrongCodes: BackoffRule;
  /** Wrong passwords for one login string (a username or an email, as typed). */
  wrongPasswords: BackoffRule;
  /**
   * Wrong passwords for one account over all its login strings. Its free failures are more than
   * those of its two strings together, so it never refuses before the string itself would: the
   * answer for one string says nothing about which other string names the same account.
   */
  wrongPasswordsPerAccount: BackoffRule;
  /** At most this many rows per table; beyond, the rows that can no longer refuse go, then the oldest. */
  maxRowsPerTable: number;
}

// A person resends a code a few times and starts a handful of activations; a company behind one
// NAT address a few dozen. Wrong codes: the first 5 cost nothing (each code itself dies after 5
// wrong tries), later ones, across new codes, wait longer and longer.
export const DEFAULT_RATE_LIMITS: RateLimitConfig = {
  codeSendsPerAddress: { limit: 10, windowSeconds: 3600 },
  codeSendsPerActivation: { limit: 20, windowSeconds: 3600 },
  activationStartsPerClient: { limit: 30, windowSeconds: 3600 },
  bindAsksPerUsername: { limit: 1, windowSeconds: 60 },
  bindAsksPerActivation: { limit: 10, windowSeconds: 3600 },
  loginsPerClient: { limit: 20, windowSeconds: 60 },
  wrongCodes: { freeFailures: 5, baseDelaySeconds: 2, maxDelaySeconds: 900, resetAfterSeconds: 3600 },
  wrongPasswords: { freeFailures: 3, baseDelaySeconds: 2, maxDelaySeconds: 900, resetAfterSeconds: 3600 },
  wrongPasswordsPerAccount: { freeFailures: 10, baseDelaySeconds: 2, maxDelaySeconds: 900, resetAfterSeconds: 3600 },
  maxRowsPerTable: 20_000,
};

export type WindowBucket = 'codeSendsPerAddress' | 'codeSendsPerActivation' | 'activationStartsPerClient' | 'bindAsksPerUsername'
  | 'bindAsksPerActivation' | 'loginsPerClient';
export type BackoffBucket = 'wrongCodes' | 'wrongPasswords' | 'wrongPasswordsPerAccount';

/**
 * How many writes pass between two real counts of the tables' rows. In between, each table's size
 * is an estimate that never falls below the rows this process added (a write that may have added
 * a row counts as one); the real count also sees rows other processes on the same file added,
 * so n processes on one file hold at most n caps of rows between them.
 */
const RECOUNT_EVERY = 1024;
/**
 * A trim leaves this share of the cap: small trims, more often. Each is a pause for the requests
 * waiting behind it; trimming to nine tenths (thousands of deletes at once) showed in POST
 * /activations' p99 under a flood of new client addresses.
 */
const TRIM_TO = 0.98;

export type Decision = { ok: true } | { ok: false; retryAfterSeconds: number; bucket: string };

// Its tables (rate_limit_hits, rate_limit_failures) come with migration 002.

/** Keys are hashed so the table holds no email addresses, usernames or client addresses. */
function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 22);
}

export function backoffDelaySeconds(rule: BackoffRule, failures: number): number {
  if (failures <= rule.freeFailures) return 0;
  const doublings = Math.min(failures - rule.freeFailures - 1, 30);
  return Math.min(rule.maxDelaySeconds, rule.baseDelaySeconds * 2 ** doublings);
}

export class RateLimiter {
  readonly config: RateLimitConfig;
  private readonly hit: Statement;
  private readonly windowOf: Statement;
  private readonly failureOf: Statement;
  private readonly putFailure: Statement;
  private readonly clearFailure: Statement;
  private readonly sweepHits: Statement;
  private readonly sweepFailures: Statement;
  private readonly countHits: Statement;
  private readonly countFailures: Statement;
  private readonly trimHits: Statement;
  private readonly trimFailures: Statement;
  private writes = 0;
  /** Row estimates (see RECOUNT_EVERY). */
  private hitRows: number;
  private failureRows: number;

  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
    config: Partial<RateLimitConfig> = {},
  ) {
    this.config = { ...DEFAULT_RATE_LIMITS, ...config };
    // The WHERE keeps a refused hit from counting: a request we turn away changes nothing.
    this.hit = db.prepare(`
      INSERT INTO rate_limit_hits (bucket, key, window_start, count) VALUES (@bucket, @key, @now, 1)
      ON CONFLICT (bucket, key) DO UPDATE SET
        count = CASE WHEN @now >= window_start + @window THEN 1 ELSE count + 1 END,
        window_start = CASE WHEN @now >= window_start + @window THEN @now ELSE window_start END
      WHERE @now >= window_start + @window OR count < @limit
      RETURNING count`);
    this.windowOf = db.prepare('SELECT window_start FROM rate_limit_hits WHERE bucket = ? AND key = ?');
    this.failureOf = db.prepare(
      'SELECT failures, last_failure_at, blocked_until FROM rate_limit_failures WHERE bucket = ? AND key = ?',
    );
    this.putFailure = db.prepare(`
      INSERT INTO rate_limit_failures (bucket, key, failures, last_failure_at, blocked_until)
      VALUES (@bucket, @key, @failures, @now, @blockedUntil)
      ON CONFLICT (bucket, key) DO UPDATE SET
        failures = excluded.failures, last_failure_at = excluded.last_failure_at,
        blocked_until = excluded.blocked_until`);
    this.clearFailure = db.prepare('DELETE FROM rate_limit_failures WHERE bucket = ? AND key = ?');
    this.sweepHits = db.prepare('DELETE FROM rate_limit_hits WHERE window_start < ?');
    this.sweepFailures = db.prepare('DELETE FROM rate_limit_failures WHERE last_failure_at < ? AND blocked_until < ?');
    this.countHits = db.prepare('SELECT count(*) FROM rate_limit_hits').pluck();
    this.countFailures = db.prepare('SELECT count(*) FROM rate_limit_failures').pluck();
    // The oldest rows past the cap: a window that started long ago, failures not repeated for long.
    this.trimHits = db.prepare(`DELETE FROM rate_limit_hits WHERE (bucket, key) IN (SELECT bucket, key FROM rate_limit_hits ORDER BY window_start LIMIT ?)`);
    this.trimFailures = db.prepare(`DELETE FROM rate_limit_failures WHERE (bucket, key) IN (SELECT bucket, key FROM rate_limit_failures ORDER BY last_failure_at LIMIT ?)`);
    this.hitRows = this.countHits.get() as number;
    this.failureRows = this.countFailures.get() as number;
  }

  /**
   * Keeps both tables under `maxRowsPerTable`, so a flood of distinct keys (e.g. spoofed client
   * addresses) adds a bounded number of rows. Rows that can no longer refuse go first; if that is
   * not enough, the oldest ones. Checked before every write against the row estimates, counted for
   * real only when an estimate passes the cap (and every RECOUNT_EVERY writes): counting the rows
   * every few hundred writes was itself a stall in the tail of the busiest route's latency.
   */
  private bound(): void {
    const cap = this.config.maxRowsPerTable;
    const recount = ++this.writes % RECOUNT_EVERY === 0;
    if (!recount && this.hitRows <= cap && this.failureRows <= cap) return;
    this.hitRows = this.countHits.get() as number;
    this.failureRows = this.countFailures.get() as number;
    if (this.hitRows <= cap && this.failureRows <= cap) return;
    this.sweep();
    const keep = Math.floor(cap * TRIM_TO);
    let hits = this.countHits.get() as number;
    if (hits > cap) hits -= this.trimHits.run(hits - keep).changes;
    let failures = this.countFailures.get() as number;
    if (failures > cap) failures -= this.trimFailures.run(failures - keep).changes;
    this.hitRows = hits;
    this.failureRows = failures;
  }

  /**
   * Counts one hit in every listed bucket, or in none: when any bucket is full the whole request
   * is refused and nothing is counted. The answer carries the longest wait.
   */
  consume(...hits: Array<{ bucket: WindowBucket; key: string }>): Decision {
    const one = (bucket: WindowBucket, key: string, now: number): Decision => {
      const rule = this.config[bucket];
      const k = hashKey(key);
      const counted = this.hit.get({ bucket, key: k, now, window: rule.windowSeconds * 1000, limit: rule.limit }) as { count: number } | undefined;
      if (counted) {
        if (counted.count === 1) this.hitRows++; // a new row, or a window begun again
        return { ok: true };
      }
      const { window_start } = this.windowOf.get(bucket, k) as { window_start: number };
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((window_start + rule.windowSeconds * 1000 - now) / 1000)), bucket };
    };
    this.bound();
    // One bucket: the UPSERT alone is atomic, no transaction needed (the hot path: activation starts).
    if (hits.length === 1) return one(hits[0]!.bucket, hits[0]!.key, this.now());
    const run = this.db.transaction((): Decision => {
      const now = this.now();
      for (const { bucket, key } of hits) {
        const d = one(bucket, key, now);
        if (!d.ok) throw new Refused(d);
      }
      return { ok: true };
    });
    try {
      return run.immediate();
    } catch (e) {
      if (e instanceof Refused) return e.decision;
      throw e;
    }
  }

  /** Whether `key` may try again now, after earlier failures. Changes nothing. */
  check(bucket: BackoffBucket, key: string): Decision {
    const row = this.failureOf.get(bucket, hashKey(key)) as { blocked_until: number } | undefined;
    const now = this.now();
    if (!row || row.blocked_until <= now) return { ok: true };
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((row.blocked_until - now) / 1000)), bucket };
  }

  /** Records a wrong code or password; returns how long `key` must now wait (0: not at all). */
  fail(bucket: BackoffBucket, key: string): number {
    this.bound();
    const rule = this.config[bucket];
    const k = hashKey(key);
    return this.db
      .transaction(() => {
        const now = this.now();
        const row = this.failureOf.get(bucket, k) as { failures: number; last_failure_at: number } | undefined;
        const fresh = !row || now - row.last_failure_at >= rule.resetAfterSeconds * 1000;
        const failures = fresh ? 1 : row.failures + 1;
        const delay = backoffDelaySeconds(rule, failures);
        this.putFailure.run({ bucket, key: k, failures, now, blockedUntil: now + delay * 1000 });
        if (fresh) this.failureRows++; // a new row, or failures forgotten and begun again
        return delay;
      })
      .immediate();
  }

  /** A right code or password forgets the failures. */
  succeed(bucket: BackoffBucket, key: string): void {
    this.clearFailure.run(bucket, hashKey(key));
  }

  /** Drops rows that can no longer refuse anything, so the tables stay small. */
  sweep(): void {
    const now = this.now();
    const longestWindow = Math.max(
      this.config.codeSendsPerAddress.windowSeconds,
      this.config.codeSendsPerActivation.windowSeconds,
      this.config.activationStartsPerClient.windowSeconds,
      this.config.bindAsksPerUsername.windowSeconds,
      this.config.bindAsksPerActivation.windowSeconds,
      this.config.loginsPerClient.windowSeconds,
    );
    const longestReset = Math.max(this.config.wrongCodes.resetAfterSeconds, this.config.wrongPasswords.resetAfterSeconds,
      this.config.wrongPasswordsPerAccount.resetAfterSeconds);
    this.sweepHits.run(now - longestWindow * 1000);
    this.sweepFailures.run(now - longestReset * 1000, now);
  }
}

class Refused extends Error {
  constructor(readonly decision: Decision) {
    super('rate limited');
  }
}
