import type { Db } from '../connection';

export interface OutboxMessage { id: number; recipient: string; subject: string; body: string; createdAt: number }

/** Mail kept locally when no SMTP server is configured. */
export class OutboxRepository {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      insert: db.prepare('INSERT INTO outbox (recipient, subject, body, created_at) VALUES (?, ?, ?, ?)'),
      list: db.prepare<[string], { id: number; recipient: string; subject: string; body: string; created_at: number }>(
        'SELECT * FROM outbox WHERE recipient = ? ORDER BY id',
      ),
    };
  }
  add(recipient: string, subject: string, body: string, now: number): void {
    this.s.insert.run(recipient, subject, body, now);
  }
  to(recipient: string): OutboxMessage[] {
    return this.s.list.all(recipient).map((r) => ({ ...r, createdAt: r.created_at }));
  }
}
