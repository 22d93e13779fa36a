// SQL for the links view: each cloud account's link to a Billing Center account, and the proof it
// was made with. Kept in this one file so the proof can be read from wherever it is recorded.
//
// Proof, as the schema records it today: a link is written in the same transaction (so under the
// same request id in the audit trail) as the activation step that bound the Billing Center account.
// That activation was started by the marketplace's free login (verified = 1: 'marketplace') or from
// IDs typed or read in the browser ('none'); a link with no such trail (made by hand) is 'unknown'.
import type { Db } from '../../db/connection';
import { KeysetList, type Page } from './keyset';

export type LinkProof = 'marketplace' | 'none' | 'unknown';

export interface LinkRow {
  account_id: string;
  billing_account_id: string;
  username: string;
  email: string;
  linked_at: number;
  proof: LinkProof;
  /** The activation whose step made the link, when the audit trail names it. */
  activation_id: string | null;
}

export class LinkViewRepository {
  private readonly list;
  private readonly one;
  private readonly billingByUsername;

  constructor(db: Db) {
    // Per row, through the audit_log_entity and audit_log_request indexes: only the rows of a page pay.
    const select = `
      SELECT x.*, CASE WHEN x.activation_id IS NULL THEN 'unknown'
                       WHEN (SELECT verified FROM activations WHERE id = x.activation_id) = 1 THEN 'marketplace'
                       ELSE 'none' END AS proof
        FROM (SELECT l.account_id, l.billing_account_id, b.username, b.email, l.linked_at,
                     (SELECT ab.entity_id FROM audit_log li
                        JOIN audit_log ab ON ab.request_id = li.request_id AND ab.entity = 'activation' AND ab.field = 'billingAccount'
                                         AND ab.new_value = li.new_value
                       WHERE li.entity_id = l.account_id AND li.entity = 'link' AND li.old_value IS NULL
                         AND li.new_value = l.billing_account_id
                       ORDER BY li.id DESC LIMIT 1) AS activation_id
                FROM cloud_account_links l JOIN billing_accounts b ON b.id = l.billing_account_id) x`;
    this.list = new KeysetList<'account' | 'billing', LinkRow & Record<string, unknown>>(db, {
      select,
      filters: { account: 'x.account_id = @account', billing: 'x.billing_account_id = @billing' },
      after: 'x.account_id > @after',
      order: 'x.account_id',
    }, (r) => r.account_id);
    this.one = db.prepare<[string], LinkRow>(`${select} WHERE x.account_id = ?`);
    this.billingByUsername = db.prepare<[string], { id: string }>('SELECT id FROM billing_accounts WHERE username = ?');
  }

  links(f: { account?: string; billing?: string }, after?: string): Page<LinkRow> {
    // A Billing Center account is named by its id or its username.
    const billing = f.billing && !f.billing.startsWith('ba_') ? this.billingByUsername.get(f.billing)?.id ?? f.billing : f.billing;
    return this.list.page({ account: f.account, billing }, after);
  }

  link(accountId: string): LinkRow | undefined {
    return this.one.get(accountId);
  }
}
