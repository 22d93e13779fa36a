// What the content scripts read off Alibaba Cloud pages, as plain data. Nothing here leaves the
// browser unless the user starts an activation.
import { z } from 'zod';
import { AccountId, InstanceId } from './schemas';

/** Which part of the page a value came from, most trusted first. */
export const AccountIdMethod = z.enum(['page-global', 'page-label', 'ram-logon-name', 'cookie']);
export type AccountIdMethod = z.infer<typeof AccountIdMethod>;

/** Who is signed in: the main account, a RAM user, or an assumed role (STS). */
export const Identity = z.enum(['main', 'ram-user', 'role', 'unknown']);
export type Identity = z.infer<typeof Identity>;

export const PageKind = z.enum([
  'console',
  'account-center',
  'marketplace-product',
  'purchased-services',
  'billing-center',
  'other',
]);
export type PageKind = z.infer<typeof PageKind>;

export const DetectionSource = z.object({
  url: z.string().max(2048),
  pageKind: PageKind,
  method: z.string().max(64),
});
export type DetectionSource = z.infer<typeof DetectionSource>;

export const AccountDetection = z.object({
  /** Always the MAIN account's ID: that is what the activation needs. */
  accountId: AccountId,
  identity: Identity,
  /** The signed-in identity's own ID when it differs from the main account (RAM user, role). */
  currentId: z.string().max(32).nullable(),
  method: AccountIdMethod,
  source: DetectionSource,
  at: z.number(),
});
export type AccountDetection = z.infer<typeof AccountDetection>;

/** `opening` (开通中) is neither usable yet nor closed: shown, never preselected or offered. */
export const InstanceStatus = z.enum(['active', 'opening', 'closed', 'expired', 'unknown']);
export type InstanceStatus = z.infer<typeof InstanceStatus>;

export const InstanceDetection = z.object({
  instanceId: InstanceId,
  productName: z.string().max(200),
  status: InstanceStatus,
  /** The status text as the page shows it, for the user. */
  statusText: z.string().max(100),
  source: DetectionSource,
  at: z.number(),
  /**
   * When the buyer clicked *Login Directly* (免登) on this instance's record: the strongest sign
   * of which instance they mean, so it is offered first.
   */
  loginDirectlyAt: z.number().optional(),
});
export type InstanceDetection = z.infer<typeof InstanceDetection>;

/** What the background remembers for the browser session, across tabs. */
export const DetectionSnapshot = z.object({
  account: AccountDetection.nullable(),
  instances: z.array(InstanceDetection),
});
export type DetectionSnapshot = z.infer<typeof DetectionSnapshot>;
