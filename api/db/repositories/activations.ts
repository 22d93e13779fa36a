import type { ActivationState } from '../../../shared/schemas';
import type { SiteCode } from '../../../shared/sites';
import type { Db } from '../connection';

export interface ActivationRecord {
  id: string;
  tokenHash: string;
  accountId: string;
  instanceId: string;
  site: SiteCode;
  state: ActivationState;
  billingAccountId: string | null;
  workspaceId: string | null;
  expiresAt: number;
  /** Started by the marketplace's free login (migration 002). */
  verified?: boolean;
}

interface Row {
  id: string; token_hash: string; account_id: string; instance_id: string; site: SiteCode; state: ActivationState;
  billing_account_id: string | null; workspace_id: string | null; expires_at: number; verified: number;
}
const toRecord = (r: Row): ActivationRecord => ({
  id: r.id, tokenHash: r.token_hash, accountId: r.account_id, instanceId: r.instance_id, site: r.site, state: r.state,
  billingAccountId: r.billing_account_id, workspaceId: r.workspace_id, expiresAt: r.expires_at,
  verified: r.verified === 1,
});

export class ActivationRepository {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      byId: db.prepare<[string], Row>(
        `SELECT id, token_hash, account_id, instance_id, site, state, billing_account_id, workspace_id, expires_at, verified
           FROM activations WHERE id = ?`,
      ),
      insert: db.prepare(
        `INSERT INTO activations (id, token_hash, account_id, instance_id, site, created_at, updated_at, expires_at)
         VALUES (@id, @tokenHash, @accountId, @instanceId, @site, @now, @now, @expiresAt)`,
      ),
      // Only before a workspace is bound: the guard holds even if a binding races the change.
      setSite: db.prepare(
        `UPDATE activations SET site = @site, updated_at = @now
         WHERE id = @id AND state IN ('needs-billing-account', 'needs-workspace') AND workspace_id IS NULL`,
      ),
      setVerified: db.prepare('UPDATE activations SET verified = 1 WHERE id = ?'),
      // The state guard makes a step apply once even if two requests of one activation race.
      advance: db.prepare(
        `UPDATE activations SET state = @to, billing_account_id = coalesce(@billingAccountId, billing_account_id),
           workspace_id = coalesce(@workspaceId, workspace_id), updated_at = @now
         WHERE id = @id AND state = @from`,
      ),
    };
  }

  get(id: string) { const r = this.s.byId.get(id); return r && toRecord(r); }

  insert(a: Omit<ActivationRecord, 'state' | 'billingAccountId' | 'workspaceId'>, now: number): void {
    this.s.insert.run({ ...a, now });
  }

  /** Started by the marketplace's free login. */
  markVerified(id: string): void {
    this.s.setVerified.run(id);
  }

  /** Sets the site for a workspace yet to be created; false once a workspace is bound. */
  setSite(id: string, site: SiteCode, now: number): boolean {
    return this.s.setSite.run({ id, site, now }).changes === 1;
  }

  /** Moves `from` → `to`; false when the activation was no longer in `from`. */
  advance(id: string, from: ActivationState, to: ActivationState,
    set: { billingAccountId?: string; workspaceId?: string }, now: number): boolean {
    return this.s.advance.run({
      id, from, to, now, billingAccountId: set.billingAccountId ?? null, workspaceId: set.workspaceId ?? null,
    }).changes === 1;
  }
}
