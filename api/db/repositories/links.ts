// Links between a cloud account and a Billing Center account: how each was made, and their endings
// (migration 004). A link row is deleted only together with its ending (a schema rule).
import type { ProofMethod } from '../../../shared/schemas';
import type { Db } from '../connection';

export interface LiveLink {
  accountId: string;
  billingAccountId: string;
  billingUsername: string;
  billingEmail: string;
  proof: ProofMethod | null;
  linkedAt: number;
}

export interface LinkEnding {
  reason: 'superseded' | 'unlinked';
  activationId?: string;
  note?: string;
}

/** A workspace whose marketplace settlement ends with the link (see `settledUnder`). */
export interface LinkSettlement {
  workspaceId: string;
  name: string;
  site: string;
  instanceId: string;
}

export class LinkRepository {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      live: db.prepare<[string], { account_id: string; billing_account_id: string; username: string; email: string; proof: ProofMethod | null; linked_at: number }>(
        `SELECT l.account_id, l.billing_account_id, b.username, b.email, l.proof, l.linked_at
           FROM cloud_account_links l JOIN billing_accounts b ON b.id = l.billing_account_id WHERE l.account_id = ?`,
      ),
      insertEnding: db.prepare(
        `INSERT INTO link_endings (account_id, billing_account_id, proof, linked_at, ended_at, reason, activation_id, note)
         VALUES (@accountId, @billingAccountId, @proof, @linkedAt, @now, @reason, @activationId, @note)`,
      ),
      remove: db.prepare('DELETE FROM cloud_account_links WHERE account_id = ? AND billing_account_id = ?'),
      markProved: db.prepare('UPDATE cloud_account_links SET proof = ? WHERE account_id = ? AND billing_account_id = ? AND proof IS NULL'),
      // Workspaces of the link's Billing Center account settled through this cloud account's instances.
      settledUnder: db.prepare<[string, string], { workspace_id: string; name: string; site: string; instance_id: string }>(
        `SELECT s.workspace_id, w.name, w.site, s.instance_id
           FROM settlements s JOIN workspaces w ON w.id = s.workspace_id
          WHERE s.account_id = ? AND w.billing_account_id = ? AND s.ended_at IS NULL ORDER BY w.name, w.id`,
      ),
      endSettlement: db.prepare(
        'UPDATE settlements SET ended_at = @now, end_reason = @reason WHERE workspace_id = @workspaceId AND account_id = @accountId AND ended_at IS NULL',
      ),
      endings: db.prepare<[string], { billing_account_id: string; proof: string | null; linked_at: number; ended_at: number; reason: string; activation_id: string | null; note: string | null }>(
        'SELECT billing_account_id, proof, linked_at, ended_at, reason, activation_id, note FROM link_endings WHERE account_id = ? ORDER BY id',
      ),
    };
  }

  live(accountId: string): LiveLink | undefined {
    const r = this.s.live.get(accountId);
    return r && {
      accountId: r.account_id, billingAccountId: r.billing_account_id, billingUsername: r.username, billingEmail: r.email,
      proof: r.proof, linkedAt: r.linked_at,
    };
  }

  settledUnder(link: LiveLink): LinkSettlement[] {
    return this.s.settledUnder.all(link.accountId, link.billingAccountId).map((r) => ({
      workspaceId: r.workspace_id, name: r.name, site: r.site, instanceId: r.instance_id,
    }));
  }

  /** Inside a transaction: records the ending, ends the settlements made under the link, removes it. */
  end(link: LiveLink, ending: LinkEnding, now: number): LinkSettlement[] {
    const settled = this.settledUnder(link);
    this.s.insertEnding.run({
      accountId: link.accountId, billingAccountId: link.billingAccountId, proof: link.proof, linkedAt: link.linkedAt, now,
      reason: ending.reason, activationId: ending.activationId ?? null, note: ending.note ?? null,
    });
    for (const w of settled) this.s.endSettlement.run({ now, reason: ending.reason, workspaceId: w.workspaceId, accountId: link.accountId });
    this.s.remove.run(link.accountId, link.billingAccountId);
    return settled;
  }

  /** The owner proved the cloud account and bound the linked account with its code: the link is proved now. */
  markProved(accountId: string, billingAccountId: string, proof: ProofMethod): void {
    this.s.markProved.run(proof, accountId, billingAccountId);
  }

  endings(accountId: string) {
    return this.s.endings.all(accountId).map((r) => ({
      billingAccountId: r.billing_account_id, proof: r.proof, linkedAt: r.linked_at, endedAt: r.ended_at,
      reason: r.reason, activationId: r.activation_id, note: r.note,
    }));
  }
}
