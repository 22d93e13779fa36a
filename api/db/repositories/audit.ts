import type { Db } from '../connection';

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

/** The audit trail (audit_log), written by triggers; read here. */
export class AuditRepository {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      of: db.prepare<{ account: string }, {
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

  /**
   * One account's history: `account` is an Alibaba Cloud account ID, a Billing Center account id or
   * username. A Billing Center account's history includes that of the cloud accounts linked to it.
   */
  of(account: string): AuditRow[] {
    return this.s.of.all({ account }).map((r) => ({
      id: r.id, at: r.at, requestId: r.request_id, entity: r.entity, entityId: r.entity_id, field: r.field,
      oldValue: r.old_value, newValue: r.new_value, accountId: r.account_id, billingAccountId: r.billing_account_id,
    }));
  }
}
