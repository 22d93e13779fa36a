// The free-login landing page's contract, as the extension reads it (docs/landing-contract.md;
// the API writes it in api/marketplace/landing.ts).
import { z } from 'zod';
import { AccountId, InstanceId, SiteCodeSchema } from './schemas';

export const LANDING_PATH = '/activate/landing';
/** `<script type="application/json" id=…>` carrying LandingData (marker 2). */
export const LANDING_DATA_ID = 'guance-activator-landing';

/** Marker 2 as version 1 defines it; unknown fields are ignored. */
export const LandingData = z.object({
  version: z.literal(1),
  activationId: z.string().regex(/^[\w-]{1,80}$/),
  accountId: AccountId,
  instanceId: InstanceId,
  site: SiteCodeSchema,
  verified: z.boolean(),
  expiresAt: z.iso.datetime(),
  apiOrigin: z.string(),
});
export type LandingData = z.infer<typeof LandingData>;
