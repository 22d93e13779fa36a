import type { CodePurpose } from '../../../shared/schemas';
import type { Db } from '../connection';

export interface CodeRecord {
  purpose: CodePurpose;
  address: string;
  codeHash: string;
  sentAt: number;
  expiresAt: number;
  failedTries: number;
  /** The activation that asked for it: only that one may use it. */
  activationId?: string | null;
}

interface Row { purpose: CodePurpose; address: string; code_hash: string; sent_at: number; expires_at: number; failed_tries: number; activation_id: string | null }

/** Verification codes: one row per (purpose, address); a new code replaces the old one. */
export class CodeRepository {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      get: db.prepare<[string, string], Row>(
        'SELECT purpose, address, code_hash, sent_at, expires_at, failed_tries, activation_id FROM verification_codes WHERE purpose = ? AND address = ?',
      ),
      upsert: db.prepare(
        `INSERT INTO verification_codes (purpose, address, code_hash, activation_id, sent_at, expires_at, failed_tries)
         VALUES (@purpose, @address, @codeHash, @activationId, @sentAt, @expiresAt, 0)
         ON CONFLICT (purpose, address) DO UPDATE SET code_hash = excluded.code_hash, activation_id = excluded.activation_id,
           sent_at = excluded.sent_at, expires_at = excluded.expires_at, failed_tries = 0`,
      ),
      fail: db.prepare('UPDATE verification_codes SET failed_tries = failed_tries + 1 WHERE purpose = ? AND address = ? AND code_hash = ?'),
      remove: db.prepare('DELETE FROM verification_codes WHERE purpose = ? AND address = ? AND code_hash = ?'),
    };
  }

  get(purpose: CodePurpose, address: string): CodeRecord | undefined {
    const r = this.s.get.get(purpose, address);
    return r && {
      purpose: r.purpose, address: r.address, codeHash: r.code_hash, sentAt: r.sent_at,
      expiresAt: r.expires_at, failedTries: r.failed_tries, activationId: r.activation_id,
    };
  }

  put(c: Omit<CodeRecord, 'failedTries'> & { activationId: string }): void {
    this.s.upsert.run(c);
  }

  recordFailure(c: CodeRecord): void {
    this.s.fail.run(c.purpose, c.address, c.codeHash);
  }

  /** Consumes exactly this code; false when it was replaced or used meanwhile. */
  remove(c: CodeRecord): boolean {
    return this.s.remove.run(c.purpose, c.address, c.codeHash).changes === 1;
  }
}
