// SQL for the console's freeze actions on an instance (migration 002's countdown columns). The
// audit trigger on freeze_ends_at records each change under the operator's request id.
import type { Db } from '../../db/connection';

export class FreezeRepository {
  private readonly extendStmt;

  constructor(db: Db) {
    this.extendStmt = db.prepare<{ id: string; ms: number; now: number }>(
      `UPDATE instances SET freeze_ends_at = freeze_ends_at + @ms, updated_at = @now
        WHERE id = @id AND status = 'expired' AND freeze_ends_at IS NOT NULL AND freeze_ends_at > @now`,
    );
  }

  /** Moves a running countdown's end later by `ms`; false when the instance is not frozen. */
  extend(id: string, ms: number, now: number): boolean {
    return this.extendStmt.run({ id, ms, now }).changes === 1;
  }
}
