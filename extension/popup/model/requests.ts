// From what the user typed to the message the background sends on: bodies in the API's shapes,
// plus the light checks the popup does itself (empty fields, the two passwords, the terms box).
// Format rules are checked in the background with the API's own schemas (no zod in the popup).
import type { CodePurpose } from '../../../shared/schemas';
import type { WizardMessage } from '../../../shared/messages/popup-to-background';
import { formOf, STEP_FIELDS } from './fields';
import type { FormValues, Msg, RequestKind, Status, WizardState } from './types';

const str = (v: FormValues, k: string): string => (typeof v[k] === 'string' ? (v[k] as string) : '');
const trimmed = (v: FormValues, k: string): string => str(v, k).trim();

/** Optional fields: absent from the body when left empty. */
const OPTIONAL = new Set(['phone', 'industry']);

export function startBody(v: FormValues) {
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
export function sendCodeBody(status: Status, v: FormValues): { purpose: CodePurpose; email?: string; username?: string } {
  if (status === 'bind-billing') return { purpose: 'bind-billing-account', username: trimmed(v, 'username') };
  if (status === 'register-basic') return { purpose: 'register', email: trimmed(v, 'email') };
  return { purpose: 'guance-account', email: trimmed(v, 'email') };
}

/** The message for a request, built from the current state. */
export function messageFor(kind: RequestKind, state: WizardState): WizardMessage {
  const v = state.values[formOf(state.status)];
  switch (kind) {
    case 'start':
      return { type: 'wizard/start', body: startBody(state.values.ids) };
    case 'sync':
      return { type: 'wizard/sync', maxAgeMs: 60_000 };
    case 'site':
      return { type: 'wizard/site', body: { site: state.values.ids.site } };
    case 'send-code':
      return { type: 'wizard/send-code', body: sendCodeBody(state.status, v) };
    case 'register':
      return { type: 'wizard/register', body: registrationBody(state.values.register) };
    case 'bind-billing':
      return { type: 'wizard/bind-billing', body: { username: trimmed(state.values.bind, 'username'), code: trimmed(state.values.bind, 'code') } };
    case 'workspaces':
      return { type: 'wizard/workspaces' };
    case 'create-workspace':
      return { type: 'wizard/create-workspace', body: createWorkspaceBody(state.status, state.values.workspace) };
    case 'bind-workspace':
      return { type: 'wizard/bind-workspace', body: { workspaceId: trimmed(state.values.workspace, 'workspaceId') } };
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

/** The schema and body that check a step's formats in the background ("Next" on register steps). */
export function validationFor(status: Status, state: WizardState): Extract<WizardMessage, { type: 'wizard/validate' }> | null {
  switch (status) {
    case 'ids':
      return { type: 'wizard/validate', schema: 'start', body: startBody(state.values.ids) };
    case 'register-basic':
    case 'register-company':
    case 'register-method':
      return { type: 'wizard/validate', schema: 'registration', body: registrationBody(state.values.register) };
    case 'bind-billing':
      return { type: 'wizard/validate', schema: 'bind-billing', body: { username: trimmed(state.values.bind, 'username'), code: trimmed(state.values.bind, 'code') } };
    case 'workspace-create-existing':
    case 'workspace-create-new':
      return { type: 'wizard/validate', schema: 'create-workspace', body: createWorkspaceBody(status, state.values.workspace) };
    default:
      return null;
  }
}
