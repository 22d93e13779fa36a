import type { SiteCode } from '../../../shared/sites';
import type { Db } from '../connection';
import { mapUniqueViolation } from '../constraints';

export interface WorkspaceRecord {
  id: string;
  name: string;
  site: SiteCode;
  language: 'zh' | 'en';
  billingAccountId: string;
}

export interface WorkspaceWithSettlement extends WorkspaceRecord {
  /** The cloud account the workspace is settled through right now, if any. */
  settledBy: string | null;
  /** When that settlement's instance expired and the workspace is frozen: the end of the countdown. */
  frozenUntil: number | null;
}

/** A workspace an instance pays for now, with who bills it and who logs in to it (its owner). */
export interface InstanceWorkspace extends WorkspaceRecord {
  billingUsername: string;
  ownerUsername: string;
  ownerEmail: string;
}

interface Row { id: string; name: string; site: SiteCode; language: 'zh' | 'en'; billing_account_id: string }
const toWorkspace = (r: Row): WorkspaceRecord => ({
  id: r.id, name: r.name, site: r.site, language: r.language, billingAccountId: r.billing_account_id,
});

/** Workspaces, who can open them, and how they are settled. */
export class WorkspaceRepository {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      byId: db.prepare<[string], Row>('SELECT id, name, site, language, billing_account_id FROM workspaces WHERE id = ?'),
      ofBilling: db.prepare<[string], Row & { settled_by: string | null; frozen_until: number | null }>(
        `SELECT w.id, w.name, w.site, w.language, w.billing_account_id, s.account_id AS settled_by,
                CASE WHEN i.status = 'expired' THEN i.freeze_ends_at END AS frozen_until
           FROM workspaces w LEFT JOIN settlements s ON s.workspace_id = w.id AND s.ended_at IS NULL
                LEFT JOIN instances i ON i.id = s.instance_id
          WHERE w.billing_account_id = ? ORDER BY w.created_at, w.id`,
      ),
      ofMember: db.prepare<[string], Row>(
        `SELECT w.id, w.name, w.site, w.language, w.billing_account_id
           FROM workspace_members m JOIN workspaces w ON w.id = m.workspace_id
          WHERE m.guance_account_id = ? ORDER BY w.created_at, w.id`,
      ),
      liveSettlement: db.prepare<[string], { account_id: string; instance_id: string }>(
        'SELECT account_id, instance_id FROM settlements WHERE workspace_id = ? AND ended_at IS NULL',
      ),
      settlesAny: db.prepare<[string], { one: number }>(
        'SELECT 1 AS one FROM settlements WHERE instance_id = ? AND ended_at IS NULL LIMIT 1',
      ),
      ofInstance: db.prepare<[string], Row & { billing_username: string; owner_username: string; owner_email: string }>(
        `SELECT w.id, w.name, w.site, w.language, w.billing_account_id, b.username AS billing_username,
                g.username AS owner_username, g.email AS owner_email
           FROM settlements s JOIN workspaces w ON w.id = s.workspace_id
                JOIN billing_accounts b ON b.id = w.billing_account_id
                JOIN workspace_members m ON m.workspace_id = w.id AND m.role = 'owner'
                JOIN guance_accounts g ON g.id = m.guance_account_id
          WHERE s.instance_id = ? AND s.ended_at IS NULL ORDER BY s.started_at, w.id`,
      ),
      insert: db.prepare(
        `INSERT INTO workspaces (id, name, site, language, billing_account_id, created_at)
         VALUES (@id, @name, @site, @language, @billingAccountId, @now)`,
      ),
      addMember: db.prepare(
        'INSERT INTO workspace_members (workspace_id, guance_account_id, role, added_at) VALUES (?, ?, ?, ?)',
      ),
      settle: db.prepare(
        'INSERT INTO settlements (workspace_id, account_id, instance_id, started_at) VALUES (?, ?, ?, ?)',
      ),
    };
  }

  get(id: string) { const r = this.s.byId.get(id); return r && toWorkspace(r); }

  ofBillingAccount(billingAccountId: string): WorkspaceWithSettlement[] {
    return this.s.ofBilling.all(billingAccountId).map((r) => ({ ...toWorkspace(r), settledBy: r.settled_by, frozenUntil: r.frozen_until }));
  }

  openableBy(guanceAccountId: string): WorkspaceRecord[] {
    return this.s.ofMember.all(guanceAccountId).map(toWorkspace);
  }

  liveSettlement(workspaceId: string): { accountId: string; instanceId: string } | undefined {
    const r = this.s.liveSettlement.get(workspaceId);
    return r && { accountId: r.account_id, instanceId: r.instance_id };
  }

  /** Whether this instance pays for any workspace right now: the purchase is activated. */
  instanceSettlesAny(instanceId: string): boolean {
    return this.s.settlesAny.get(instanceId) !== undefined;
  }

  /** The workspaces this instance pays for right now, oldest settlement first. */
  settledByInstance(instanceId: string): InstanceWorkspace[] {
    return this.s.ofInstance.all(instanceId).map((r) => ({
      ...toWorkspace(r), billingUsername: r.billing_username, ownerUsername: r.owner_username, ownerEmail: r.owner_email,
    }));
  }

  insert(w: WorkspaceRecord, ownerGuanceAccountId: string, now: number): void {
    this.s.insert.run({ ...w, now });
    this.s.addMember.run(w.id, ownerGuanceAccountId, 'owner', now);
  }

  /** 409 WORKSPACE_NOT_BINDABLE when the workspace already has a live settlement. */
  settle(workspaceId: string, accountId: string, instanceId: string, now: number): void {
    mapUniqueViolation(() => this.s.settle.run(workspaceId, accountId, instanceId, now));
  }
}
