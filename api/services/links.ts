// Ending a link between a cloud account and a Billing Center account: when the cloud account's
// owner proves it (a link made without proof is superseded), or when an operator unlinks it for a
// dispute: the one rule for every way an operator asks (the console's unlink action, `npm run links
// -- unlink`), recorded in operator_actions with who asked and why. The workspaces this cloud
// account's instances paid for under the link fall back to the Billing Center's direct settlement,
// the Billing Center account is told by mail (queued in the outbox in the same transaction,
// delivered after the commit),
// and the audit trail keeps every change (link, settlements) with the request that made it.
import type { AuditContext } from '../db/audit-context';
import type { Repositories } from '../db/repositories';
import type { LinkSettlement, LiveLink } from '../db/repositories/links';
import { OperatorActionRepository } from '../db/repositories/operator-actions';
import { ApiError } from '../lib/errors';
import { linkEndedMessage } from '../mail/link-messages';
import type { DeliveryResult, MailOutbox } from '../mail/outbox';

export interface EndedLink {
  accountId: string;
  billingUsername: string;
  endedAt: number;
  workspaces: LinkSettlement[];
}

export const REASON_MIN = 3;
export const REASON_MAX = 500;

export class LinkService {
  private readonly actions;

  constructor(
    private readonly repos: Repositories,
    private readonly mail: MailOutbox,
    private readonly now: () => number,
  ) {
    this.actions = new OperatorActionRepository(repos.db);
  }

  /**
   * Inside the caller's transaction: ends the link of `accountId` if it was made without proof,
   * and queues its mail in the same commit. A proved link stays (and the schema refuses to
   * supersede one anyway).
   */
  supersedeUnproved(accountId: string, activationId: string, now: number): EndedLink | undefined {
    const link = this.repos.links.live(accountId);
    if (!link || link.proof !== null) return undefined;
    return this.end(link, { reason: 'superseded', activationId }, now).ended;
  }

  /**
   * An operator ends any link, proved or not, and says why (kept in link_endings and mailed). The
   * operator's action (`actor`: their email, or `cli:<user>`; why) is written in the same transaction, under `audit`'s request id,
   * so the audit trail ties the ending to the person. 400 VALIDATION_FAILED without a reason of
   * REASON_MIN to REASON_MAX characters, 404 NOT_FOUND without a link. `delivered`: one attempt at
   * its mail now; a failed one stays in the outbox for the worker (a failure undoes nothing).
   */
  unlink(accountId: string, note: string, audit: AuditContext, actor: string): EndedLink & { delivered: Promise<DeliveryResult> } {
    const why = note.trim();
    if (why.length < REASON_MIN || why.length > REASON_MAX) {
      throw new ApiError('VALIDATION_FAILED', 'A reason is required', [
        { path: 'reason', message: `Say why the link ends (${REASON_MIN} to ${REASON_MAX} characters)` },
      ]);
    }
    const { ended, mailId } = this.repos.tx(() => {
      const link = this.repos.links.live(accountId);
      if (!link) throw new ApiError('NOT_FOUND', `Alibaba Cloud account ${accountId} is not linked to a Billing Center account`);
      const now = this.now();
      const r = this.end(link, { reason: 'unlinked', note: why }, now);
      this.actions.log({ at: now, actor, action: 'unlink', target: accountId, reason: why, outcome: 'ok', requestId: audit.requestId });
      return r;
    }, audit);
    return { ...ended, delivered: this.mail.deliver(mailId) };
  }

  private end(link: LiveLink, ending: { reason: 'superseded'; activationId: string } | { reason: 'unlinked'; note: string }, now: number) {
    const workspaces = this.repos.links.end(link, ending, now);
    const mailId = this.mail.enqueue(linkEndedMessage(link.billingEmail, link.billingUsername, link.accountId, workspaces, now,
      ending.reason === 'superseded' ? { reason: 'superseded' } : { reason: 'unlinked', note: ending.note }));
    return { ended: { accountId: link.accountId, billingUsername: link.billingUsername, endedAt: now, workspaces }, mailId };
  }
}
