// SQL for the mail view and its resend action: the one place the console reads the outbox, so it
// follows the outbox's columns wherever they go.
//
// Today's outbox (migration 001) keeps the messages written while no SMTP server is configured and
// has no delivery status: every row is shown as 'kept'. A resend hands the message to the mailer
// again (SMTP when configured; else a new outbox row).
import type { Db } from '../../db/connection';
import { KeysetList, type Page } from './keyset';

export type MailStatus = 'kept' | 'sent' | 'failed' | 'retrying';

export interface MailRow {
  id: number;
  recipient: string;
  subject: string;
  body: string;
  created_at: number;
  status: MailStatus;
}

/** Statuses the outbox can tell apart today (the filter offers only these). */
export const MAIL_STATUSES: readonly MailStatus[] = ['kept'];

export class MailViewRepository {
  private readonly list;
  private readonly one;

  constructor(db: Db) {
    const select = "SELECT id, recipient, subject, body, created_at, 'kept' AS status FROM outbox";
    this.list = new KeysetList<'recipient', MailRow & Record<string, unknown>>(db, {
      select,
      filters: { recipient: 'recipient = @recipient' },
      after: 'id < @after',
      order: 'id DESC',
    }, (r) => r.id);
    this.one = db.prepare<[number], MailRow>(`${select} WHERE id = ?`);
  }

  messages(f: { recipient?: string; status?: MailStatus }, after?: number): Page<MailRow> {
    if (f.status && !MAIL_STATUSES.includes(f.status)) return { rows: [], next: null };
    return this.list.page({ recipient: f.recipient?.toLowerCase() }, after);
  }

  message(id: number): MailRow | undefined {
    return this.one.get(id);
  }

  /** Whether a message may be resent: today any kept one (with a delivery status: the failed ones). */
  resendable(m: MailRow): boolean {
    return m.status === 'kept' || m.status === 'failed';
  }
}
