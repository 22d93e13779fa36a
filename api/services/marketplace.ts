import { z } from 'zod';
import type { AuditContext } from '../db/audit-context';
import type { Repositories } from '../db/repositories';
import type { LifecycleRepository } from '../db/repositories/lifecycle';
import { ApiError } from '../lib/errors';
import type { MailMessage } from '../mail/mailer';
import type { FreeLoginService } from './free-login';
import type { LifecycleService } from './lifecycle';

const Digits = (max: number) => z.string().regex(new RegExp(`^\\d{1,${max}}$`));
const DateTime = z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, 'expected yyyy-MM-dd HH:mm:ss');
const Text = z.string().max(256);

// Parameters we act on; anything else the marketplace sends is kept in the call log (and signed).
export const ACTIONS = {
  createInstance: z.object({
    aliUid: z.string().regex(/^\d{16}$/), orderBizId: Digits(20), orderId: Text.optional(), productCode: Text.min(1),
    skuId: Text.optional(), trial: z.enum(['true', 'false']).optional(), expiredOn: DateTime.optional(), template: Text.optional(),
  }),
  renewInstance: z.object({ instanceId: Digits(20), orderId: Text.optional(), expiredOn: DateTime }),
  upgradeInstance: z.object({ instanceId: Digits(20), skuId: Text.min(1), orderId: Text.optional(), expiredOn: DateTime.optional() }),
  expiredInstance: z.object({ instanceId: Digits(20) }),
  releaseInstance: z.object({ instanceId: Digits(20), isRefund: z.enum(['true', 'false']).optional() }),
  verify: z.object({ instanceId: Digits(20), timeStamp: Text }),
} as const;
type Action = keyof typeof ACTIONS;

export interface SpiAnswer {
  status: 200 | 302 | 400 | 403 | 404 | 409 | 410 | 503;
  body: unknown;
  /** Free login: where to send the browser. */
  location?: string;
}

interface Outcome { body: unknown; replayed?: boolean; location?: string }

/** What the marketplace's calls do to our instances. The caller has already checked the signature. */
export class MarketplaceService {
  private freeLogin?: FreeLoginService;

  constructor(
    private readonly repos: Repositories,
    private readonly publicUrl: string,
    private readonly now: () => number,
    private readonly lifecycle: LifecycleService,
    private readonly lifecycleRepo: LifecycleRepository,
    private readonly log: (line: string) => void = console.error,
  ) {}

  /** Free login needs the activation service, which is built after this one. */
  useFreeLogin(f: FreeLoginService): void {
    this.freeLogin = f;
  }

  /**
   * Runs one signed call and keeps it (token removed) in the call log, whatever the outcome.
   * A fault on our side is answered so the marketplace retries (instanceId "0" for createInstance,
   * 503 for the rest), with the call kept in the pending table so it is not lost either way.
   * `audit`: this SPI request's context; every change the call makes is recorded under its id.
   */
  handle(params: Record<string, string>, audit: AuditContext): SpiAnswer {
    this.lifecycle.sweep();
    const mail: MailMessage[] = [];
    try {
      const answer = this.repos.tx(() => this.handleInTx(params, mail, audit), audit);
      this.lifecycle.send(mail);
      return answer;
    } catch (e) {
      if (e instanceof ApiError) throw e;
      this.log(`SPI ${params.action ?? '?'} failed on our side: ${e instanceof Error ? e.message : String(e)}`);
      const instanceId = params.instanceId ?? params.orderBizId;
      try {
        if (instanceId && /^\d{1,20}$/.test(instanceId) && params.action) {
          const { token: _t, ...kept } = params;
          this.lifecycleRepo.recordPending(params.action, instanceId, kept, this.now());
        }
      } catch {
        // the database itself is failing; the marketplace's retry is what remains
      }
      return params.action === 'createInstance'
        ? { status: 200, body: { instanceId: '0' } }
        : { status: 503, body: { error: { code: 'SERVICE_UNAVAILABLE', message: 'Try again later' } } };
    }
  }

  /**
   * An operator applies a kept call again (the fault on our side is gone, or its instance has
   * arrived). The same dispatch as the marketplace's own call, under the operator's request id;
   * the call is resolved with its outcome unless its instance is still unknown.
   */
  applyPending(id: number, audit: AuditContext,
    /** Runs inside the transaction with the result (the caller's record of who asked). */
    record: (r: { outcome: string; action: string; instanceId: string }) => void = () => {}): { outcome: string; action: string; instanceId: string } {
    this.lifecycle.sweep();
    const mail: MailMessage[] = [];
    const r = this.repos.tx(() => {
      const p = this.lifecycleRepo.pending(id);
      if (!p) throw new ApiError('NOT_FOUND', 'No such kept marketplace call', { id });
      if (p.resolvedAt !== null) throw new ApiError('WRONG_STATE', 'This call was applied already', { id });
      const known = { action: p.action, instanceId: p.instanceId };
      if (p.action !== 'createInstance' && !this.repos.instances.get(p.instanceId)) {
        this.lifecycleRepo.countPendingAttempt(id);
        const still = { ...known, outcome: 'INSTANCE_NOT_FOUND' };
        record(still);
        return still;
      }
      const now = this.now();
      let outcome = 'ok';
      try {
        this.dispatch({ ...p.params, action: p.action }, now, mail, audit);
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        outcome = e.code;
      }
      this.lifecycleRepo.resolvePending(id, now, outcome);
      record({ ...known, outcome });
      return { ...known, outcome };
    }, audit);
    this.lifecycle.send(mail);
    return r;
  }

  /** A call refused for its signature: counted (per day), never kept; a failing count changes no answer. */
  recordBadSignature(action: string | undefined): void {
    try {
      this.repos.instances.countBadSignature(this.now(), action);
    } catch (e) {
      this.log(`could not count a bad SPI signature: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private handleInTx(params: Record<string, string>, mail: MailMessage[], audit: AuditContext): SpiAnswer {
    const { token: _token, ...logged } = params;
    const now = this.now();
    let answer: SpiAnswer;
    let outcome = 'ok';
    try {
      const r = this.dispatch(params, now, mail, audit);
      answer = r.location ? { status: 302, body: null, location: r.location } : { status: 200, body: r.body };
      if (r.replayed) outcome = 'replayed';
      const id = params.instanceId ?? params.orderBizId;
      if (id && params.action) this.lifecycleRepo.resolveSame(params.action, id, params, now);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      outcome = e.code;
      answer = { status: e.status as SpiAnswer['status'], body: { error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) } } };
    }
    const instanceId = params.instanceId ?? params.orderBizId ?? null;
    this.repos.instances.logCall({
      action: params.action ?? '', instanceId: instanceId && /^\d{1,20}$/.test(instanceId) ? instanceId : null,
      params: logged, receivedAt: now, outcome, httpStatus: answer.status,
    });
    return answer;
  }

  private dispatch(params: Record<string, string>, now: number, mail: MailMessage[], audit: AuditContext): Outcome {
    const action = params.action;
    if (!action || !Object.hasOwn(ACTIONS, action)) {
      throw new ApiError('BAD_REQUEST', `Unknown action ${JSON.stringify(action ?? '')}`, { supported: Object.keys(ACTIONS) });
    }
    const parsed = ACTIONS[action as Action].safeParse(params);
    if (!parsed.success) {
      throw new ApiError('VALIDATION_FAILED', 'Bad parameters', parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    }
    const p = parsed.data as Record<string, string | undefined>;
    const instances = this.repos.instances;

    if (action === 'verify') {
      if (!this.freeLogin) throw new ApiError('NOT_FOUND', 'Free login is not available here');
      const r = this.freeLogin.verify(params, audit);
      return { body: null, location: r.location };
    }

    if (action === 'createInstance') {
      const id = p.orderBizId!;
      const answer = { instanceId: id, appInfo: { authUrl: `${this.publicUrl}/marketplace/aliyun/login?instanceId=${id}` } };
      const existing = instances.get(id);
      if (existing) {
        if (existing.accountId !== p.aliUid) {
          throw new ApiError('CONFLICT', 'This orderBizId was created for another account', { instanceId: id });
        }
        return { body: answer, replayed: true };
      }
      instances.insert({
        id, accountId: p.aliUid!, orderId: p.orderId ?? null, productCode: p.productCode!, skuId: p.skuId ?? null,
        trial: p.trial === 'true', template: p.template ?? null, expiredOn: p.expiredOn ?? null,
      }, now);
      // Calls that arrived before this one are applied now, in the order they came.
      for (const pending of this.lifecycleRepo.openPending(id)) {
        let result = 'ok';
        try {
          this.dispatch(pending.params, now, mail, audit);
        } catch (e) {
          if (!(e instanceof ApiError)) throw e;
          result = e.code;
        }
        this.lifecycleRepo.resolvePending(pending.id, now, result);
      }
      return { body: answer };
    }

    const id = p.instanceId!;
    const instance = instances.get(id);
    if (!instance) {
      // Probably ahead of its createInstance: keep it, and say "not found" so the marketplace retries.
      this.lifecycleRepo.recordPending(action, id, Object.fromEntries(Object.entries(params).filter(([k]) => k !== 'token')), now);
      throw new ApiError('INSTANCE_NOT_FOUND', 'No such instance yet; the call is kept and applied when the instance is created', { instanceId: id });
    }
    switch (action as Exclude<Action, 'createInstance' | 'verify'>) {
      case 'renewInstance':
        this.lifecycle.renew(instance, { expiredOn: p.expiredOn, orderId: p.orderId }, now);
        return { body: { success: true } };
      case 'upgradeInstance':
        if (instance.status === 'released') throw new ApiError('INSTANCE_NOT_ACTIVE', 'A released instance cannot be upgraded');
        instances.update(id, { skuId: p.skuId, expiredOn: p.expiredOn, orderId: p.orderId }, now);
        return { body: { success: true } };
      case 'expiredInstance': {
        // Released is final, and a repeated "expired" does not restart the countdown.
        const r = this.lifecycle.expire(instance, now);
        mail.push(...r.mail);
        return { body: { success: true }, replayed: !r.changed };
      }
      case 'releaseInstance': {
        const r = this.lifecycle.release(id, now, 'released');
        mail.push(...r.mail);
        return { body: { success: true }, replayed: !r.changed };
      }
    }
  }
}
