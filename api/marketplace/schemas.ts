// The parameters of each Alibaba Cloud Marketplace SPI action we act on, parsed at the edge (the
// route) into one typed call. Anything else the marketplace sends is signed and kept in the call
// log, but not read.
import { z } from 'zod';
import { ApiError } from '../lib/errors';

const Digits = (max: number) => z.string().regex(new RegExp(`^\\d{1,${max}}$`));
const DateTime = z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, 'expected yyyy-MM-dd HH:mm:ss');
const Text = z.string().max(256);

export const SPI_ACTIONS = {
  createInstance: z.object({
    aliUid: z.string().regex(/^\d{16}$/), orderBizId: Digits(20), orderId: Text.optional(), productCode: Text.min(1),
    skuId: Text.optional(), trial: z.enum(['true', 'false']).optional(), expiredOn: DateTime.optional(), template: Text.optional(),
  }),
  renewInstance: z.object({ instanceId: Digits(20), orderId: Text.optional(), expiredOn: DateTime }),
  upgradeInstance: z.object({ instanceId: Digits(20), skuId: Text.min(1), orderId: Text.optional(), expiredOn: DateTime.optional() }),
  expiredInstance: z.object({ instanceId: Digits(20) }),
  releaseInstance: z.object({ instanceId: Digits(20), isRefund: z.enum(['true', 'false']).optional() }),
  // Payment succeeded; `requestId` is the marketplace's idempotency key, `orderBizId` the instance.
  orderPay: z.object({
    requestId: Text.min(1).max(128), aliUid: z.string().regex(/^\d{16}$/), orderBizId: Digits(20), orderId: Text.min(1),
    productCode: Text.min(1), skuId: Text.optional(),
  }),
  verify: z.object({ instanceId: Digits(20), timeStamp: Text }),
} as const;

export type SpiAction = keyof typeof SPI_ACTIONS;

/** One parsed call: its action, its typed parameters, every parameter as sent (token removed) and the token. */
export type SpiCall = {
  [A in SpiAction]: { action: A; p: z.infer<(typeof SPI_ACTIONS)[A]>; raw: Record<string, string>; token: string };
}[SpiAction];

/** The instance a call is about (createInstance and orderPay name it orderBizId). */
export const instanceIdOf = (params: Record<string, string>) => params.instanceId ?? params.orderBizId;

/** Parses one signed call; 400 BAD_REQUEST for an unknown action, 400 VALIDATION_FAILED for bad parameters. */
export function parseSpiCall(params: Record<string, string>): SpiCall {
  const { token = '', ...raw } = params;
  const action = params.action;
  if (!action || !Object.hasOwn(SPI_ACTIONS, action)) {
    throw new ApiError('BAD_REQUEST', `Unknown action ${JSON.stringify(action ?? '')}`, { supported: Object.keys(SPI_ACTIONS) });
  }
  const parsed = SPI_ACTIONS[action as SpiAction].safeParse(params);
  if (!parsed.success) {
    throw new ApiError('VALIDATION_FAILED', 'Bad parameters', parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  }
  return { action, p: parsed.data, raw, token } as SpiCall;
}

/** parseSpiCall without throwing. */
export function safeParseSpiCall(params: Record<string, string>): { ok: true; call: SpiCall } | { ok: false; error: ApiError } {
  try {
    return { ok: true, call: parseSpiCall(params) };
  } catch (e) {
    if (e instanceof ApiError) return { ok: false, error: e };
    throw e;
  }
}
