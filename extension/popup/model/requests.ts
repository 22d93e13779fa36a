// From what the user typed to the call the transport carries: bodies in the API's shapes, plus the
// light checks the wizard does on every step (empty fields, the two passwords, the terms box). The
// format rules are the API's own schemas (form-rules.ts, loaded when a step first needs them).
import type { CallRequest } from '../../../shared/wizard';
import { formOf, STEP_FIELDS } from './step-fields';
import type { FormValues, Msg, RequestKind, Status, WizardState } from './types';

const str = (v: FormValues, k: string): string => (typeof v[k] === 'string' ? (v[k] as string) : '');
const trimmed = (v: FormValues, k: string): string => str(v, k).trim();

/** Optional fields: absent from the body when left empty. */
const OPTIONAL = new Set(['phone', 'industry']);

function startBody(v: FormValues) {
  return { accountId: trimmed(v, 'accountId'), instanceId: trimmed(v, 'instanceId'), site: trimmed(v, 'site') };
}

export function registrationBody(v: FormValues) {
  const phone = trimmed(v, 'phone');
  const industry = trimmed(v, 'industry');
  return {
    username: trimmed(v, 'username'),
    password: str(v, 'password'),
    email: trimmed(v, 'email'),
    code: trimmed(v, 'code'),
    ...(phone ? { phone } : {}),
    company: { name: trimmed(v, 'companyName'), contactName: trimmed(v, 'contactName'), ...(industry ? { industry } : {}) },
    workspace: { name: trimmed(v, 'workspaceName'), language: trimmed(v, 'language') },
    agreeTerms: v.agreeTerms === true,
  };
}

export function createWorkspaceBody(status: Status, v: FormValues) {
  const phone = trimmed(v, 'phone');
  const guanceAccount =
    status === 'workspace-create-new'
      ? {
          kind: 'new' as const,
          username: trimmed(v, 'username'),
          password: str(v, 'password'),
          passwordConfirm: str(v, 'passwordConfirm'),
          email: trimmed(v, 'email'),
          code: trimmed(v, 'code'),
          ...(phone ? { phone } : {}),
        }
      : { kind: 'existing' as const, email: trimmed(v, 'email'), code: trimmed(v, 'code') };
  return { name: trimmed(v, 'workspaceName'), language: trimmed(v, 'language'), agreeTerms: v.agreeTerms === true, guanceAccount };
}

/** Which code a step's "Send code" asks for, and the body to send. */
export function sendCodeBody(status: Status, v: FormValues) {
  if (status === 'bind-billing-account') return { purpose: 'bind-billing-account' as const, username: trimmed(v, 'username') };
  if (status === 'register-basic') return { purpose: 'register' as const, email: trimmed(v, 'email') };
  return { purpose: 'guance-account' as const, email: trimmed(v, 'email') };
}

/** The code typed on a step, with what it was sent for (the check's body). */
export function checkCodeBody(status: Status, v: FormValues) {
  return { ...sendCodeBody(status, v), code: trimmed(v, 'code') };
}

const bindBillingAccountBody = (v: FormValues) => ({ username: trimmed(v, 'username'), code: trimmed(v, 'code') });

/** A returning buyer's explicit choice, said on the request (the API refuses it otherwise). */
const another = (state: WizardState) => (state.anotherWorkspace ? { anotherWorkspace: true } : {});

/** The call for a request, built from the current state. */
export function requestFor(kind: RequestKind, state: WizardState): CallRequest {
  const v = state.values[formOf(state.status)];
  switch (kind) {
    case 'start-activation':
      return { call: kind, body: startBody(state.values.ids) };
    case 'get-activation':
      return { call: kind, body: { maxAgeMs: 60_000 } };
    case 'update-activation':
      return { call: kind, body: { site: state.values.ids.site as string } };
    case 'send-code':
      return { call: kind, body: sendCodeBody(state.status, v) };
    case 'check-code':
      return { call: kind, body: checkCodeBody(state.status, v) };
    case 'alibaba-sign-in':
      return { call: kind, body: {} };
    case 'register':
      return { call: kind, body: registrationBody(state.values.register) };
    case 'bind-billing-account':
      return { call: kind, body: bindBillingAccountBody(state.values['bind-billing-account']) };
    case 'list-workspaces':
      return { call: kind, body: {} };
    case 'create-workspace':
      return { call: kind, body: { ...createWorkspaceBody(state.status, state.values.workspace), ...another(state) } };
    case 'bind-workspace':
      return { call: kind, body: { workspaceId: trimmed(state.values.workspace, 'workspaceId'), ...another(state) } };
  }
}

/** Fields a step needs before it can go on (or, with `only`, the ones a "Send code" needs). */
export function localCheck(status: Status, v: FormValues, only?: readonly string[]): Record<string, Msg> {
  const out: Record<string, Msg> = {};
  const fields = only ?? STEP_FIELDS[status];
  for (const f of fields) {
    if (OPTIONAL.has(f) || f === 'workspaceId') continue;
    if (f === 'agreeTerms') {
      if (v.agreeTerms !== true) out[f] = { key: 'error_invalid_agreeTerms' };
      continue;
    }
    if (f === 'passwordConfirm') {
      if (!str(v, f)) out[f] = { key: 'error_required' };
      else if (str(v, f) !== str(v, 'password')) out[f] = { key: 'error_passwords_differ' };
      continue;
    }
    if (!str(v, f).trim()) out[f] = { key: 'error_required' };
  }
  return out;
}

/** The call whose body a step's "Next" checks the formats of (the register steps, step 1), or null. */
export function checkedRequestFor(status: Status, state: WizardState): CallRequest | null {
  switch (status) {
    case 'ids':
      return { call: 'start-activation', body: startBody(state.values.ids) };
    case 'register-basic':
    case 'register-company':
    case 'register-method':
      return { call: 'register', body: registrationBody(state.values.register) };
    case 'bind-billing-account':
      return { call: 'bind-billing-account', body: bindBillingAccountBody(state.values['bind-billing-account']) };
    case 'workspace-create-existing':
    case 'workspace-create-new':
      return { call: 'create-workspace', body: createWorkspaceBody(status, state.values.workspace) };
    default:
      return null;
  }
}
