// What the marketplace's later calls do to the workspaces an instance pays for:
// expiredInstance freezes them for 14 days, renewInstance within that time thaws them, and
// releaseInstance or the end of the countdown moves them to the Billing Center's direct settlement
// and tells the Billing Center account. Every step is idempotent: the marketplace retries.
import { randomUUID } from 'node:crypto';
import type { Repositories } from '../db/repositories';
import type { LifecycleRepository } from '../db/repositories/lifecycle';
import { withAuditContext } from '../db/audit-context';
import type { Instance } from '../db/repositories/instances';
import { ApiError, fieldError } from '../lib/errors';
import { frozenMessage, releasedMessage, type AffectedWorkspace } from '../mail/lifecycle-messages';
import type { Mailer, MailMessage } from '../mail/mailer';

export const FREEZE_MS = 14 * 24 * 3600_000;

export class LifecycleService {
  constructor(
    private readonly repos: Repositories,
    private readonly lifecycle: LifecycleRepository,
    private readonly mailer: Mailer,
    private readonly now: () => number,
    private readonly log: (line: string) => void,
  ) {}

  /** Inside the caller's transaction. Returns the mail to send once it has committed. */
  expire(instance: Instance, now: number): { changed: boolean; mail: MailMessage[] } {
    if (!this.lifecycle.freeze(instance.id, now, now + FREEZE_MS)) return { changed: false, mail: [] };
    const mail = this.byBillingAccount(instance.id).map(([first, ws]) =>
      frozenMessage(first.billingEmail, first.billingUsername, instance.id, ws, now + FREEZE_MS));
    return { changed: true, mail };
  }

  /** Inside the caller's transaction. A renewal in time thaws a frozen instance. */
  renew(instance: Instance, change: { expiredOn?: string; orderId?: string }, now: number): boolean {
    if (instance.status === 'released') {
      throw new ApiError('INSTANCE_NOT_ACTIVE', 'This instance was released; it can no longer be renewed', { status: 'released' });
    }
    return this.lifecycle.thaw(instance.id, now, change);
  }

  /** Inside the caller's transaction. Ends the instance's settlements; the workspaces are settled directly. */
  release(instanceId: string, now: number, why: 'released' | 'freeze-ended'): { changed: boolean; mail: MailMessage[] } {
    const groups = this.byBillingAccount(instanceId);
    if (!this.lifecycle.release(instanceId, now)) return { changed: false, mail: [] };
    this.lifecycle.endSettlements(instanceId, now, why);
    const mail = groups.map(([first, ws]) => releasedMessage(first.billingEmail, first.billingUsername, instanceId, ws, why));
    return { changed: true, mail };
  }

  /**
   * Releases every instance whose 14 days ran out. Runs on a timer in the server and before any
   * read that depends on an instance's status, so a late sweep never shows a stale state.
   */
  sweep(requestId = `sweep-${randomUUID()}`): number {
    const now = this.now();
    if (this.lifecycle.dueForRelease(now).length === 0) return 0;
    return withAuditContext({ requestId, now: this.now }, () => {
      const mail: MailMessage[] = [];
      const n = this.repos.tx(() => {
        const due = this.lifecycle.dueForRelease(now);
        for (const id of due) mail.push(...this.release(id, now, 'freeze-ended').mail);
        return due.length;
      });
      this.send(mail);
      return n;
    });
  }

  /** Delivery happens after the commit; a mail failure is logged and does not undo the change. */
  send(mail: MailMessage[]): void {
    for (const m of mail) {
      this.mailer.send(m).catch((e: unknown) => {
        this.log(`lifecycle mail failed (${m.subject}): ${e instanceof Error ? e.message : String(e)}`);
      });
    }
  }

  /** How an instance that is not active is explained to someone trying to activate it. */
  notActive(instance: Instance): ApiError {
    const info = this.lifecycle.frozenInfo(instance.id);
    if (instance.status === 'expired') {
      const until = info?.freezeEndsAt ? new Date(info.freezeEndsAt).toISOString() : undefined;
      return fieldError('INSTANCE_NOT_ACTIVE', 'instanceId',
        `This instance has expired and the workspaces it pays for are frozen${until ? ` until ${until}` : ''}. ` +
        'Renew it in the Alibaba Cloud Marketplace (Purchased Services), then start again; if it is not renewed in time, ' +
        'its workspaces move to Billing Center settlement.',
        { status: 'expired', frozenUntil: until, action: 'renew' });
    }
    return fieldError('INSTANCE_NOT_ACTIVE', 'instanceId',
      'This instance was released, and its workspaces are now settled in the Billing Center. ' +
      'Buy Guance again on the Alibaba Cloud Marketplace and activate the new instance.',
      { status: instance.status, action: 'buy-again' });
  }

  private byBillingAccount(instanceId: string) {
    const groups = new Map<string, { first: ReturnType<LifecycleRepository['liveSettlements']>[number]; ws: AffectedWorkspace[] }>();
    for (const s of this.lifecycle.liveSettlements(instanceId)) {
      const g = groups.get(s.billingAccountId) ?? { first: s, ws: [] };
      g.ws.push({ name: s.name, site: s.site });
      groups.set(s.billingAccountId, g);
    }
    return [...groups.values()].map((g) => [g.first, g.ws] as const);
  }
}
