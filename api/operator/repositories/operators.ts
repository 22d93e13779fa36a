// SQL for who may use the console: operators, their sessions and sign-in codes, and the log of
// what they did (migration 005). Statements prepared once per connection.
import type { Db } from '../../db/connection';

export interface Operator {
  id: number;
  email: string;
  passwordHash: string | null;
  source: 'env' | 'cli';
  disabledAt: number | null;
}

export interface OperatorSession {
  tokenHash: string;
  operatorId: number;
  email: string;
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

export interface OperatorCode {
  operatorId: number;
  codeHash: string;
  sentAt: number;
  expiresAt: number;
  failedTries: number;
}


interface OperatorRow { id: number; email: string; password_hash: string | null; source: 'env' | 'cli'; disabled_at: number | null }
const toOperator = (r: OperatorRow): Operator => ({
  id: r.id, email: r.email, passwordHash: r.password_hash, source: r.source, disabledAt: r.disabled_at,
});


export class OperatorRepository {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = {
      byEmail: db.prepare<[string], OperatorRow>('SELECT id, email, password_hash, source, disabled_at FROM operators WHERE email = ?'),
      list: db.prepare<[], OperatorRow>('SELECT id, email, password_hash, source, disabled_at FROM operators ORDER BY email'),
      insert: db.prepare<{ email: string; source: string; passwordHash: string | null; now: number }>(
        `INSERT INTO operators (email, password_hash, source, created_at) VALUES (@email, @passwordHash, @source, @now)
         ON CONFLICT (email) DO UPDATE SET disabled_at = NULL,
           password_hash = coalesce(excluded.password_hash, operators.password_hash),
           -- an operator added by the CLI stays when it leaves OPERATOR_EMAILS
           source = CASE WHEN operators.source = 'cli' THEN 'cli' ELSE excluded.source END`,
      ),
      setPassword: db.prepare<[string | null, number]>('UPDATE operators SET password_hash = ? WHERE id = ?'),
      disable: db.prepare<[number, number]>('UPDATE operators SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL'),
      disableEnvExcept: db.prepare<[number, string]>(
        `UPDATE operators SET disabled_at = ? WHERE source = 'env' AND disabled_at IS NULL
            AND email NOT IN (SELECT value FROM json_each(?))`,
      ),
      endSessionsOf: db.prepare<[number]>('DELETE FROM operator_sessions WHERE operator_id = ?'),
      endSessionsOfDisabled: db.prepare(
        'DELETE FROM operator_sessions WHERE operator_id IN (SELECT id FROM operators WHERE disabled_at IS NOT NULL)',
      ),

      session: db.prepare<[string], {
        token_hash: string; operator_id: number; email: string; csrf_token: string; created_at: number; last_seen_at: number; expires_at: number;
      }>(
        `SELECT s.token_hash, s.operator_id, o.email, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at
           FROM operator_sessions s JOIN operators o ON o.id = s.operator_id
          WHERE s.token_hash = ? AND o.disabled_at IS NULL`,
      ),
      insertSession: db.prepare(
        `INSERT INTO operator_sessions (token_hash, operator_id, csrf_token, created_at, last_seen_at, expires_at)
         VALUES (@tokenHash, @operatorId, @csrfToken, @now, @now, @expiresAt)`,
      ),
      touch: db.prepare<[number, string]>('UPDATE operator_sessions SET last_seen_at = ? WHERE token_hash = ?'),
      endSession: db.prepare<[string]>('DELETE FROM operator_sessions WHERE token_hash = ?'),
      sweepSessions: db.prepare<[number, number]>('DELETE FROM operator_sessions WHERE expires_at < ? OR last_seen_at < ?'),

      code: db.prepare<[number], { operator_id: number; code_hash: string; sent_at: number; expires_at: number; failed_tries: number }>(
        'SELECT operator_id, code_hash, sent_at, expires_at, failed_tries FROM operator_codes WHERE operator_id = ?',
      ),
      putCode: db.prepare(
        `INSERT INTO operator_codes (operator_id, code_hash, sent_at, expires_at) VALUES (@operatorId, @codeHash, @sentAt, @expiresAt)
         ON CONFLICT (operator_id) DO UPDATE SET code_hash = excluded.code_hash, sent_at = excluded.sent_at,
           expires_at = excluded.expires_at, failed_tries = 0`,
      ),
      failCode: db.prepare<[number, string]>('UPDATE operator_codes SET failed_tries = failed_tries + 1 WHERE operator_id = ? AND code_hash = ?'),
      removeCode: db.prepare<[number, string]>('DELETE FROM operator_codes WHERE operator_id = ? AND code_hash = ?'),
      sweepCodes: db.prepare<[number]>('DELETE FROM operator_codes WHERE expires_at < ?'),

    };
  }

  byEmail(email: string): Operator | undefined {
    const r = this.s.byEmail.get(email);
    return r && toOperator(r);
  }

  list(): Operator[] {
    return this.s.list.all().map(toOperator);
  }

  /** Adds or re-enables an operator; a given password hash replaces the old one, none keeps it. */
  upsert(email: string, source: 'env' | 'cli', now: number, passwordHash: string | null = null): Operator {
    this.s.insert.run({ email, source, passwordHash, now });
    return this.byEmail(email)!;
  }

  setPassword(id: number, passwordHash: string | null): void {
    this.s.setPassword.run(passwordHash, id);
  }

  /** Disables an operator and ends their sessions at once. */
  disable(id: number, now: number): boolean {
    return this.db.transaction(() => {
      const changed = this.s.disable.run(now, id).changes === 1;
      this.s.endSessionsOf.run(id);
      return changed;
    })();
  }

  /** OPERATOR_EMAILS is the list: configured ones are (re-)enabled, env ones no longer listed disabled. */
  syncFromConfig(emails: string[], now: number): void {
    this.db.transaction(() => {
      for (const e of emails) this.s.insert.run({ email: e, source: 'env', passwordHash: null, now });
      this.s.disableEnvExcept.run(now, JSON.stringify(emails));
      this.s.endSessionsOfDisabled.run();
    })();
  }

  session(tokenHash: string): OperatorSession | undefined {
    const r = this.s.session.get(tokenHash);
    return r && {
      tokenHash: r.token_hash, operatorId: r.operator_id, email: r.email, csrfToken: r.csrf_token,
      createdAt: r.created_at, lastSeenAt: r.last_seen_at, expiresAt: r.expires_at,
    };
  }

  startSession(s: { tokenHash: string; operatorId: number; csrfToken: string; expiresAt: number }, now: number): void {
    this.s.insertSession.run({ ...s, now });
  }

  touchSession(tokenHash: string, now: number): void {
    this.s.touch.run(now, tokenHash);
  }

  endSession(tokenHash: string): void {
    this.s.endSession.run(tokenHash);
  }

  sweep(now: number, idleMs: number): void {
    this.s.sweepSessions.run(now, now - idleMs);
    this.s.sweepCodes.run(now);
  }

  code(operatorId: number): OperatorCode | undefined {
    const r = this.s.code.get(operatorId);
    return r && { operatorId: r.operator_id, codeHash: r.code_hash, sentAt: r.sent_at, expiresAt: r.expires_at, failedTries: r.failed_tries };
  }

  putCode(c: Omit<OperatorCode, 'failedTries'>): void {
    this.s.putCode.run(c);
  }

  recordCodeFailure(c: OperatorCode): void {
    this.s.failCode.run(c.operatorId, c.codeHash);
  }

  /** Uses the code up; false when it was used or replaced meanwhile. */
  removeCode(c: Pick<OperatorCode, 'operatorId' | 'codeHash'>): boolean {
    return this.s.removeCode.run(c.operatorId, c.codeHash).changes === 1;
  }

}
