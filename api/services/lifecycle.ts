// What the marketplace's later calls do to the workspaces an instance pays for:
// expiredInstance freezes them for 14 days, renewInstance within that time thaws them, and
// releaseInstance or the end of the countdown moves them to the Billing Center's direct settlement
// and tells the Billing Center account. Every step is idempotent: the marketplace retries. The calls
// carry no time stamp, so each is applied by its own facts: an expiry only when the instance's end
// date has passed, a renewal only when it moves the end date later and its order is new. A replay,
// however late, changes nothing.
import { randomUUID } from 'node:crypto';
import type { Repositories } from '../db/repositories';
import { withAuditContext } from '../db/audit-context';
import type { Instance } from '../db/repositories/instances';
import type { SettledWorkspace } from '../db/repositories/settlements';
import { ApiError, fieldError } from '../lib/errors';
import { parseBeijingTime } from '../marketplace/free-login';
import { frozenMessage, releasedMessage, type AffectedWorkspace } from '../mail/lifecycle-messages';
import type { MailOutbox } from '../mail/outbox';

export const FREEZE_MS = 14 * 24 * 3600_000;
/** An expiry call may arrive this much before the end date we know (clocks differ). */
export const EXPIRY_EARLY_TOLERANCE_MS = 10 * 60_000;

export class LifecycleService {
  constructor(
    private readonly repos: Repositories,
    /** Mail is written to the outbox in the transaction of the change it reports. */
    private readonly mail: MailOutbox,
    private readonly now: () => number,
  ) {}

  /**
   * Inside the caller's transaction; the owners' mail is queued in it. An instance whose known end
   * date is still ahead (a renewal moved it) is not frozen: the call is a replay or out of date.
   */
  expire(instance: Instance, now: number): { changed: boolean } {
    const endsAt = instance.expiredOn ? parseBeijingTime(instance.expiredOn) : undefined;
    if (endsAt !== undefined && endsAt > now + EXPIRY_EARLY_TOLERANCE_MS) return { changed: false };
    if (!this.repos.instances.freeze(instance.id, now, now + FREEZE_MS)) return { changed: false };
    for (const [first, ws] of this.byBillingAccount(instance.id)) {
      this.mail.enqueue(frozenMessage(first.billingEmail, first.billingUsername, instance.id, ws, now + FREEZE_MS));
    }
    return { changed: true };
  }

  /**
   * Inside the caller's transaction. A renewal in time thaws a frozen instance. It applies only
   * when its order is new and it moves the end date later than the one we know, and that date is
   * ahead: an old renewal replayed after a later expiry thaws nothing.
   */
  renew(instance: Instance, change: { expiredOn: string; orderId?: string }, now: number): { changed: boolean } {
    if (instance.status === 'released') {
      throw new ApiError('INSTANCE_NOT_ACTIVE', 'This instance was released; it can no longer be renewed', { status: 'released' });
    }
    const facts = this.repos.spiFacts;
    if (change.orderId && facts.orderApplied(instance.id, 'renewInstance', change.orderId)) return { changed: false };
    const newEnd = parseBeijingTime(change.expiredOn);
    if (newEnd === undefined) throw new ApiError('VALIDATION_FAILED', 'Bad parameters', [{ path: 'expiredOn', message: 'Not a date and time' }]);
    const known = instance.expiredOn ? parseBeijingTime(instance.expiredOn) : undefined;
    if ((known !== undefined && newEnd <= known) || newEnd <= now) return { changed: false };
    if (change.orderId) facts.applyOrder(instance.id, 'renewInstance', change.orderId, now);
    return { changed: this.repos.instances.thaw(instance.id, now, change) };
  }

  /** Inside the caller's transaction. Ends the instance's settlements; the workspaces are settled directly. */
  release(instanceId: string, now: number, why: 'released' | 'freeze-ended'): { changed: boolean } {
    const groups = this.byBillingAccount(instanceId);
    if (!this.repos.instances.release(instanceId, now)) return { changed: false };
    this.repos.settlements.endAll(instanceId, now, why);
    for (const [first, ws] of groups) this.mail.enqueue(releasedMessage(first.billingEmail, first.billingUsername, instanceId, ws, why));
    return { changed: true };
  }

  /**
   * Releases every instance whose 14 days ran out. Runs on a timer in the server and before any
   * read that depends on an instance's status, so a late sweep never shows a stale state.
   */
  sweep(requestId = `sweep-${randomUUID()}`): number {
    const now = this.now();
    if (this.repos.instances.dueForRelease(now).length === 0) return 0;
    return withAuditContext({ requestId, now: this.now }, () =>
      this.repos.tx(() => {
        const due = this.repos.instances.dueForRelease(now);
        for (const id of due) this.release(id, now, 'freeze-ended');
        return due.length;
      }));
  }

  /**
   * The same as the sweep for one instance, inside the caller's transaction: an expired instance
   * whose countdown ended is released now. Starting an activation asks only about its own instance,
   * so it need not sweep them all (a query and a read transaction of its own on every start).
   */
  releaseIfDue(instance: Instance): Instance {
    if (instance.status !== 'expired') return instance;
    const now = this.now();
    const ends = this.repos.instances.frozenInfo(instance.id)?.freezeEndsAt;
    if (ends == null || ends > now) return instance;
    withAuditContext({ requestId: `sweep-${randomUUID()}`, now: this.now }, () => this.release(instance.id, now, 'freeze-ended'));
    return this.repos.instances.get(instance.id) ?? instance;
  }

  /** How an instance that is not active is explained to someone trying to activate it. */
  notActive(instance: Instance): ApiError {
    const info = this.repos.instances.frozenInfo(instance.id);
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
    const groups = new Map<string, { first: SettledWorkspace; ws: AffectedWorkspace[] }>();
    for (const s of this.repos.settlements.liveOf(instanceId)) {
      const g = groups.get(s.billingAccountId) ?? { first: s, ws: [] };
      g.ws.push({ name: s.name, site: s.site });
      groups.set(s.billingAccountId, g);
    }
    return [...groups.values()].map((g) => [g.first, g.ws] as const);
  }
}
