// What the console's query strings and forms may hold. An empty field (a GET form sends every
// field) counts as absent.
import { z } from 'zod';

const blank = (v: unknown) => (v === '' ? undefined : v);
const opt = <T extends z.ZodType>(s: T) => z.preprocess(blank, s.optional());

const AccountId = z.string().regex(/^\d{16}$/, '16 digits');
const InstanceId = z.string().regex(/^\d{1,20}$/, 'up to 20 digits');
const Text = (max: number) => z.string().trim().min(1).max(max);
const RowId = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const Lang = opt(z.enum(['en', 'zh']));

export const InstancesQuery = z.object({
  status: opt(z.enum(['active', 'expired', 'released'])), account: opt(AccountId), sku: opt(Text(64)), after: opt(InstanceId), lang: Lang,
});
export const ActivationsQuery = z.object({ days: opt(z.enum(['7', '30', '90'])), lang: Lang });
export const CallsQuery = z.object({
  action: opt(Text(64)), outcome: opt(Text(64)), failed: opt(z.enum(['1'])), instance: opt(InstanceId), after: opt(RowId), lang: Lang,
});
export const PendingQuery = z.object({ open: opt(z.enum(['0', '1'])), instance: opt(InstanceId), after: opt(RowId), lang: Lang });
export const MailQuery = z.object({ recipient: opt(Text(254)), status: opt(z.enum(['pending', 'sent', 'failed', 'cancelled', 'expired'])), after: opt(RowId), lang: Lang });
export const AuditQuery = z.object({ account: opt(Text(64)), entity: opt(Text(64)), request: opt(Text(100)), after: opt(RowId), lang: Lang });
export const ActionsQuery = z.object({ actor: opt(Text(300)), target: opt(Text(200)), request: opt(Text(100)), after: opt(RowId), lang: Lang });
export const LinksQuery = z.object({
  account: opt(AccountId), billing: opt(Text(64)), after: opt(AccountId), ended_after: opt(RowId), lang: Lang,
});
export const SignInQuery = z.object({ next: opt(z.string().max(300)), lang: Lang });

export const InstanceParam = z.object({ id: InstanceId });
export const AccountParam = z.object({ accountId: AccountId });
export const RowParam = z.object({ id: RowId });

const Confirm = opt(z.enum(['yes']));
const Reason = z.string().trim().min(3, 'say why, in a few words').max(500);

export const PasswordForm = z.object({ email: z.string().trim().min(3).max(254), password: z.string().min(1).max(200), next: opt(z.string().max(300)) });
export const CodeRequestForm = z.object({ email: z.string().trim().min(3).max(254), next: opt(z.string().max(300)) });
export const CodeForm = z.object({ email: z.string().trim().min(3).max(254), code: z.string().trim().max(12), next: opt(z.string().max(300)) });
export const ConfirmForm = z.object({ confirm: Confirm });
export const ReasonForm = z.object({ reason: Reason, confirm: Confirm });
export const ExtendForm = z.object({ days: z.coerce.number().int().min(1).max(30), reason: Reason, confirm: Confirm });
export const EndForm = z.object({ mode: z.enum(['lift', 'release']), reason: Reason, confirm: Confirm });
