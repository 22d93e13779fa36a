// Content script → background.
import { z } from 'zod';
import { AccountDetection, InstanceDetection, PageKind } from '../detections';

export const ContentToBackground = z.discriminatedUnion('type', [
  /** A scan of the current page finished; sent on every scan that found something new (or nothing, to clear the badge). */
  z.object({
    type: z.literal('detections/report'),
    pageKind: PageKind,
    account: AccountDetection.nullable(),
    instances: z.array(InstanceDetection).max(200),
  }),
  /** The buyer clicked *Login Directly* on this instance's record (carries loginDirectlyAt). */
  z.object({ type: z.literal('detections/choice'), instance: InstanceDetection.required({ loginDirectlyAt: true }) }),
  /** The fill feature asks for the values to type into a form. */
  z.object({ type: z.literal('detections/get') }),
  /**
   * The free-login landing page on the configured API origin (notes/landing-contract.md) carried
   * this activation and its bearer token. Only trusted from a tab on that origin, and only after
   * the API confirms it.
   */
  z.object({
    type: z.literal('landing/open'),
    activationId: z.string().regex(/^[\w-]{1,80}$/),
    token: z.string().regex(/^[\w-]{16,200}$/),
  }),
]);
export type ContentToBackground = z.infer<typeof ContentToBackground>;
