import { ApiError } from '../lib/errors';
import { isUniqueViolation } from './connection';

// Which unique rule a refused row broke, by the "table.column" SQLite names in its message, and
// what the client is told. The check before the write is only for a friendly answer; this is
// what decides when two requests race.
const UNIQUE_RULES: [RegExp, () => ApiError][] = [
  [/(billing|guance)_accounts\.username/, () => new ApiError('USERNAME_TAKEN', 'This username is taken')],
  [/(billing|guance)_accounts\.email/, () => new ApiError('EMAIL_TAKEN', 'This email address is already used by another account')],
  [/cloud_account_links\.account_id/, () =>
    new ApiError('CLOUD_ACCOUNT_LINKED_ELSEWHERE', 'This Alibaba Cloud account is already linked to another Billing Center account')],
  [/settlements\.workspace_id/, () =>
    new ApiError('WORKSPACE_NOT_BINDABLE', 'This workspace is already settled through an Alibaba Cloud account', { reason: 'settled-by-other-account' })],
];

/** Runs a write; a unique-constraint refusal becomes the matching 409, anything else is rethrown. */
export function mapUniqueViolation<T>(write: () => T): T {
  try {
    return write();
  } catch (e) {
    if (isUniqueViolation(e)) {
      const rule = UNIQUE_RULES.find(([re]) => re.test(e.message));
      if (rule) throw rule[1]();
      throw new ApiError('CONFLICT', 'This conflicts with an existing record');
    }
    throw e;
  }
}
