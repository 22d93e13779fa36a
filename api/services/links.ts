// Ending a cloud account's link to a Billing Center account: the one rule, for every way an
// operator can ask for it (the console; a command line).
//
// The link is what lets later activations of the cloud account skip straight to its Billing Center
// account; removing it lets the next activation link the cloud account anew (to the right account,
// when the first was claimed by someone else). Workspaces already settled through the cloud
// account stay settled: a settlement is the instance paying, which the marketplace decides.
import type { Repositories } from '../db/repositories';
import { OperatorActionRepository } from '../db/repositories/operator-actions';
import { ApiError } from '../lib/errors';

/** Who asks: an operator's email (or `cli:<user>`) and the request (or run) id the audit rows carry. */
export interface Actor {
  name: string;
  requestId: string;
}

export const REASON_MIN = 3;
export const REASON_MAX = 500;

export class LinkService {
  private readonly actions;

  constructor(private readonly repos: Repositories, private readonly now: () => number) {
    this.actions = new OperatorActionRepository(repos.db);
  }

  /**
   * Removes the link in one audited transaction, with the operator's action (who, why) written in
   * the same transaction. 400 VALIDATION_FAILED without a reason, 404 NOT_FOUND without a link.
   */
  unlinkCloudAccount(accountId: string, reason: string, actor: Actor): { billingAccountId: string } {
    const why = reason.trim();
    if (why.length < REASON_MIN || why.length > REASON_MAX) {
      throw new ApiError('VALIDATION_FAILED', 'Say why the link is removed', [
        { path: 'reason', message: `between ${REASON_MIN} and ${REASON_MAX} characters` },
      ]);
    }
    return this.repos.tx(() => {
      const billingAccountId = this.repos.accounts.linkedBillingAccountId(accountId);
      if (billingAccountId === undefined || !this.repos.accounts.removeLink(accountId)) {
        throw new ApiError('NOT_FOUND', 'This cloud account is not linked', { accountId });
      }
      this.actions.log({
        at: this.now(), actor: actor.name, action: 'unlink', target: accountId, reason: why, outcome: 'ok', requestId: actor.requestId,
      });
      return { billingAccountId };
    }, { requestId: actor.requestId, now: this.now });
  }
}
