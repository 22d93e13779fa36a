// Where each field lives, and how API answers name fields: an error is shown next to the field it
// concerns, on the step that field is on.
import type { FormKey, Msg, Status, WizardError } from './types';

/** The form whose values a step edits. */
export function formOf(status: Status): FormKey {
  switch (status) {
    case 'ids':
      return 'ids';
    case 'register-basic':
    case 'register-company':
    case 'register-method':
      return 'register';
    case 'bind-billing':
      return 'bind';
    default:
      return 'workspace';
  }
}

/** Fields each step shows, in screen order (the first one gets the focus). */
export const STEP_FIELDS: Record<Status, readonly string[]> = {
  ids: ['accountId', 'instanceId', 'site'],
  'register-basic': ['username', 'password', 'passwordConfirm', 'email', 'code', 'phone'],
  'register-company': ['companyName', 'contactName', 'industry'],
  'register-method': ['workspaceName', 'language', 'agreeTerms'],
  'bind-billing': ['username', 'code'],
  'workspace-choose': ['workspaceId'],
  'workspace-create-existing': ['workspaceName', 'language', 'email', 'code', 'agreeTerms'],
  'workspace-create-new': ['workspaceName', 'language', 'username', 'password', 'passwordConfirm', 'email', 'code', 'phone', 'agreeTerms'],
  'workspace-confirm-bind': ['workspaceId'],
  done: [],
};

/** The step of a path that holds a field (register spans three steps). */
export function stepOfField(current: Status, field: string): Status {
  if (STEP_FIELDS[current].includes(field)) return current;
  if (['accountId', 'instanceId', 'site'].includes(field)) return 'ids';
  if (formOf(current) === 'register') {
    for (const s of ['register-basic', 'register-company', 'register-method'] as const) {
      if (STEP_FIELDS[s].includes(field)) return s;
    }
  }
  return current;
}

/** A zod/API issue path (e.g. ["company","name"], ["guanceAccount","email"]) → the form field's name. */
export function fieldOfPath(path: readonly (string | number)[]): string | null {
  const p = path.filter((x): x is string => typeof x === 'string');
  if (p.length === 0) return null;
  const last = p[p.length - 1]!;
  const parent = p[p.length - 2];
  if (parent === 'company' && last === 'name') return 'companyName';
  if (parent === 'workspace' && last === 'name') return 'workspaceName';
  if (p.length === 1 && last === 'name') return 'workspaceName';
  if (parent === 'company' || parent === 'workspace' || parent === 'guanceAccount') return last;
  return last;
}

/** API error codes that concern one field; the rest are shown for the whole step. */
const CODE_FIELD: Record<string, string> = {
  USERNAME_TAKEN: 'username',
  EMAIL_TAKEN: 'email',
  CODE_INVALID: 'code',
  CODE_EXPIRED: 'code',
  CODE_REQUIRED: 'code',
  TOO_MANY_ATTEMPTS: 'code',
  RATE_LIMITED: 'code',
  INSTANCE_NOT_FOUND: 'instanceId',
  INSTANCE_ACCOUNT_MISMATCH: 'instanceId',
  INSTANCE_NOT_ACTIVE: 'instanceId',
  BILLING_ACCOUNT_NOT_FOUND: 'username',
  CLOUD_ACCOUNT_LINKED_ELSEWHERE: 'username',
  GUANCE_ACCOUNT_NOT_FOUND: 'email',
  WORKSPACE_NOT_BINDABLE: 'workspaceId',
  WORKSPACE_NOT_FOUND: 'workspaceId',
};

/** Codes for which the activation itself is gone: the user has to start over. */
export const LOST_ACTIVATION_CODES = new Set(['UNAUTHORIZED', 'ACTIVATION_NOT_FOUND', 'ACTIVATION_EXPIRED', 'NO_ACTIVATION']);

interface Issue {
  path: (string | number)[];
  message: string;
  code?: string;
}

/** VALIDATION_FAILED details: accept an array of issues or `{issues: [...]}`, paths as arrays or dotted strings. */
export function issuesOf(details: unknown): Issue[] {
  const raw = Array.isArray(details)
    ? details
    : details && typeof details === 'object' && Array.isArray((details as { issues?: unknown }).issues)
      ? (details as { issues: unknown[] }).issues
      : [];
  const out: Issue[] = [];
  for (const it of raw) {
    if (!it || typeof it !== 'object') continue;
    const { path, message, code } = it as { path?: unknown; message?: unknown; code?: unknown };
    const p = Array.isArray(path)
      ? (path.filter((x) => typeof x === 'string' || typeof x === 'number') as (string | number)[])
      : typeof path === 'string'
        ? path.split('.').filter(Boolean)
        : [];
    out.push({ path: p, message: typeof message === 'string' ? message : '', ...(typeof code === 'string' ? { code } : {}) });
  }
  return out;
}

/** A message for an invalid field: "required" when it is empty, else the field's own rule. */
export function invalidFieldMsg(field: string, empty: boolean, detail?: string): Msg {
  if (empty) return { key: 'error_required' };
  return { key: `error_invalid_${field}`, ...(detail ? { detail } : {}) };
}

/**
 * Turns a failure into messages: field errors where a field is concerned, otherwise one for the
 * step; network failures carry the request to retry.
 */
export function messagesFor(
  error: WizardError,
  kind: import('./types').RequestKind,
  valueOf: (field: string) => unknown,
): { fields: Record<string, Msg>; form: Msg | null; retry: import('./types').RequestKind | null } {
  if (error.kind === 'network') return { fields: {}, form: { key: 'error_network', detail: error.message }, retry: kind };
  const fields: Record<string, Msg> = {};
  if (error.code === 'VALIDATION_FAILED') {
    for (const issue of issuesOf(error.details)) {
      const f = fieldOfPath(issue.path);
      if (!f || fields[f]) continue;
      const v = valueOf(f);
      fields[f] = invalidFieldMsg(f, v === undefined || v === '' || v === false, issue.message);
    }
    if (Object.keys(fields).length > 0) return { fields, form: null, retry: null };
    return { fields, form: { key: 'error_code_VALIDATION_FAILED', detail: error.message }, retry: null };
  }
  const msg: Msg = { key: `error_code_${error.code}`, detail: error.message };
  const field = CODE_FIELD[error.code];
  if (field) return { fields: { [field]: msg }, form: null, retry: null };
  // The server failing (5xx, mail down) is worth retrying; a refusal is not.
  return { fields, form: msg, retry: error.status >= 500 ? kind : null };
}
