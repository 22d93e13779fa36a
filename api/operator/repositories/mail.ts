// The mail view and its resend action read the outbox through its own repository (its list and
// retry), so the console shows what the outbox holds: each message's delivery status, attempts and
// last error, with a code never shown (a code mail's secret is kept apart and shows as dropped).
import type { Db } from '../../db/connection';
import { OutboxRepository, type OutboxMessage, type OutboxStatus } from '../../db/repositories/outbox';
import { PAGE_SIZE, type Page } from './keyset';

export type MailStatus = OutboxStatus;

export interface MailRow {
  id: number;
  recipient: string;
  subject: string;
  created_at: number;
  status: MailStatus;
  attempts: number;
  last_error: string | null;
  /** Whether an operator may queue it again (a failed, cancelled or expired message without a code). */
  resendable: boolean;
}

/** The statuses the filter offers: every one the outbox knows. */
export const MAIL_STATUSES: readonly MailStatus[] = ['pending', 'sent', 'failed', 'cancelled', 'expired'];

const toRow = (m: OutboxMessage): MailRow => ({
  id: m.id, recipient: m.recipient, subject: m.subject, created_at: m.createdAt, status: m.status, attempts: m.attempts,
  last_error: m.lastError, resendable: OutboxRepository.retryable(m),
});

export class MailViewRepository {
  private readonly outbox: OutboxRepository;

  constructor(db: Db) {
    this.outbox = new OutboxRepository(db);
  }

  messages(f: { recipient?: string; status?: MailStatus }, after?: number): Page<MailRow> {
    const rows = this.outbox.list(f.status, PAGE_SIZE + 1, { recipient: f.recipient?.toLowerCase(), before: after }).map(toRow);
    const more = rows.length > PAGE_SIZE;
    if (more) rows.length = PAGE_SIZE;
    return { rows, next: more ? String(rows[rows.length - 1]!.id) : null };
  }

  message(id: number): MailRow | undefined {
    const m = this.outbox.get(id);
    return m && toRow(m);
  }

  /** Queues message `id` again (OutboxRepository.retry); false when it may not be. */
  retry(id: number, now: number): boolean {
    return this.outbox.retry(id, now);
  }
}
