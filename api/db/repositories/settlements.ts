import type { Db } from '../connection';

export interface SettledWorkspace {
  workspaceId: string;
  name: string;
  site: string;
  billingAccountId: string;
  billingEmail: string;
  billingUsername: string;
}

/** Marketplace settlements of workspaces, seen from the instance that pays (what its lifecycle ends). */
export class SettlementRepository {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      live: db.prepare<[string], { workspace_id: string; name: string; site: string; billing_account_id: string; email: string; username: string }>(
        `SELECT s.workspace_id, w.name, w.site, w.billing_account_id, b.email, b.username
           FROM settlements s JOIN workspaces w ON w.id = s.workspace_id JOIN billing_accounts b ON b.id = w.billing_account_id
          WHERE s.instance_id = ? AND s.ended_at IS NULL ORDER BY w.billing_account_id, w.name`,
      ),
      end: db.prepare(
        'UPDATE settlements SET ended_at = @now, end_reason = @reason WHERE instance_id = @id AND ended_at IS NULL',
      ),
    };
  }

  /** The workspaces `instanceId` pays for now, with their Billing Center account. */
  liveOf(instanceId: string): SettledWorkspace[] {
    return this.s.live.all(instanceId).map((r) => ({
      workspaceId: r.workspace_id, name: r.name, site: r.site, billingAccountId: r.billing_account_id,
      billingEmail: r.email, billingUsername: r.username,
    }));
  }

  /** Ends every live settlement of `instanceId`; the workspaces are then settled directly. */
  endAll(instanceId: string, now: number, reason: 'released' | 'freeze-ended'): number {
    return this.s.end.run({ id: instanceId, now, reason }).changes;
  }
}
