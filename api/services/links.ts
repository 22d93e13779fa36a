// Ending a link between a cloud account and a Billing Center account: when the cloud account's
// owner proves it (a link made without proof is superseded), or when an operator unlinks it for a
// dispute. The workspaces this cloud account's instances paid for under the link fall back to the
// Billing Center's direct settlement, the Billing Center account is told by mail (after the commit),
// and the audit trail keeps every change (link, settlements) with the request that made it.
import type { AuditContext } from '../db/audit-context';
import type { Repositories } from '../db/repositories';
import type { LinkSettlement, LiveLink } from '../db/repositories/links';
import { ApiError } from '../lib/errors';
import { linkEndedMessage } from '../mail/link-messages';
import type { Mailer, MailMessage } from '../mail/mailer';

export interface EndedLink {
  accountId: string;
  billingUsername: string;
  endedAt: number;
  workspaces: LinkSettlement[];
}

export class LinkService {
  constructor(
    private readonly repos: Repositories,
    private readonly mailer: Mailer,
    private readonly now: () => number,
    private readonly log: (line: string) => void,
  ) {}

  /**
   * Inside the caller's transaction: ends the link of `accountId` if it was made without proof.
   * A proved link stays (and the schema refuses to supersede one anyway). Returns the mail to send
   * once the transaction has committed.
   */
  supersedeUnproved(accountId: string, activationId: string, now: number): { ended?: EndedLink; mail: MailMessage[] } {
    const link = this.repos.links.live(accountId);
    if (!link || link.proof !== null) return { mail: [] };
    return this.end(link, { reason: 'superseded', activationId }, now);
  }

  /** The operator's `npm run links -- unlink`: ends any link, proved or not, and says why. */
  unlink(accountId: string, note: string, audit: AuditContext): EndedLink & { delivered: Promise<void> } {
    if (!note.trim()) throw new ApiError('VALIDATION_FAILED', 'A reason is required', [{ path: 'reason', message: 'Say why the link ends' }]);
    const { ended, mail } = this.repos.tx(() => {
      const link = this.repos.links.live(accountId);
      if (!link) throw new ApiError('NOT_FOUND', `Alibaba Cloud account ${accountId} is not linked to a Billing Center account`);
      return this.end(link, { reason: 'unlinked', note: note.trim() }, this.now());
    }, audit);
    return { ...ended!, delivered: this.send(mail) };
  }

  private end(link: LiveLink, ending: { reason: 'superseded'; activationId: string } | { reason: 'unlinked'; note: string }, now: number) {
    const workspaces = this.repos.links.end(link, ending, now);
    const mail = [linkEndedMessage(link.billingEmail, link.billingUsername, link.accountId, workspaces, now,
      ending.reason === 'superseded' ? { reason: 'superseded' } : { reason: 'unlinked', note: ending.note })];
    return { ended: { accountId: link.accountId, billingUsername: link.billingUsername, endedAt: now, workspaces }, mail };
  }

  /** Delivery after the commit; a failure is logged and does not undo the change. */
  send(mail: MailMessage[]): Promise<void> {
    return Promise.all(mail.map((m) => this.mailer.send(m).catch((e: unknown) => {
      this.log(`link mail failed (${m.subject}): ${e instanceof Error ? e.message : String(e)}`);
    }))).then(() => undefined);
  }
}
