// SQL for the links view: each cloud account's link to a Billing Center account with the proof it
// was made with (cloud_account_links.proof, migration 004), and the links that ended (link_endings:
// superseded by a proved owner, or unlinked by an operator, with the proof the ended link had).
import type { Db } from '../../db/connection';
import { KeysetList, type Page } from './keyset';

/** How the link's maker proved the cloud account's owner; 'none': it was made without proof. */
export type LinkProof = 'marketplace' | 'alibaba-sign-in' | 'none';

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

export interface EndedLinkRow {
  id: number;
  account_id: string;
  billing_account_id: string;
  username: string;
  linked_at: number;
  ended_at: number;
  proof: LinkProof;
  reason: 'superseded' | 'unlinked';
  /** superseded: the proved activation that ended it. */
  activation_id: string | null;
  /** unlinked: the operator's reason. */
  note: string | null;
}

type Filters = 'account' | 'billing';

export class LinkViewRepository {
  private readonly list;
  private readonly ended;
  private readonly one;
  private readonly billingByUsername;

  constructor(db: Db) {
    // The activation per row, through the audit_log_entity and audit_log_request indexes: only the
    // rows of a page pay.
    const select = `
      SELECT x.* FROM (SELECT l.account_id, l.billing_account_id, b.username, b.email, l.linked_at,
                     coalesce(l.proof, 'none') AS proof,
                     (SELECT ab.entity_id FROM audit_log li
                        JOIN audit_log ab ON ab.request_id = li.request_id AND ab.entity = 'activation' AND ab.field = 'billingAccount'
                                         AND ab.new_value = li.new_value
                       WHERE li.entity_id = l.account_id AND li.entity = 'link' AND li.old_value IS NULL
                         AND li.new_value = l.billing_account_id
                       ORDER BY li.id DESC LIMIT 1) AS activation_id
                FROM cloud_account_links l JOIN billing_accounts b ON b.id = l.billing_account_id) x`;
    this.list = new KeysetList<Filters, LinkRow & Record<string, unknown>>(db, {
      select,
      filters: { account: 'x.account_id = @account', billing: 'x.billing_account_id = @billing' },
      after: 'x.account_id > @after',
      order: 'x.account_id',
    }, (r) => r.account_id);
    // Newest first, through link_endings_account / link_endings_billing (or the rowid alone).
    this.ended = new KeysetList<Filters, EndedLinkRow & Record<string, unknown>>(db, {
      select: `SELECT e.id, e.account_id, e.billing_account_id, b.username, e.linked_at, e.ended_at,
                      coalesce(e.proof, 'none') AS proof, e.reason, e.activation_id, e.note
                 FROM link_endings e JOIN billing_accounts b ON b.id = e.billing_account_id`,
      filters: { account: 'e.account_id = @account', billing: 'e.billing_account_id = @billing' },
      after: 'e.id < @after',
      order: 'e.id DESC',
    }, (r) => r.id);
    this.one = db.prepare<[string], LinkRow>(`${select} WHERE x.account_id = ?`);
    this.billingByUsername = db.prepare<[string], { id: string }>('SELECT id FROM billing_accounts WHERE username = ?');
  }

  links(f: { account?: string; billing?: string }, after?: string): Page<LinkRow> {
    return this.list.page({ account: f.account, billing: this.billingId(f.billing) }, after);
  }

  endedLinks(f: { account?: string; billing?: string }, after?: number): Page<EndedLinkRow> {
    return this.ended.page({ account: f.account, billing: this.billingId(f.billing) }, after);
  }

  link(accountId: string): LinkRow | undefined {
    return this.one.get(accountId);
  }

  /** A Billing Center account is named by its id or its username. */
  private billingId(billing: string | undefined): string | undefined {
    return billing && !billing.startsWith('ba_') ? this.billingByUsername.get(billing)?.id ?? billing : billing;
  }
}
