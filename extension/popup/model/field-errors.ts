// How failures name fields, in one place: a FieldIssue's dotted path or an API error code becomes
// the form field it concerns, and a message shown next to it, on the step that field is on.
import type { FieldIssue } from '../../../shared/errors';
import type { Msg, RequestKind, WizardError } from './types';

/** An issue path (`company.name`, `guanceAccount.email`) → the form field's name. */
export function fieldOfPath(path: string): string | null {
  const p = path.split('.').filter((x) => x !== '' && !/^\d+$/.test(x));
  if (p.length === 0) return null;
  const last = p[p.length - 1]!;
  const parent = p[p.length - 2];
  if (parent === 'company' && last === 'name') return 'companyName';
  if (parent === 'workspace' && last === 'name') return 'workspaceName';
  if (p.length === 1 && last === 'name') return 'workspaceName';
  return last;
}

/** API error codes that concern one field; the rest are shown for the whole step. */
const CODE_FIELD: Record<string, string> = {
  USERNAME_TAKEN: 'username',
  EMAIL_TAKEN: 'email',
  CODE_INVALID: 'code',
  CODE_EXPIRED: 'code',
  TOO_MANY_ATTEMPTS: 'code',
  RATE_LIMITED: 'code',
  INSTANCE_NOT_FOUND: 'instanceId',
  INSTANCE_ACCOUNT_MISMATCH: 'instanceId',
  INSTANCE_NOT_ACTIVE: 'instanceId',
  BILLING_ACCOUNT_NOT_FOUND: 'username',
  CLOUD_ACCOUNT_LINKED_ELSEWHERE: 'accountId',
  VERIFICATION_REQUIRED: 'accountId',
  ALREADY_ACTIVATED: 'instanceId',
  GUANCE_ACCOUNT_NOT_FOUND: 'email',
  WORKSPACE_NOT_BINDABLE: 'workspaceId',
  WORKSPACE_NOT_FOUND: 'workspaceId',
};

/** Codes for which the activation itself is gone: the user has to start over. */
export const LOST_ACTIVATION_CODES = new Set(['UNAUTHORIZED', 'NO_ACTIVATION']);

/** The `details` of a VALIDATION_FAILED (data from the network): the FieldIssues in it, nothing else. */
export function issuesOf(details: unknown): FieldIssue[] {
  if (!Array.isArray(details)) return [];
  const out: FieldIssue[] = [];
  for (const it of details) {
    if (!it || typeof it !== 'object') continue;
    const { path, message } = it as { path?: unknown; message?: unknown };
    if (typeof path !== 'string') continue;
    out.push({ path, message: typeof message === 'string' ? message : '' });
  }
  return out;
}

/** The form field a refusal's `details` names (`field`, else its first issue's path), if any. */
export function namedField(details: unknown): string | null {
  if (!details || typeof details !== 'object' || Array.isArray(details)) return null;
  const d = details as { field?: unknown; issues?: unknown };
  if (typeof d.field === 'string') return fieldOfPath(d.field);
  const first = issuesOf(d.issues)[0];
  return first ? fieldOfPath(first.path) : null;
}

/** A message for an invalid field: "required" when it is empty, else the field's own rule. */
function invalidFieldMsg(field: string, empty: boolean, detail?: string): Msg {
  if (empty) return { key: 'error_required' };
  return { key: `error_invalid_${field}`, ...(detail ? { detail } : {}) };
}

const isEmpty = (v: unknown) => v === undefined || v === '' || v === false;

/**
 * Issues → one message per field, the first issue of each field winning; with `only`, just those
 * fields, in that (screen) order.
 */
export function issuesToFields(issues: readonly FieldIssue[], valueFor: (field: string) => unknown, only?: readonly string[]): Record<string, Msg> {
  const found: Record<string, Msg> = {};
  for (const issue of issues) {
    const f = fieldOfPath(issue.path);
    if (!f || found[f] || (only && !only.includes(f))) continue;
    found[f] = invalidFieldMsg(f, isEmpty(valueFor(f)), issue.message);
  }
  if (!only) return found;
  const out: Record<string, Msg> = {};
  for (const f of only) if (found[f]) out[f] = found[f];
  return out;
}

/**
 * Turns a failure into messages: field errors where a field is concerned, otherwise one for the
 * step; network failures carry the request to retry.
 */
export function messagesFor(
  error: WizardError,
  kind: RequestKind,
  valueFor: (field: string) => unknown,
): { fields: Record<string, Msg>; form: Msg | null; retry: RequestKind | null } {
  if (error.kind === 'network') return { fields: {}, form: { key: 'error_network', detail: error.message }, retry: kind };
  if (error.code === 'VALIDATION_FAILED') {
    const fields = issuesToFields(issuesOf(error.details), valueFor);
    if (Object.keys(fields).length > 0) return { fields, form: null, retry: null };
    return { fields, form: { key: 'error_code_VALIDATION_FAILED', detail: error.message }, retry: null };
  }
  const msg: Msg = { key: `error_code_${error.code}`, detail: error.message };
  // The API names the field a refusal is about (`details.field`, `details.issues`): an error about
  // the cloud account lands on the cloud account, whatever step it happened on.
  const field = namedField(error.details) ?? CODE_FIELD[error.code];
  if (field) return { fields: { [field]: msg }, form: null, retry: null };
  // The server failing (5xx, mail down) is worth retrying; a refusal is not.
  return { fields: {}, form: msg, retry: error.status >= 500 ? kind : null };
}
