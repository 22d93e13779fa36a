import type { Statement } from 'better-sqlite3';
import type { Db } from '../connection';

export type OutboxStatus = 'pending' | 'sent' | 'failed' | 'cancelled' | 'expired';

export interface OutboxMessage {
  id: number;
  recipient: string;
  subject: string;
  /** The text as it would be sent; a secret no longer held shows as SECRET_GONE. */
  body: string;
  status: OutboxStatus;
  attempts: number;
  /** When the worker tries next (pending only). */
  nextAttemptAt: number | null;
  lastError: string | null;
  createdAt: number;
  sentAt: number | null;
  /** The message carried a secret (a code) that has since been dropped: it cannot be sent again. */
  secretGone: boolean;
  /** The message carries or carried a secret (a code): it is never sent late, so never retried. */
  carriedSecret: boolean;
}

export interface NewOutboxMessage {
  to: string;
  subject: string;
  text: string;
  /** A secret the text contains (a verification code), kept apart and dropped once no longer needed. */
  secret?: { value: string; expiresAt: number };
}

/** Where the secret stands in a stored subject and body. */
export const SECRET_PLACEHOLDER = '{{secret}}';
/** What a stored secret is shown as once it has been dropped. */
export const SECRET_GONE = '••••••';

interface Row {
  id: number; recipient: string; subject: string; body: string; secret: string | null; secret_expires_at: number | null;
  status: OutboxStatus; attempts: number; next_attempt_at: number | null; last_error: string | null;
  created_at: number; sent_at: number | null;
}

const render = (text: string, secret: string | null) => text.split(SECRET_PLACEHOLDER).join(secret ?? SECRET_GONE);
const toMessage = (r: Row): OutboxMessage => ({
  id: r.id, recipient: r.recipient, subject: render(r.subject, r.secret), body: render(r.body, r.secret), status: r.status,
  attempts: r.attempts, nextAttemptAt: r.next_attempt_at, lastError: r.last_error, createdAt: r.created_at, sentAt: r.sent_at,
  secretGone: r.secret === null && r.secret_expires_at !== null,
  carriedSecret: r.secret_expires_at !== null,
});

/**
 * The durable outbox: every mail is a row written in the transaction of the change it reports,
 * then delivered by the worker (mail/outbox.ts). Claiming a row moves its next attempt past a
 * lease, so two deliverers never send one message at the same time.
 */
export class OutboxRepository {
  private readonly s;
  private readonly cols: string;
  /** One prepared statement per combination of list filters (each uses its own index). */
  private readonly lists = new Map<string, Statement<Record<string, unknown>, Row>>();

  constructor(private readonly db: Db) {
    const cols = 'id, recipient, subject, body, secret, secret_expires_at, status, attempts, next_attempt_at, last_error, created_at, sent_at';
    this.cols = cols;
    this.s = {
      insert: db.prepare(
        `INSERT INTO outbox (recipient, subject, body, secret, secret_expires_at, status, next_attempt_at, created_at)
         VALUES (@recipient, @subject, @body, @secret, @secretExpiresAt, 'pending', @now, @now)`,
      ),
      byId: db.prepare<[number], Row>(`SELECT ${cols} FROM outbox WHERE id = ?`),
      to: db.prepare<[string], Row>(`SELECT ${cols} FROM outbox WHERE recipient = ? ORDER BY id`),
      claimOne: db.prepare<{ id: number; now: number; until: number }, Row>(
        `UPDATE outbox SET next_attempt_at = @until
          WHERE id = @id AND status = 'pending' AND next_attempt_at <= @now RETURNING ${cols}`,
      ),
      claimDue: db.prepare<{ now: number; until: number; limit: number }, Row>(
        `UPDATE outbox SET next_attempt_at = @until
          WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= @now
                        ORDER BY next_attempt_at, id LIMIT @limit)
          RETURNING ${cols}`,
      ),
      sent: db.prepare(
        `UPDATE outbox SET status = 'sent', secret = NULL, sent_at = @now, attempts = attempts + 1,
           next_attempt_at = NULL, last_error = NULL WHERE id = @id AND status = 'pending'`,
      ),
      attemptFailed: db.prepare(
        `UPDATE outbox SET attempts = attempts + 1, last_error = @error, next_attempt_at = @nextAt
          WHERE id = @id AND status = 'pending'`,
      ),
      gaveUp: db.prepare(
        `UPDATE outbox SET status = 'failed', secret = NULL, attempts = attempts + 1, last_error = @error, next_attempt_at = NULL
          WHERE id = @id AND status = 'pending'`,
      ),
      cancel: db.prepare(
        `UPDATE outbox SET status = 'cancelled', secret = NULL, next_attempt_at = NULL, last_error = @why
          WHERE id = @id AND status = 'pending'`,
      ),
      expireSecrets: db.prepare(
        `UPDATE outbox SET status = 'expired', secret = NULL, next_attempt_at = NULL,
           last_error = coalesce(last_error, 'the code it carried expired before it could be sent')
          WHERE status = 'pending' AND secret_expires_at <= ?`,
      ),
      retry: db.prepare(
        `UPDATE outbox SET status = 'pending', next_attempt_at = @now
          WHERE id = @id AND status IN ('failed', 'cancelled', 'expired') AND secret_expires_at IS NULL`,
      ),
      counts: db.prepare<[], { status: OutboxStatus; n: number }>('SELECT status, count(*) AS n FROM outbox GROUP BY status'),
    };
  }

  /** Adds a pending message; call inside the transaction of the change it reports. */
  add(m: NewOutboxMessage, now: number): number {
    const hide = (t: string) => (m.secret ? t.split(m.secret.value).join(SECRET_PLACEHOLDER) : t);
    return Number(this.s.insert.run({
      recipient: m.to, subject: hide(m.subject), body: hide(m.text),
      secret: m.secret?.value ?? null, secretExpiresAt: m.secret?.expiresAt ?? null, now,
    }).lastInsertRowid);
  }

  get(id: number): OutboxMessage | undefined {
    const r = this.s.byId.get(id);
    return r && toMessage(r);
  }

  /** Every message to `recipient`, oldest first. */
  to(recipient: string): OutboxMessage[] {
    return this.s.to.all(recipient).map(toMessage);
  }

  /**
   * The latest messages, newest first (what an operator looks at): of one status and to one
   * recipient when given, and older than message `before` (the next page of a list).
   */
  list(status?: OutboxStatus, limit = 100, opts: { recipient?: string; before?: number } = {}): OutboxMessage[] {
    const where = [status && 'status = @status', opts.recipient !== undefined && 'recipient = @recipient',
      opts.before !== undefined && 'id < @before'].filter((w): w is string => Boolean(w));
    const key = where.join(' AND ');
    let stmt = this.lists.get(key);
    if (!stmt) {
      stmt = this.db.prepare<Record<string, unknown>, Row>(
        `SELECT ${this.cols} FROM outbox ${key ? `WHERE ${key}` : ''} ORDER BY id DESC LIMIT @limit`);
      this.lists.set(key, stmt);
    }
    const params: Record<string, unknown> = { limit };
    if (status) params.status = status;
    if (opts.recipient !== undefined) params.recipient = opts.recipient;
    if (opts.before !== undefined) params.before = opts.before;
    return stmt.all(params).map(toMessage);
  }

  /** Whether `retry` would take message `m` back into the queue. */
  static retryable(m: OutboxMessage): boolean {
    return (m.status === 'failed' || m.status === 'cancelled' || m.status === 'expired') && !m.carriedSecret;
  }

  /** How many messages are in each status. */
  counts(): Record<OutboxStatus, number> {
    const out: Record<OutboxStatus, number> = { pending: 0, sent: 0, failed: 0, cancelled: 0, expired: 0 };
    for (const r of this.s.counts.all()) out[r.status] = r.n;
    return out;
  }

  /** Takes message `id` for one delivery attempt if it is due; until `until` nobody else may. */
  claim(id: number, now: number, until: number): OutboxMessage | undefined {
    const r = this.s.claimOne.get({ id, now, until });
    return r && toMessage(r);
  }

  /** Takes up to `limit` due messages for one attempt each. */
  claimDue(now: number, until: number, limit: number): OutboxMessage[] {
    return this.s.claimDue.all({ now, until, limit }).map(toMessage);
  }

  markSent(id: number, now: number): void {
    this.s.sent.run({ id, now });
  }

  /** An attempt failed: try again at `nextAt`, or give up (status failed) when it is null. */
  markAttemptFailed(id: number, error: string, nextAt: number | null): void {
    if (nextAt === null) this.s.gaveUp.run({ id, error });
    else this.s.attemptFailed.run({ id, error, nextAt });
  }

  /** A pending message that must not go out any more (its code was withdrawn). */
  cancel(id: number, why: string): void {
    this.s.cancel.run({ id, why });
  }

  /** Pending messages whose code expired are not sent any more, and their code is dropped. */
  expireSecrets(now: number): number {
    return this.s.expireSecrets.run(now).changes;
  }

  /**
   * Puts a failed (or cancelled, expired) message back in the queue. False when there is no such
   * message, it is not in one of those states, or it carried a code (a code is never sent late:
   * the user asks for a new one).
   */
  retry(id: number, now: number): boolean {
    return this.s.retry.run({ id, now }).changes === 1;
  }
}
