// SQL for the marketplace lifecycle (freeze, thaw, release), pending SPI calls, free-login tokens
// and the audit trail. Statements prepared once per connection.
import type { Db } from '../connection';

export interface FrozenInfo {
  frozenAt: number | null;
  freezeEndsAt: number | null;
  releasedAt: number | null;
}

export interface SettledWorkspace {
  workspaceId: string;
  name: string;
  site: string;
  billingAccountId: string;
  billingEmail: string;
  billingUsername: string;
}

export interface PendingCall {
  id: number;
  action: string;
  instanceId: string;
  params: Record<string, string>;
}

export interface AuditRow {
  id: number;
  at: number;
  requestId: string | null;
  entity: string;
  entityId: string;
  field: string;
  oldValue: string | null;
  newValue: string | null;
  accountId: string | null;
  billingAccountId: string | null;
}

/** The same parameters always give the same text (sorted names, no token). */
function canonical(params: Record<string, string>): string {
  const { token: _t, ...rest } = params;
  return JSON.stringify(Object.fromEntries(Object.entries(rest).sort(([a], [b]) => (a < b ? -1 : 1))));
}

export class LifecycleRepository {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      frozen: db.prepare<[string], { frozen_at: number | null; freeze_ends_at: number | null; released_at: number | null }>(
        'SELECT frozen_at, freeze_ends_at, released_at FROM instances WHERE id = ?',
      ),
      freeze: db.prepare(
        `UPDATE instances SET status = 'expired', frozen_at = @now, freeze_ends_at = @endsAt, updated_at = @now
          WHERE id = @id AND status = 'active'`,
      ),
      thaw: db.prepare(
        `UPDATE instances SET status = 'active', frozen_at = NULL, freeze_ends_at = NULL,
           expired_on = coalesce(@expiredOn, expired_on), order_id = coalesce(@orderId, order_id), updated_at = @now
          WHERE id = @id AND status IN ('active', 'expired')`,
      ),
      release: db.prepare(
        `UPDATE instances SET status = 'released', released_at = @now, freeze_ends_at = NULL, updated_at = @now
          WHERE id = @id AND status <> 'released'`,
      ),
      liveSettlements: db.prepare<[string], { workspace_id: string; name: string; site: string; billing_account_id: string; email: string; username: string }>(
        `SELECT s.workspace_id, w.name, w.site, w.billing_account_id, b.email, b.username
           FROM settlements s JOIN workspaces w ON w.id = s.workspace_id JOIN billing_accounts b ON b.id = w.billing_account_id
          WHERE s.instance_id = ? AND s.ended_at IS NULL ORDER BY w.billing_account_id, w.name`,
      ),
      endSettlements: db.prepare(
        'UPDATE settlements SET ended_at = @now, end_reason = @reason WHERE instance_id = @id AND ended_at IS NULL',
      ),
      due: db.prepare<[number], { id: string }>(
        "SELECT id FROM instances WHERE status = 'expired' AND freeze_ends_at <= ? ORDER BY freeze_ends_at LIMIT 100",
      ),
      putPending: db.prepare(
        `INSERT INTO spi_pending (action, instance_id, params, received_at) VALUES (@action, @instanceId, @params, @now)
         ON CONFLICT (action, instance_id, params) DO UPDATE SET attempts = attempts + 1`,
      ),
      openPending: db.prepare<[string], { id: number; action: string; instance_id: string; params: string }>(
        'SELECT id, action, instance_id, params FROM spi_pending WHERE instance_id = ? AND resolved_at IS NULL ORDER BY id',
      ),
      pendingById: db.prepare<[number], { id: number; action: string; instance_id: string; params: string; resolved_at: number | null }>(
        'SELECT id, action, instance_id, params, resolved_at FROM spi_pending WHERE id = ?',
      ),
      retriedPending: db.prepare<[number]>('UPDATE spi_pending SET attempts = attempts + 1 WHERE id = ? AND resolved_at IS NULL'),
      resolvePending: db.prepare('UPDATE spi_pending SET resolved_at = ?, outcome = ? WHERE id = ?'),
      resolveSame: db.prepare(
        `UPDATE spi_pending SET resolved_at = @now, outcome = 'ok'
          WHERE action = @action AND instance_id = @instanceId AND params = @params AND resolved_at IS NULL`,
      ),
      useToken: db.prepare('INSERT INTO free_login_tokens (token_hash, instance_id, used_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      forgetTokens: db.prepare('DELETE FROM free_login_tokens WHERE used_at < ?'),
      setVerified: db.prepare('UPDATE activations SET verified = 1 WHERE id = ?'),
      isVerified: db.prepare<[string], { verified: number }>('SELECT verified FROM activations WHERE id = ?'),
      auditOf: db.prepare<{ account: string }, {
        id: number; at: number; request_id: string | null; entity: string; entity_id: string; field: string;
        old_value: string | null; new_value: string | null; account_id: string | null; billing_account_id: string | null;
      }>(
        `SELECT * FROM audit_log
          WHERE account_id = @account OR billing_account_id = @account
             OR billing_account_id = (SELECT id FROM billing_accounts WHERE username = @account)
             OR account_id IN (SELECT account_id FROM cloud_account_links
                                WHERE billing_account_id = @account
                                   OR billing_account_id = (SELECT id FROM billing_accounts WHERE username = @account))
          ORDER BY id`,
      ),
    };
  }

  frozenInfo(id: string): FrozenInfo | undefined {
    const r = this.s.frozen.get(id);
    return r && { frozenAt: r.frozen_at, freezeEndsAt: r.freeze_ends_at, releasedAt: r.released_at };
  }

  /** active → expired with a countdown; false when it was not active. */
  freeze(id: string, now: number, endsAt: number): boolean {
    return this.s.freeze.run({ id, now, endsAt }).changes === 1;
  }

  thaw(id: string, now: number, change: { expiredOn?: string; orderId?: string }): boolean {
    return this.s.thaw.run({ id, now, expiredOn: change.expiredOn ?? null, orderId: change.orderId ?? null }).changes === 1;
  }

  /** → released; false when it already was. */
  release(id: string, now: number): boolean {
    return this.s.release.run({ id, now }).changes === 1;
  }

  liveSettlements(instanceId: string): SettledWorkspace[] {
    return this.s.liveSettlements.all(instanceId).map((r) => ({
      workspaceId: r.workspace_id, name: r.name, site: r.site, billingAccountId: r.billing_account_id,
      billingEmail: r.email, billingUsername: r.username,
    }));
  }

  endSettlements(instanceId: string, now: number, reason: 'released' | 'freeze-ended'): number {
    return this.s.endSettlements.run({ id: instanceId, now, reason }).changes;
  }

  dueForRelease(now: number): string[] {
    return this.s.due.all(now).map((r) => r.id);
  }

  recordPending(action: string, instanceId: string, params: Record<string, string>, now: number): void {
    this.s.putPending.run({ action, instanceId, params: canonical(params), now });
  }

  /** The marketplace's retry of a kept call went through: the kept one is done too. */
  resolveSame(action: string, instanceId: string, params: Record<string, string>, now: number): void {
    this.s.resolveSame.run({ action, instanceId, params: canonical(params), now });
  }

  openPending(instanceId: string): PendingCall[] {
    return this.s.openPending.all(instanceId).map((r) => ({
      id: r.id, action: r.action, instanceId: r.instance_id, params: JSON.parse(r.params) as Record<string, string>,
    }));
  }

  /** One kept call, resolved or not. */
  pending(id: number): (PendingCall & { resolvedAt: number | null }) | undefined {
    const r = this.s.pendingById.get(id);
    return r && { id: r.id, action: r.action, instanceId: r.instance_id, params: JSON.parse(r.params) as Record<string, string>, resolvedAt: r.resolved_at };
  }

  /** Another attempt at a kept call that still cannot be applied. */
  countPendingAttempt(id: number): void {
    this.s.retriedPending.run(id);
  }

  resolvePending(id: number, now: number, outcome: string): void {
    this.s.resolvePending.run(now, outcome, id);
  }

  /** Records a free-login token as used; false when it was used before. */
  useFreeLoginToken(tokenHash: string, instanceId: string, now: number): boolean {
    return this.s.useToken.run(tokenHash, instanceId, now).changes === 1;
  }

  forgetFreeLoginTokensBefore(t: number): void {
    this.s.forgetTokens.run(t);
  }

  markVerified(activationId: string): void {
    this.s.setVerified.run(activationId);
  }

  isVerified(activationId: string): boolean {
    return this.s.isVerified.get(activationId)?.verified === 1;
  }

  /**
   * One account's history: `account` is an Alibaba Cloud account ID, a Billing Center account id or
   * username. A Billing Center account's history includes that of the cloud accounts linked to it.
   */
  auditOf(account: string): AuditRow[] {
    return this.s.auditOf.all({ account }).map((r) => ({
      id: r.id, at: r.at, requestId: r.request_id, entity: r.entity, entityId: r.entity_id, field: r.field,
      oldValue: r.old_value, newValue: r.new_value, accountId: r.account_id, billingAccountId: r.billing_account_id,
    }));
  }
}
