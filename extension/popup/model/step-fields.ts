// Where each field lives: the form a step edits, the fields it shows, the step that holds a field.
import type { FormKey, Status } from './types';

/** The form whose values a step edits. */
export function formOf(status: Status): FormKey {
  switch (status) {
    case 'ids':
      return 'ids';
    case 'register-basic':
    case 'register-company':
    case 'register-method':
      return 'register';
    case 'bind-billing-account':
      return 'bind-billing-account';
    default:
      return 'workspace';
  }
}

/** Fields each step shows, in screen order (the first one gets the focus). */
export const STEP_FIELDS: Record<Status, readonly string[]> = {
  ids: ['accountId', 'instanceId', 'site'],
  prove: [],
  'register-basic': ['username', 'password', 'passwordConfirm', 'email', 'code', 'phone'],
  'register-company': ['companyName', 'contactName', 'industry'],
  'register-method': ['workspaceName', 'language', 'agreeTerms'],
  'bind-billing-account': ['username', 'code'],
  'workspace-choose': ['workspaceId'],
  'workspace-create-existing': ['workspaceName', 'language', 'email', 'code', 'agreeTerms'],
  'workspace-create-new': ['workspaceName', 'language', 'username', 'password', 'passwordConfirm', 'email', 'code', 'phone', 'agreeTerms'],
  'workspace-confirm-bind': ['workspaceId'],
  returning: [],
  done: [],
};

/** The IDs of step 1: after it, every step shows them (and errors about them) in its summary line. */
export const CLOUD_ACCOUNT_FIELDS: readonly string[] = ['accountId', 'instanceId'];

/** The step of a path that holds a field (register spans three steps). */
export function stepOfField(current: Status, field: string): Status {
  if (STEP_FIELDS[current].includes(field)) return current;
  // An error about the cloud account stays on the step where it happened, on the account's line:
  // going back to step 1 would lose the step (and a proved activation has no step 1).
  if (CLOUD_ACCOUNT_FIELDS.includes(field)) return current;
  if (field === 'site') return 'ids';
  if (formOf(current) === 'register') {
    for (const s of ['register-basic', 'register-company', 'register-method'] as const) {
      if (STEP_FIELDS[s].includes(field)) return s;
    }
  }
  return current;
}
