// Every API failure is `{error: {code, message, details?}}` with the status below; the popup maps
// `code` to words in the user's language. A VALIDATION_FAILED carries FieldIssue[] as `details`.
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  INVALID_CREDENTIALS: 401,
  INSTANCE_ACCOUNT_MISMATCH: 403,
  BAD_SIGNATURE: 403,
  VERIFICATION_REQUIRED: 403,
  ORIGIN_NOT_ALLOWED: 403,
  NOT_FOUND: 404,
  INSTANCE_NOT_FOUND: 404,
  BILLING_ACCOUNT_NOT_FOUND: 404,
  GUANCE_ACCOUNT_NOT_FOUND: 404,
  WORKSPACE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  WRONG_STATE: 409,
  /** The instance pays for a workspace already: a returning buyer; another one only when asked for. */
  ALREADY_ACTIVATED: 409,
  INSTANCE_NOT_ACTIVE: 409,
  USERNAME_TAKEN: 409,
  EMAIL_TAKEN: 409,
  CLOUD_ACCOUNT_LINKED_ELSEWHERE: 409,
  WORKSPACE_NOT_BINDABLE: 409,
  TOKEN_REPLAYED: 409,
  CODE_EXPIRED: 410,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  CODE_INVALID: 422,
  RATE_LIMITED: 429,
  TOO_MANY_ATTEMPTS: 429,
  INTERNAL: 500,
  MAIL_FAILED: 502,
  /** A fault on our side the caller should retry (the marketplace does). */
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ApiErrorBody {
  error: { code: ErrorCode | (string & {}); message: string; details?: unknown };
}

export function isApiErrorBody(x: unknown): x is ApiErrorBody {
  return (
    typeof x === 'object' && x !== null && 'error' in x &&
    typeof (x as ApiErrorBody).error === 'object' && (x as ApiErrorBody).error !== null &&
    typeof (x as ApiErrorBody).error.code === 'string'
  );
}

/**
 * One invalid field, the one shape every validation failure uses (API answers, the background's
 * pre-check, the popup's own form rules). `path` is dotted (`company.name`,
 * `guanceAccount.passwordConfirm`), empty for the body as a whole.
 */
export interface FieldIssue {
  path: string;
  message: string;
}

/** A zod failure (anything with zod's `issues`) as FieldIssues. */
export function fieldIssues(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): FieldIssue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}
