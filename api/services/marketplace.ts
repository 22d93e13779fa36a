import { z } from 'zod';
import type { Repositories } from '../db/repositories';
import type { InstanceStatus } from '../db/repositories/instances';
import { ApiError } from '../lib/errors';

const Digits = (max: number) => z.string().regex(new RegExp(`^\\d{1,${max}}$`));
const DateTime = z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, 'expected yyyy-MM-dd HH:mm:ss');
const Text = z.string().max(256);

// Parameters we act on; anything else the marketplace sends is kept in the call log (and signed).
const ACTIONS = {
  createInstance: z.object({
    aliUid: z.string().regex(/^\d{16}$/), orderBizId: Digits(20), orderId: Text.optional(), productCode: Text.min(1),
    skuId: Text.optional(), trial: z.enum(['true', 'false']).optional(), expiredOn: DateTime.optional(), template: Text.optional(),
  }),
  renewInstance: z.object({ instanceId: Digits(20), orderId: Text.optional(), expiredOn: DateTime }),
  upgradeInstance: z.object({ instanceId: Digits(20), skuId: Text.min(1), orderId: Text.optional(), expiredOn: DateTime.optional() }),
  expiredInstance: z.object({ instanceId: Digits(20) }),
  releaseInstance: z.object({ instanceId: Digits(20), isRefund: z.enum(['true', 'false']).optional() }),
} as const;
type Action = keyof typeof ACTIONS;

export interface SpiAnswer { status: 200 | 400 | 403 | 404 | 409; body: unknown }

/** What the marketplace's calls do to our instances. The caller has already checked the signature. */
export class MarketplaceService {
  constructor(
    private readonly repos: Repositories,
    private readonly publicUrl: string,
    private readonly now: () => number,
  ) {}

  /** Runs one signed call and keeps it (token removed) in the call log, whatever the outcome. */
  handle(params: Record<string, string>): SpiAnswer {
    return this.repos.tx(() => this.handleInTx(params));
  }

  private handleInTx(params: Record<string, string>): SpiAnswer {
    const { token: _token, ...logged } = params;
    const now = this.now();
    let answer: SpiAnswer;
    let outcome = 'ok';
    try {
      const r = this.dispatch(params, now);
      answer = { status: 200, body: r.body };
      if (r.replayed) outcome = 'replayed';
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

  private dispatch(params: Record<string, string>, now: number): { body: unknown; replayed?: boolean } {
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
      return { body: answer };
    }

    const id = p.instanceId!;
    const instance = instances.get(id);
    if (!instance) throw new ApiError('INSTANCE_NOT_FOUND', 'No such instance', { instanceId: id });
    const set = (change: { status?: InstanceStatus; expiredOn?: string; skuId?: string; orderId?: string }) => {
      instances.update(id, change, now);
      return { body: { success: true } };
    };
    switch (action as Exclude<Action, 'createInstance'>) {
      case 'renewInstance':
        if (instance.status === 'released') throw new ApiError('INSTANCE_NOT_ACTIVE', 'A released instance cannot be renewed');
        // Renewal of a frozen (expired) instance thaws it.
        return set({ status: 'active', expiredOn: p.expiredOn, orderId: p.orderId });
      case 'upgradeInstance':
        if (instance.status === 'released') throw new ApiError('INSTANCE_NOT_ACTIVE', 'A released instance cannot be upgraded');
        return set({ skuId: p.skuId, expiredOn: p.expiredOn, orderId: p.orderId });
      case 'expiredInstance':
        // Released is final; a late "expired" does not bring it back.
        return instance.status === 'released' ? { body: { success: true }, replayed: true } : set({ status: 'expired' });
      case 'releaseInstance':
        return instance.status === 'released' ? { body: { success: true }, replayed: true } : set({ status: 'released' });
    }
  }
}
