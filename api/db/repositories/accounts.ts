import type { Db } from '../connection';
import { mapUniqueViolation } from '../constraints';

export interface Account {
  id: string;
  username: string;
  email: string;
  passwordHash: string;
}

export interface NewBillingAccount extends Account {
  phone: string | null;
  companyName: string | null;
  contactName: string | null;
  industry: string | null;
}

export interface NewGuanceAccount extends Account {
  phone: string | null;
}

interface AccountRow { id: string; username: string; email: string; password_hash: string }
const toAccount = (r: AccountRow): Account => ({ id: r.id, username: r.username, email: r.email, passwordHash: r.password_hash });

/** Billing Center accounts, Guance accounts, and the link of a cloud account to a Billing Center account. */
export class AccountRepository {
  private readonly s;

  constructor(db: Db) {
    const cols = 'id, username, email, password_hash';
    this.s = {
      billingById: db.prepare<[string], AccountRow>(`SELECT ${cols} FROM billing_accounts WHERE id = ?`),
      billingByUsername: db.prepare<[string], AccountRow>(`SELECT ${cols} FROM billing_accounts WHERE username = ?`),
      billingByEmail: db.prepare<[string], AccountRow>(`SELECT ${cols} FROM billing_accounts WHERE email = ?`),
      guanceByUsername: db.prepare<[string], AccountRow>(`SELECT ${cols} FROM guance_accounts WHERE username = ?`),
      guanceByEmail: db.prepare<[string], AccountRow>(`SELECT ${cols} FROM guance_accounts WHERE email = ?`),
      insertBilling: db.prepare(
        `INSERT INTO billing_accounts (id, username, email, password_hash, phone, company_name, contact_name, industry, created_at)
         VALUES (@id, @username, @email, @passwordHash, @phone, @companyName, @contactName, @industry, @now)`,
      ),
      insertGuance: db.prepare(
        `INSERT INTO guance_accounts (id, username, email, password_hash, phone, created_at)
         VALUES (@id, @username, @email, @passwordHash, @phone, @now)`,
      ),
      linkOf: db.prepare<[string], { billing_account_id: string }>(
        'SELECT billing_account_id FROM cloud_account_links WHERE account_id = ?',
      ),
      removeLink: db.prepare<[string]>('DELETE FROM cloud_account_links WHERE account_id = ?'),
      insertLink: db.prepare('INSERT INTO cloud_account_links (account_id, billing_account_id, linked_at) VALUES (?, ?, ?)'),
    };
  }

  billingById(id: string) { const r = this.s.billingById.get(id); return r && toAccount(r); }
  billingByUsername(u: string) { const r = this.s.billingByUsername.get(u); return r && toAccount(r); }
  billingByEmail(e: string) { const r = this.s.billingByEmail.get(e); return r && toAccount(r); }
  guanceByUsername(u: string) { const r = this.s.guanceByUsername.get(u); return r && toAccount(r); }
  guanceByEmail(e: string) { const r = this.s.guanceByEmail.get(e); return r && toAccount(r); }

  /** 409 USERNAME_TAKEN / EMAIL_TAKEN when another Billing Center account holds either. */
  insertBilling(a: NewBillingAccount, now: number): void {
    mapUniqueViolation(() => this.s.insertBilling.run({ ...a, now }));
  }

  /** 409 USERNAME_TAKEN / EMAIL_TAKEN when another Guance account holds either. */
  insertGuance(a: NewGuanceAccount, now: number): void {
    mapUniqueViolation(() => this.s.insertGuance.run({ ...a, now }));
  }

  /** The Billing Center account this cloud account is linked to, if any. */
  linkedBillingAccountId(accountId: string): string | undefined {
    return this.s.linkOf.get(accountId)?.billing_account_id;
  }

  /** 409 CLOUD_ACCOUNT_LINKED_ELSEWHERE when the cloud account already has a link. */
  insertLink(accountId: string, billingAccountId: string, now: number): void {
    mapUniqueViolation(() => this.s.insertLink.run(accountId, billingAccountId, now));
  }

  /** Removes the cloud account's link; false when it had none. */
  removeLink(accountId: string): boolean {
    return this.s.removeLink.run(accountId).changes === 1;
  }
}
