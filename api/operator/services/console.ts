// What the console shows and does. Reads go straight to the view repositories; every action runs
// in one audited transaction under the operator's request id, writes its operator_actions row in
// that transaction, and a refused attempt is recorded too (outside it, since it rolled back).
import type { Repositories } from '../../db/repositories';
import { OperatorActionRepository } from '../../db/repositories/operator-actions';
import { ApiError } from '../../lib/errors';
import type { DeliveryResult, MailOutbox } from '../../mail/outbox';
import { ACTIVATION_TTL_MS } from '../../services/activations';
import { REASON_MAX, REASON_MIN, type LinkService } from '../../services/links';
import type { LifecycleService } from '../../services/lifecycle';
import type { MarketplaceService } from '../../services/marketplace';
import { FreezeRepository } from '../repositories/freeze';
import { LinkViewRepository } from '../repositories/links';
import { MailViewRepository } from '../repositories/mail';
import { ConsoleViewRepository, DAY_MS, type FunnelDay } from '../repositories/views';

export const MAX_FREEZE_EXTENSION_DAYS = 30;

/** Who asks: the signed-in operator's email and the request id the audit rows carry. */
export interface Actor {
  name: string;
  requestId: string;
}

export interface ConsoleDeps {
  repos: Repositories;
  lifecycle: LifecycleService;
  marketplace: MarketplaceService;
  /** The app's outbox: a resend queues the message there again and makes one attempt at once. */
  outbox: MailOutbox;
  /** The app's one LinkService: the console's unlink is the same rule as `npm run links -- unlink`. */
  links: LinkService;
  now: () => number;
}

export class ConsoleService {
  readonly views;
  readonly links;
  readonly mail;
  private readonly freeze;
  private readonly actions;
  /** Funnel counts of days that can no longer change (see funnel). */
  private readonly finalDays = new Map<number, FunnelDay>();

  constructor(private readonly d: ConsoleDeps) {
    this.views = new ConsoleViewRepository(d.repos.db);
    this.links = new LinkViewRepository(d.repos.db);
    this.mail = new MailViewRepository(d.repos.db);
    this.freeze = new FreezeRepository(d.repos.db);
    this.actions = new OperatorActionRepository(d.repos.db);
  }

  /** Reads that depend on an instance's status see released what the countdown released. */
  fresh(): void {
    this.d.lifecycle.sweep();
  }

  /**
   * `days` whole UTC days up to today, each with its counts (zeros where nothing started). An
   * activation cannot move once it has expired (ACTIVATION_TTL_MS after its start), so a day's
   * counts are final a TTL after the day ends: those are kept, and only the last days are counted
   * again from the index on each request.
   */
  funnel(days: number): FunnelDay[] {
    const now = this.d.now();
    const today = Math.floor(now / DAY_MS);
    const first = today - days + 1;
    const isFinal = (day: number) => now >= (day + 1) * DAY_MS + ACTIVATION_TTL_MS + 60_000;
    let from = first;
    while (from <= today && isFinal(from) && this.finalDays.has(from)) from++;
    const counted = new Map(this.views.funnel(from * DAY_MS, now).map((r) => [r.day, r]));
    return Array.from({ length: days }, (_, i) => {
      const day = first + i;
      const known = this.finalDays.get(day);
      if (known) return known;
      const r = counted.get(day) ?? { day, started: 0, billing: 0, workspace: 0, activated: 0, stopped_billing: 0, stopped_workspace: 0 };
      if (isFinal(day)) {
        this.finalDays.set(day, r);
        // The views look back 90 days at most.
        for (const k of this.finalDays.keys()) if (k < today - 90) this.finalDays.delete(k);
      }
      return r;
    });
  }

  /** Ends the link (settlements under it fall back to direct, the Billing Center account is mailed). */
  unlink(accountId: string, reason: string, actor: Actor) {
    return this.recorded(actor, 'unlink', accountId, reason, () => this.d.links.unlink(accountId, reason, this.audit(actor), actor.name));
  }

  /**
   * Puts a failed, cancelled or expired message back in the outbox's queue (never one that carried
   * a code), recorded with who asked in the same transaction, then makes one attempt at once.
   * Returns how that attempt went: a failed one stays queued for the worker's retries.
   */
  async resendMail(id: number, actor: Actor): Promise<DeliveryResult> {
    const target = `mail:${id}`;
    this.recorded(actor, 'resend-mail', target, null, () => this.d.repos.tx(() => {
      const m = this.mail.message(id);
      if (!m) throw new ApiError('NOT_FOUND', 'No such message', { id });
      if (!m.resendable || !this.mail.retry(id, this.d.now())) {
        throw new ApiError('WRONG_STATE', m.status === 'pending' || m.status === 'sent'
          ? `This message is ${m.status}; only a failed, cancelled or expired one is resent`
          : 'This message carried a verification code; a code is never resent (the user asks for a new one)', { id, status: m.status });
      }
      this.log(actor, 'resend-mail', target, null, 'ok');
    }, this.audit(actor)));
    return this.d.outbox.deliver(id);
  }

  applyPending(id: number, actor: Actor) {
    // The call itself may be refused by its own rules: that is its outcome, recorded in the same
    // transaction; only a refusal of the request (no such call, applied already) is an error.
    return this.recorded(actor, 'apply-pending', `pending:${id}`, null, () =>
      this.d.marketplace.applyPending(id, { requestId: actor.requestId, now: this.d.now },
        (r) => this.log(actor, 'apply-pending', `pending:${id}`, null, r.outcome)));
  }

  extendFreeze(instanceId: string, days: number, reason: string, actor: Actor) {
    return this.recorded(actor, 'extend-freeze', instanceId, reason, () => {
      checkReason(reason);
      if (!Number.isInteger(days) || days < 1 || days > MAX_FREEZE_EXTENSION_DAYS) {
        throw new ApiError('VALIDATION_FAILED', 'Some fields are not valid', [{ path: 'days', message: `1 to ${MAX_FREEZE_EXTENSION_DAYS} days` }]);
      }
      return this.d.repos.tx(() => {
        const now = this.d.now();
        if (!this.freeze.extend(instanceId, days * DAY_MS, now)) throw this.notFrozen(instanceId);
        this.log(actor, 'extend-freeze', instanceId, `${reason.trim()} (+${days} d)`, 'ok');
        return { freezeEndsAt: this.d.repos.instances.frozenInfo(instanceId)?.freezeEndsAt ?? null };
      }, this.audit(actor));
    });
  }

  /**
   * Ends a freeze: `lift` makes the instance active again (the renewal the marketplace did not
   * tell us about), `release` does now what the end of the countdown would do.
   */
  endFreeze(instanceId: string, mode: 'lift' | 'release', reason: string, actor: Actor) {
    return this.recorded(actor, `end-freeze-${mode}`, instanceId, reason, () => {
      checkReason(reason);
      // The release's mail goes to the outbox in this transaction.
      this.d.repos.tx(() => {
        const now = this.d.now();
        const instance = this.d.repos.instances.get(instanceId);
        if (!instance || instance.status !== 'expired') throw this.notFrozen(instanceId);
        if (mode === 'lift') this.d.repos.instances.thaw(instanceId, now, {});
        else this.d.lifecycle.release(instanceId, now, 'freeze-ended');
        this.log(actor, `end-freeze-${mode}`, instanceId, reason.trim(), 'ok');
      }, this.audit(actor));
    });
  }

  private notFrozen(instanceId: string): ApiError {
    const i = this.d.repos.instances.get(instanceId);
    return i
      ? new ApiError('WRONG_STATE', 'This instance is not frozen', { instanceId, status: i.status })
      : new ApiError('INSTANCE_NOT_FOUND', 'No such instance', { instanceId });
  }

  /** Runs an action; a refusal is written to the operators' log before it reaches the page. */
  private recorded<T>(actor: Actor, action: string, target: string, reason: string | null, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof ApiError) this.log(actor, action, target, reason?.trim() || null, e.code);
      throw e;
    }
  }

  private log(actor: Actor, action: string, target: string, reason: string | null, outcome: string): void {
    this.actions.log({ at: this.d.now(), actor: actor.name, action, target, reason, outcome, requestId: actor.requestId });
  }

  private audit(actor: Actor) {
    return { requestId: actor.requestId, now: this.d.now };
  }
}

function checkReason(reason: string): void {
  const r = reason.trim();
  if (r.length < REASON_MIN || r.length > REASON_MAX) {
    throw new ApiError('VALIDATION_FAILED', 'Some fields are not valid', [{ path: 'reason', message: `between ${REASON_MIN} and ${REASON_MAX} characters` }]);
  }
}
