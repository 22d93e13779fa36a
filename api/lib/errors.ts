import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ERROR_STATUS, type ErrorCode } from '../../shared/errors';
import type { FieldIssue } from '../../shared/errors';

/** A refusal the client can act on; onError turns it into the `{error: {code, message, details?}}` body and its status. */
export class ApiError extends Error {
  readonly status: (typeof ERROR_STATUS)[ErrorCode];
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = ERROR_STATUS[code];
  }
}

export const errorBody = (code: ErrorCode, message: string, details?: unknown) => ({
  error: details === undefined ? { code, message } : { code, message, details },
});

/** The same answer where there is no Hono context (the guards around the app, security/http.ts). */
export function errorAnswer(code: ErrorCode, message: string): Response {
  return new Response(JSON.stringify(errorBody(code, message)), {
    status: ERROR_STATUS[code],
    headers: { 'Content-Type': 'application/json' },
  });
}

/** The one way an error answer is written (the error body, the code's status, any extra headers). */
export function errorResponse(c: Context, code: ErrorCode, message: string, details?: unknown, headers: Record<string, string> = {}) {
  for (const [k, v] of Object.entries(headers)) c.header(k, v);
  return c.json(errorBody(code, message, details), ERROR_STATUS[code] as ContentfulStatusCode);
}

/** A 429: the wait is in the body (the popup counts it down) and in Retry-After (for any client). */
export function tooManyRequests(
  code: 'RATE_LIMITED' | 'TOO_MANY_ATTEMPTS', message: string, retryAfterSeconds: number, details: Record<string, unknown> = {},
): ApiError {
  return new ApiError(code, message, { ...details, retryAfterSeconds }, { 'Retry-After': String(retryAfterSeconds) });
}

/**
 * A refusal about one field of what the client sent (the cloud account's IDs, a username): the
 * field by name, and the same field issue as a VALIDATION_FAILED body gives, so a client shows
 * every such error next to that field with one piece of code.
 */
export function fieldError(code: ErrorCode, field: string, message: string, extra: Record<string, unknown> = {}): ApiError {
  const issue: FieldIssue = { path: field, message };
  return new ApiError(code, message, { ...extra, field, issues: [issue] });
}
