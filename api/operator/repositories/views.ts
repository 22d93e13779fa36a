// SQL behind the console's read-only views (instances, the activation funnel, marketplace calls,
// the audit trail). Every list is keyset-paged through an index (migration 005).
import type { Db } from '../../db/connection';
import type { OperatorAction } from '../../db/repositories/operator-actions';
import { KeysetList, type Page } from './keyset';

export interface InstanceRow {
  id: string; account_id: string; sku_id: string | null; product_code: string; trial: number; status: string;
  expired_on: string | null; frozen_at: number | null; freeze_ends_at: number | null; released_at: number | null;
  created_at: number; order_id: string | null;
}

export interface PaidWorkspace { instance_id: string; workspace_id: string; name: string; site: string; billing_account_id: string; username: string }

export interface FunnelDay {
  day: number; started: number; billing: number; workspace: number; activated: number;
  stopped_billing: number; stopped_workspace: number;
}

export interface CallRow {
  id: number; action: string; instance_id: string | null; params: string; received_at: number; outcome: string; http_status: number;
}

export interface PendingRow {
  id: number; action: string; instance_id: string; params: string; received_at: number; attempts: number;
  resolved_at: number | null; outcome: string | null; instance_known: number;
}

export interface SignatureFailureDay { day: string; count: number; last_at: number; last_action: string | null }

export interface AuditLogRow {
  id: number; at: number; request_id: string | null; entity: string; entity_id: string; field: string;
  old_value: string | null; new_value: string | null; account_id: string | null; billing_account_id: string | null;
}

export const DAY_MS = 86_400_000;

interface ActionRow { id: number; at: number; actor: string; action: string; target: string; reason: string | null; outcome: string; request_id: string | null }
const toAction = (r: ActionRow): OperatorAction => ({
  id: r.id, at: r.at, actor: r.actor, action: r.action, target: r.target, reason: r.reason, outcome: r.outcome, requestId: r.request_id,
});

export class ConsoleViewRepository {
  private readonly instanceList;
  private readonly callList;
  private readonly pendingList;
  private readonly auditList;
  private readonly actionList;
  private readonly s;

  constructor(db: Db) {
    const instanceCols = `id, account_id, sku_id, product_code, trial, status, expired_on, frozen_at, freeze_ends_at, released_at,
      created_at, order_id FROM instances`;
    this.instanceList = new KeysetList<'status' | 'account' | 'sku', InstanceRow & Record<string, unknown>>(db, {
      select: `SELECT ${instanceCols}`,
      filters: { status: 'status = @status', account: 'account_id = @account', sku: 'sku_id = @sku' },
      after: 'id > @after',
      order: 'id',
    }, (r) => r.id);
    this.callList = new KeysetList<'action' | 'outcome' | 'failed' | 'instance', CallRow & Record<string, unknown>>(db, {
      select: 'SELECT id, action, instance_id, params, received_at, outcome, http_status FROM spi_calls',
      filters: {
        action: 'action = @action', outcome: 'outcome = @outcome',
        // every outcome but success: the marketplace got an error and will retry, or gave up
        failed: "outcome NOT IN ('ok', 'replayed') AND @failed = 1",
        instance: 'instance_id = @instance',
      },
      after: 'id < @after',
      order: 'id DESC',
    }, (r) => r.id);
    this.pendingList = new KeysetList<'open' | 'instance', PendingRow & Record<string, unknown>>(db, {
      select: `SELECT p.id, p.action, p.instance_id, p.params, p.received_at, p.attempts, p.resolved_at, p.outcome,
        EXISTS (SELECT 1 FROM instances i WHERE i.id = p.instance_id) AS instance_known FROM spi_pending p`,
      filters: { open: 'p.resolved_at IS NULL AND @open = 1', instance: 'p.instance_id = @instance' },
      after: 'p.id < @after',
      order: 'p.id DESC',
    }, (r) => r.id);
    this.auditList = new KeysetList<'account' | 'entity' | 'request', AuditLogRow & Record<string, unknown>>(db, {
      select: 'SELECT id, at, request_id, entity, entity_id, field, old_value, new_value, account_id, billing_account_id FROM audit_log',
      filters: {
        // a cloud account ID or a Billing Center account id (the two indexes of 002)
        account: 'account_id = @account OR billing_account_id = @account',
        // a workspace (its settlement), an instance, an activation or a linked cloud account
        entity: 'entity_id = @entity',
        request: 'request_id = @request',
      },
      after: 'id < @after',
      order: 'id DESC',
    }, (r) => r.id);
    this.actionList = new KeysetList<'actor' | 'target' | 'request', ActionRow & Record<string, unknown>>(db, {
      select: 'SELECT id, at, actor, action, target, reason, outcome, request_id FROM operator_actions',
      filters: { actor: 'actor = @actor', target: 'target = @target', request: 'request_id = @request' },
      after: 'id < @after',
      order: 'id DESC',
    }, (r) => r.id);

    this.s = {
      instance: db.prepare<[string], InstanceRow>(`SELECT ${instanceCols} WHERE id = ?`),
      paidWorkspaces: db.prepare<[string], PaidWorkspace>(
        `SELECT s.instance_id, s.workspace_id, w.name, w.site, w.billing_account_id, b.username
           FROM settlements s JOIN workspaces w ON w.id = s.workspace_id JOIN billing_accounts b ON b.id = w.billing_account_id
          WHERE s.instance_id IN (SELECT value FROM json_each(?)) AND s.ended_at IS NULL
          ORDER BY s.instance_id, w.name`,
      ),
      funnel: db.prepare<{ from: number; now: number }, FunnelDay>(
        `SELECT created_at / ${DAY_MS} AS day, count(*) AS started,
                sum(state <> 'needs-billing-account') AS billing,
                sum(workspace_id IS NOT NULL) AS workspace,
                sum(state = 'activated') AS activated,
                sum(state = 'needs-billing-account' AND expires_at <= @now) AS stopped_billing,
                sum(state = 'needs-workspace' AND expires_at <= @now) AS stopped_workspace
           FROM activations WHERE created_at >= @from GROUP BY day ORDER BY day`,
      ),
      signatureFailures: db.prepare<[string], SignatureFailureDay>(
        'SELECT day, count, last_at, last_action FROM spi_signature_failures WHERE day >= ? ORDER BY day DESC',
      ),
      billingByUsername: db.prepare<[string], { id: string }>('SELECT id FROM billing_accounts WHERE username = ?'),
      pending: db.prepare<[number], PendingRow>(
        `SELECT p.id, p.action, p.instance_id, p.params, p.received_at, p.attempts, p.resolved_at, p.outcome,
           EXISTS (SELECT 1 FROM instances i WHERE i.id = p.instance_id) AS instance_known FROM spi_pending p WHERE p.id = ?`,
      ),
    };
  }

  instances(f: { status?: string; account?: string; sku?: string }, after?: string): Page<InstanceRow> {
    return this.instanceList.page(f, after);
  }

  instance(id: string): InstanceRow | undefined {
    return this.s.instance.get(id);
  }

  /** The workspaces each instance pays for now (live marketplace settlements), for one page at once. */
  paidWorkspaces(instanceIds: string[]): Map<string, PaidWorkspace[]> {
    const out = new Map<string, PaidWorkspace[]>();
    if (instanceIds.length === 0) return out;
    for (const r of this.s.paidWorkspaces.all(JSON.stringify(instanceIds))) {
      const list = out.get(r.instance_id) ?? [];
      list.push(r);
      out.set(r.instance_id, list);
    }
    return out;
  }

  /** Activations started on each UTC day since `from`, and how far they got. */
  funnel(from: number, now: number): FunnelDay[] {
    return this.s.funnel.all({ from, now });
  }

  calls(f: { action?: string; outcome?: string; failed?: boolean; instance?: string }, after?: number): Page<CallRow> {
    return this.callList.page({ ...f, failed: f.failed ? 1 : undefined }, after);
  }

  pendingCalls(f: { open?: boolean; instance?: string }, after?: number): Page<PendingRow> {
    return this.pendingList.page({ open: f.open ? 1 : undefined, instance: f.instance }, after);
  }

  pendingCall(id: number): PendingRow | undefined {
    return this.s.pending.get(id);
  }

  signatureFailuresSince(day: string): SignatureFailureDay[] {
    return this.s.signatureFailures.all(day);
  }

  /** `account`: a cloud account ID, a Billing Center account id, or a Billing Center username. */
  audit(f: { account?: string; entity?: string; request?: string }, after?: number): Page<AuditLogRow> {
    const account = f.account && !/^(\d{16}|ba_\w+)$/.test(f.account) ? this.s.billingByUsername.get(f.account)?.id ?? f.account : f.account;
    return this.auditList.page({ ...f, account }, after);
  }

  operatorActions(f: { actor?: string; target?: string; request?: string }, after?: number): Page<OperatorAction> {
    const p = this.actionList.page(f, after);
    return { rows: p.rows.map(toAction), next: p.next };
  }
}
