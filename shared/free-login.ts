// Every way a free login (the marketplace's "Login Directly") can end, as data: the API decides,
// and a page (the API's own, or the web wizard) renders it in the buyer's language from the message
// bundles (`free_login_<failure>_title` / `_advice`), never from a raw error code.
import { z } from 'zod';
import { FREE_LOGIN_FAILURES, FREE_LOGIN_REMEDIES } from './free-login-pages';

// The plain half (names, remedies, message keys, page constants) lives in free-login-pages.ts, so
// the web wizard's page loads no schema library; it is re-exported here.
export * from './free-login-pages';

export const FreeLoginFailure = z.enum(FREE_LOGIN_FAILURES);
export type FreeLoginFailure = z.infer<typeof FreeLoginFailure>;

/** What the buyer can do about a failure; the page offers it as its one button or hint. */
export const FreeLoginRemedy = z.enum(FREE_LOGIN_REMEDIES);
export type FreeLoginRemedy = z.infer<typeof FreeLoginRemedy>;

export const FreeLoginOutcome = z.discriminatedUnion('ok', [
  /** The activation it started, and where the browser goes (the landing page, token in the fragment). */
  z.object({ ok: z.literal(true), activationId: z.string(), location: z.string() }),
  z.object({
    ok: z.literal(false),
    failure: FreeLoginFailure,
    remedy: FreeLoginRemedy,
    /** The API error code behind it (for support; pages show the message keys' words instead). */
    code: z.string(),
    /** The HTTP status the answer carries. */
    status: z.number().int(),
    /** With `instance-expired`: when the frozen workspaces fall back to Billing Center settlement. */
    frozenUntil: z.string().optional(),
  }),
]);
export type FreeLoginOutcome = z.infer<typeof FreeLoginOutcome>;
export type FreeLoginFailed = Extract<FreeLoginOutcome, { ok: false }>;

