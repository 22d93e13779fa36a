import type { AuditContext } from '../db/audit-context';
import type { Repositories } from '../db/repositories';
import { ApiError } from '../lib/errors';
import { instanceIdOf, parseSpiCall, type SpiCall } from '../marketplace/schemas';
import type { FreeLoginService } from './free-login';
import type { LifecycleService } from './lifecycle';

export interface SpiAnswer {
  status: 200 | 302 | 400 | 403 | 404 | 409 | 410 | 503;
  body: unknown;
  /** Free login: where to send the browser. */
  location?: string;
}

interface Outcome { body: unknown; replayed?: boolean; location?: string }

const isInstanceId = (id: string | undefined): id is string => id !== undefined && /^\d{1,20}$/.test(id);

/** What the marketplace's calls do to our instances. The route has checked the signature and parsed the call. */
export class MarketplaceService {
  constructor(
    private readonly repos: Repositories,
    private readonly publicUrl: string,
    private readonly now: () => number,
    private readonly lifecycle: LifecycleService,
    private readonly freeLogin: FreeLoginService,
    private readonly log: (line: string) => void,
  ) {}

  /** A signed call whose parameters did not parse: answered with the refusal and kept in the call log. */
  refuse(params: Record<string, string>, e: ApiError, audit: AuditContext): SpiAnswer {
    const { token: _t, ...logged } = params;
    const answer = this.errorAnswer(e);
    this.repos.tx(() => this.logCall(logged, e.code, answer.status), audit);
    return answer;
  }

  /**
   * Runs one signed call and keeps it (token removed) in the call log, whatever the outcome.
   * A fault on our side is answered so the marketplace retries (instanceId "0" for createInstance,
   * 503 for the rest), with the call kept in the pending table so it is not lost either way.
   * `audit`: this SPI request's context; every change the call makes is recorded under its id.
   */
  handle(call: SpiCall, audit: AuditContext): SpiAnswer {
    this.lifecycle.sweep();
    try {
      return this.repos.tx(() => this.handleInTx(call, audit), audit);
    } catch (e) {
      if (e instanceof ApiError) throw e;
      this.log(`SPI ${call.action} failed on our side: ${e instanceof Error ? e.message : String(e)}`);
      const instanceId = instanceIdOf(call.raw);
      try {
        if (isInstanceId(instanceId)) this.repos.pendingCalls.record(call.action, instanceId, call.raw, this.now());
      } catch {
        // the database itself is failing; the marketplace's retry is what remains
      }
      return call.action === 'createInstance'
        ? { status: 200, body: { instanceId: '0' } }
        : { status: 503, body: { error: { code: 'SERVICE_UNAVAILABLE', message: 'Try again later' } } };
    }
  }

  /**
   * An operator applies a kept call again (the fault on our side is gone, or its instance has
   * arrived). The same dispatch as the marketplace's own call, under the operator's request id;
   * the call is resolved with its outcome unless its instance is still unknown. Its mail goes to
   * the outbox in the same transaction.
   */
  applyPending(id: number, audit: AuditContext,
    /** Runs inside the transaction with the result (the caller's record of who asked). */
    record: (r: { outcome: string; action: string; instanceId: string }) => void = () => {}): { outcome: string; action: string; instanceId: string } {
    this.lifecycle.sweep();
    return this.repos.tx(() => {
      const p = this.repos.pendingCalls.get(id);
      if (!p) throw new ApiError('NOT_FOUND', 'No such kept marketplace call', { id });
      if (p.resolvedAt !== null) throw new ApiError('WRONG_STATE', 'This call was applied already', { id });
      const known = { action: p.action, instanceId: p.instanceId };
      if (p.action !== 'createInstance' && !this.repos.instances.get(p.instanceId)) {
        this.repos.pendingCalls.countAttempt(id);
        const still = { ...known, outcome: 'INSTANCE_NOT_FOUND' };
        record(still);
        return still;
      }
      const now = this.now();
      let outcome = 'ok';
      try {
        this.dispatch(parseSpiCall({ ...p.params, action: p.action }), now, audit);
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        outcome = e.code;
      }
      this.repos.pendingCalls.resolve(id, now, outcome);
      record({ ...known, outcome });
      return { ...known, outcome };
    }, audit);
  }

  /** A call refused for its signature: counted (per day), never kept; a failing count changes no answer. */
  recordBadSignature(action: string | undefined): void {
    try {
      this.repos.instances.countBadSignature(this.now(), action);
    } catch (e) {
      this.log(`could not count a bad SPI signature: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private errorAnswer(e: ApiError): SpiAnswer {
    return { status: e.status as SpiAnswer['status'], body: { error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) } } };
  }

  private logCall(logged: Record<string, string>, outcome: string, httpStatus: number): void {
    const instanceId = instanceIdOf(logged);
    this.repos.instances.logCall({
      action: logged.action ?? '', instanceId: isInstanceId(instanceId) ? instanceId : null,
      params: logged, receivedAt: this.now(), outcome, httpStatus,
    });
  }

  private handleInTx(call: SpiCall, audit: AuditContext): SpiAnswer {
    const now = this.now();
    let answer: SpiAnswer;
    let outcome = 'ok';
    try {
      const r = this.dispatch(call, now, audit);
      answer = r.location ? { status: 302, body: null, location: r.location } : { status: 200, body: r.body };
      if (r.replayed) outcome = 'replayed';
      const id = instanceIdOf(call.raw);
      if (id) this.repos.pendingCalls.resolveSame(call.action, id, call.raw, now);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      outcome = e.code;
      answer = this.errorAnswer(e);
    }
    this.logCall(call.raw, outcome, answer.status);
    return answer;
  }

  private dispatch(call: SpiCall, now: number, audit: AuditContext): Outcome {
    const instances = this.repos.instances;
    switch (call.action) {
      case 'verify': {
        const r = this.freeLogin.verify({ ...call.raw, token: call.token }, audit);
        return { body: null, location: r.location };
      }
      case 'createInstance': {
        const p = call.p;
        const id = p.orderBizId;
        const answer = { instanceId: id, appInfo: { authUrl: `${this.publicUrl}/marketplace/aliyun/login?instanceId=${id}` } };
        const existing = instances.get(id);
        if (existing) {
          if (existing.accountId !== p.aliUid) {
            throw new ApiError('CONFLICT', 'This orderBizId was created for another account', { instanceId: id });
          }
          return { body: answer, replayed: true };
        }
        instances.insert({
          id, accountId: p.aliUid, orderId: p.orderId ?? null, productCode: p.productCode, skuId: p.skuId ?? null,
          trial: p.trial === 'true', template: p.template ?? null, expiredOn: p.expiredOn ?? null,
        }, now);
        // Calls that arrived before this one are applied now, in the order they came.
        for (const pending of this.repos.pendingCalls.openFor(id)) {
          let result = 'ok';
          try {
            this.dispatch(parseSpiCall(pending.params), now, audit);
          } catch (e) {
            if (!(e instanceof ApiError)) throw e;
            result = e.code;
          }
          this.repos.pendingCalls.resolve(pending.id, now, result);
        }
        return { body: answer };
      }
    }

    const id = instanceIdOf(call.raw)!;
    const instance = instances.get(id);
    if (!instance) {
      // Probably ahead of its createInstance: keep it, and say "not found" so the marketplace retries.
      this.repos.pendingCalls.record(call.action, id, call.raw, now);
      throw new ApiError('INSTANCE_NOT_FOUND', 'No such instance yet; the call is kept and applied when the instance is created', { instanceId: id });
    }
    switch (call.action) {
      case 'renewInstance': {
        const r = this.lifecycle.renew(instance, { expiredOn: call.p.expiredOn, orderId: call.p.orderId }, now);
        return { body: { success: true }, replayed: !r.changed };
      }
      case 'upgradeInstance': {
        const p = call.p;
        if (instance.status === 'released') throw new ApiError('INSTANCE_NOT_ACTIVE', 'A released instance cannot be upgraded');
        // An order applied once is not applied again (an older upgrade replayed after a newer one).
        if (p.orderId && !this.repos.spiFacts.applyOrder(id, 'upgradeInstance', p.orderId, now)) {
          return { body: { success: true }, replayed: true };
        }
        instances.update(id, { skuId: p.skuId, expiredOn: p.expiredOn, orderId: p.orderId }, now);
        return { body: { success: true } };
      }
      case 'expiredInstance': {
        // Released is final, a repeated "expired" does not restart the countdown, and an expiry
        // whose end date a renewal moved ahead freezes nothing.
        const r = this.lifecycle.expire(instance, now);
        return { body: { success: true }, replayed: !r.changed };
      }
      case 'releaseInstance': {
        const r = this.lifecycle.release(id, now, 'released');
        return { body: { success: true }, replayed: !r.changed };
      }
      case 'orderPay': {
        const p = call.p;
        if (instance.accountId !== p.aliUid) {
          throw new ApiError('CONFLICT', 'This orderBizId belongs to another account', { instanceId: id });
        }
        const fresh = this.repos.spiFacts.addPayment({
          requestId: p.requestId, instanceId: id, accountId: p.aliUid, orderId: p.orderId, productCode: p.productCode,
          skuId: p.skuId ?? null, paidAt: now,
        });
        return { body: { success: true }, replayed: !fresh };
      }
    }
  }
}
