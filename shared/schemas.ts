// Schemas shared by the API (validation) and the extension (form validation, typed client).
import { z } from 'zod';
import { cleanId } from './ids';
import { SITE_CODES } from './sites';

// Cleaned first (shared/ids.ts): an ID pasted with spaces or typed in full-width digits is the same ID.
export const AccountId = z.string().overwrite(cleanId).regex(/^\d{16}$/, 'An Alibaba Cloud account ID is exactly 16 digits');
export const InstanceId = z.string().overwrite(cleanId).regex(/^\d{1,20}$/, 'An instance ID is 1 to 20 digits');
export const SiteCodeSchema = z.enum(SITE_CODES);
export const Language = z.enum(['zh', 'en']);
export const Username = z
  .string()
  .min(3, 'A username has at least 3 characters')
  .max(32, 'A username has at most 32 characters')
  .regex(/^[A-Za-z0-9_.-]+$/, 'A username uses letters, digits, _ . - only');
export const Password = z
  .string()
  .min(8, 'A password has at least 8 characters')
  .max(128, 'A password has at most 128 characters')
  .regex(/[A-Za-z]/, 'A password contains a letter')
  .regex(/\d/, 'A password contains a digit');
export const Email = z.string().max(254).email('Not an email address');
export const Code = z.string().regex(/^\d{6}$/, 'A code is 6 digits');
export const Phone = z.string().regex(/^\+?[0-9 -]{5,20}$/, 'Not a phone number');
export const AgreeTerms = z.literal(true, { error: 'The terms must be accepted' });
export const WorkspaceName = z.string().trim().min(1, 'A workspace needs a name').max(64);

export const ActivationState = z.enum(['needs-billing-account', 'needs-workspace', 'activated']);
export type ActivationState = z.infer<typeof ActivationState>;

export const StartActivationBody = z.object({ accountId: AccountId, instanceId: InstanceId, site: SiteCodeSchema });
export type StartActivationBody = z.infer<typeof StartActivationBody>;

/**
 * `PATCH /activations/:id`: the site where a new workspace will be created. Open until a workspace
 * is bound (its site can never change); free login starts on cn1 because the marketplace does not say.
 */
export const UpdateActivationBody = z.strictObject({ site: SiteCodeSchema });
export type UpdateActivationBody = z.infer<typeof UpdateActivationBody>;

export const CodePurpose = z.enum(['register', 'bind-billing-account', 'guance-account']);
export type CodePurpose = z.infer<typeof CodePurpose>;

export const SendCodeBody = z.discriminatedUnion('purpose', [
  z.object({ purpose: z.literal('register'), email: Email }),
  z.object({ purpose: z.literal('bind-billing-account'), username: Username }),
  z.object({ purpose: z.literal('guance-account'), email: Email }),
]);
export type SendCodeBody = z.infer<typeof SendCodeBody>;

/**
 * `POST /activations/:id/verification-codes/check`: is this the code, before the step that uses it?
 * 204 when it is; otherwise the error the step itself would give. A wrong code counts against the
 * same limits as a wrong code at that step, and the code stays usable.
 */
export const CheckCodeBody = z.discriminatedUnion('purpose', [
  z.object({ purpose: z.literal('register'), email: Email, code: Code }),
  z.object({ purpose: z.literal('bind-billing-account'), username: Username, code: Code }),
  z.object({ purpose: z.literal('guance-account'), email: Email, code: Code }),
]);
export type CheckCodeBody = z.infer<typeof CheckCodeBody>;

export const SendCodeResponse = z.object({
  sentTo: z.string(),
  expiresInSeconds: z.number().int(),
  resendInSeconds: z.number().int(),
});
export type SendCodeResponse = z.infer<typeof SendCodeResponse>;

export const RegistrationBody = z.object({
  username: Username,
  password: Password,
  email: Email,
  code: Code,
  phone: Phone.optional(),
  company: z.object({
    name: z.string().trim().min(1, 'A company name is required').max(128),
    contactName: z.string().trim().min(1, 'A contact name is required').max(64),
    industry: z.string().trim().max(64).optional(),
  }),
  workspace: z.object({ name: WorkspaceName, language: Language }),
  agreeTerms: AgreeTerms,
});
export type RegistrationBody = z.infer<typeof RegistrationBody>;

export const BindBillingAccountBody = z.object({ username: Username, code: Code });
export type BindBillingAccountBody = z.infer<typeof BindBillingAccountBody>;

export const GuanceAccountInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('existing'), email: Email, code: Code }),
  z
    .object({
      kind: z.literal('new'),
      username: Username,
      password: Password,
      passwordConfirm: z.string().max(128),
      email: Email,
      code: Code,
      phone: Phone.optional(),
    })
    .refine((v) => v.password === v.passwordConfirm, {
      message: 'The passwords do not match',
      path: ['passwordConfirm'],
    }),
]);
export type GuanceAccountInput = z.infer<typeof GuanceAccountInput>;

/**
 * Set on a workspace request when the instance already pays for a workspace (`next: 'returning'`):
 * the buyer chose to have it pay for another one too. Without it such a request is refused with
 * 409 ALREADY_ACTIVATED, so a returning buyer is never bound again by default.
 */
export const AnotherWorkspace = z.literal(true).optional();

export const CreateWorkspaceBody = z.object({
  name: WorkspaceName,
  language: Language,
  agreeTerms: AgreeTerms,
  guanceAccount: GuanceAccountInput,
  anotherWorkspace: AnotherWorkspace,
});
export type CreateWorkspaceBody = z.infer<typeof CreateWorkspaceBody>;

export const BindWorkspaceBody = z.object({ workspaceId: z.string().min(1).max(64), anotherWorkspace: AnotherWorkspace });
export type BindWorkspaceBody = z.infer<typeof BindWorkspaceBody>;

export const SessionBody = z.object({ login: z.string().min(1).max(254), password: z.string().min(1).max(128) });
export type SessionBody = z.infer<typeof SessionBody>;

export const Workspace = z.object({
  id: z.string(),
  name: z.string(),
  site: SiteCodeSchema,
  language: Language,
});
export type Workspace = z.infer<typeof Workspace>;

export const WorkspaceListItem = Workspace.extend({
  bindable: z.boolean(),
  /** Why not bindable (see WorkspaceUnbindableReason): `settled-by-other-account`, `already-bound-here`, `frozen`; null when bindable. */
  reason: z.string().nullable(),
  /** With reason `frozen`: when the countdown ends and the workspace falls back to direct settlement. */
  frozenUntil: z.string().optional(),
});
export type WorkspaceListItem = z.infer<typeof WorkspaceListItem>;

/**
 * How an activation proved that the cloud account is its owner's: `marketplace` (the signed free
 * login of Login Directly) or `alibaba-sign-in` (Sign in with Alibaba Cloud, OIDC).
 */
export const ProofMethod = z.enum(['marketplace', 'alibaba-sign-in']);
export type ProofMethod = z.infer<typeof ProofMethod>;

/**
 * `prove`: the cloud account has no link yet and this API links only proved activations.
 * `returning`: the instance pays for a workspace already (activated earlier, by this buyer or with
 * another activation). The wizard shows what is bound (`Activation.returning`, to a proved
 * activation only) and a way to its login page, not the binding steps.
 */
export const ActivationNext = z.enum(['prove', 'register', 'bind-billing-account', 'workspace', 'done', 'returning']);
export type ActivationNext = z.infer<typeof ActivationNext>;

/**
 * The steps the API would accept now; a client offers only these (`next` is the one it suggests).
 * `create-workspace` and `bind-workspace` on a returning activation need `anotherWorkspace: true`.
 */
export const ActivationPath = z.enum(['register', 'bind-billing-account', 'create-workspace', 'bind-workspace']);
export type ActivationPath = z.infer<typeof ActivationPath>;

/** A workspace the instance pays for, as shown to a returning buyer who proved the purchase. */
export const BoundWorkspace = Workspace.extend({
  /** The site's login page: where the buyer goes from here. */
  loginUrl: z.string(),
  /** The Billing Center account the workspace is billed to. */
  billingAccount: z.object({ username: z.string() }),
  /** The Guance account that logs in to it (its owner); the email is masked. */
  guanceAccount: z.object({ username: z.string(), email: z.string() }),
});
export type BoundWorkspace = z.infer<typeof BoundWorkspace>;

export const ReturningSummary = z.object({ workspaces: z.array(BoundWorkspace).min(1) });
export type ReturningSummary = z.infer<typeof ReturningSummary>;

export const Activation = z.object({
  id: z.string(),
  accountId: AccountId,
  instanceId: InstanceId,
  site: SiteCodeSchema,
  state: ActivationState,
  billingAccount: z.object({ username: z.string() }).nullable(),
  workspace: Workspace.nullable(),
  loginUrl: z.string().nullable(),
  expiresAt: z.string(),
  /** True when the marketplace's free login started it (the cloud account is proven; email codes still apply). */
  verified: z.boolean().optional(),
  /**
   * The step that comes next. For needs-billing-account: `bind-billing-account` when the cloud
   * account is already linked to a Billing Center account (which one is not said), else `register`.
   * Optional only so answers of an older API still parse; this API always sends it.
   */
  next: ActivationNext.optional(),
  /** How this activation proved the cloud account's owner; null: it did not (yet). */
  proof: ProofMethod.nullable().optional(),
  /**
   * The proofs this activation can still make (empty once proved or past the Billing Center step):
   * `alibaba-sign-in` only when the API is configured for it. With `next: 'prove'` one is needed;
   * otherwise a proof lets the owner replace a link that was made without proof.
   */
  proofs: z.array(ProofMethod).optional(),
  /** What `next` allows: the steps the API accepts now (empty when none, e.g. proof is needed first). */
  paths: z.array(ActivationPath).optional(),
  /**
   * With `next: 'returning'`: what the instance pays for. Only to an activation that proved the
   * purchase (`proof` set); an unproved one gets null and learns only that the purchase is activated.
   */
  returning: ReturningSummary.nullable().optional(),
  /**
   * Proved, and the cloud account's link was made without proof: besides binding that account
   * with its email code (which makes the link proved), the owner may register or bind their own,
   * which ends the old link (its Billing Center account is told).
   */
  replaceableLink: z.boolean().optional(),
  /**
   * Once activated: the Guance account that logs in to the bound workspace (its owner; the email
   * masked), so the buyer knows which account to use on the login page.
   */
  guanceAccount: z.object({ username: z.string(), email: z.string() }).nullable().optional(),
});
export type Activation = z.infer<typeof Activation>;

/**
 * `POST /activations/:id/alibaba-sign-in`: where Alibaba Cloud sends the browser back. One of the
 * URIs the API allows (the extension's `https://<id>.chromiumapp.org/alibaba-sign-in` for
 * launchWebAuthFlow, or the API's own `/activate/alibaba-sign-in/callback` for a browser tab).
 */
export const AlibabaSignInBody = z.strictObject({ redirectUri: z.url().max(512) });
export type AlibabaSignInBody = z.infer<typeof AlibabaSignInBody>;

export const AlibabaSignInResponse = z.object({
  authorizationUrl: z.string(),
  expiresInSeconds: z.number().int(),
});
export type AlibabaSignInResponse = z.infer<typeof AlibabaSignInResponse>;

/** `POST /activations/:id/alibaba-sign-in/callback`: the whole URL the provider redirected to. */
export const AlibabaSignInCallbackBody = z.strictObject({ callbackUrl: z.url().max(4096) });
export type AlibabaSignInCallbackBody = z.infer<typeof AlibabaSignInCallbackBody>;

export const StartActivationResponse = z.object({ activation: Activation, token: z.string() });
export type StartActivationResponse = z.infer<typeof StartActivationResponse>;

// Answers of the API (api/routes), for clients that check what they receive.
/** A workspace is settled through at most one cloud account: through this one, or through another. */
export const WorkspaceUnbindableReason = z.enum(['already-bound-here', 'settled-by-other-account', 'frozen']);
export type WorkspaceUnbindableReason = z.infer<typeof WorkspaceUnbindableReason>;

export const ActivationResponse = z.object({ activation: Activation });
export type ActivationResponse = z.infer<typeof ActivationResponse>;

export const WorkspaceListResponse = z.object({ workspaces: z.array(WorkspaceListItem) });
export type WorkspaceListResponse = z.infer<typeof WorkspaceListResponse>;

export const SessionResponse = z.object({
  account: z.object({ username: z.string(), email: z.string() }),
  workspaces: z.array(Workspace.extend({ loginUrl: z.string() })),
});
export type SessionResponse = z.infer<typeof SessionResponse>;

export const HealthResponse = z.object({ status: z.literal('ok'), version: z.string() });
export type HealthResponse = z.infer<typeof HealthResponse>;
