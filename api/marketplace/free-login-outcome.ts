// The API's answer to a free login, turned into a FreeLoginOutcome (shared/free-login.ts): the one
// decision both the API's own failure page and the web wizard render.
import { FREE_LOGIN_REMEDY, type FreeLoginFailed, type FreeLoginFailure } from '../../shared/free-login';

interface ErrorAnswer {
  status: number;
  body: { error: { code: string; details?: unknown } };
}

function failureOf(code: string, details: Record<string, unknown>): FreeLoginFailure {
  switch (code) {
    case 'BAD_SIGNATURE':
      return 'bad-signature';
    case 'CODE_EXPIRED':
      return 'link-expired';
    case 'TOKEN_REPLAYED':
      return 'link-replayed';
    case 'VALIDATION_FAILED':
    case 'BAD_REQUEST':
      return 'bad-link';
    case 'INSTANCE_NOT_FOUND':
      return 'instance-unknown';
    case 'INSTANCE_NOT_ACTIVE':
      return details.status === 'expired' ? 'instance-expired' : 'instance-released';
    default:
      return 'unavailable';
  }
}

/** A refused free login as data: what failed, what the buyer can do, and the answer's status. */
export function freeLoginFailure(answer: ErrorAnswer): FreeLoginFailed {
  const { code, details } = answer.body.error;
  const d = details && typeof details === 'object' && !Array.isArray(details) ? (details as Record<string, unknown>) : {};
  const failure = failureOf(code, d);
  return {
    ok: false, failure, remedy: FREE_LOGIN_REMEDY[failure], code, status: answer.status,
    ...(failure === 'instance-expired' && typeof d.frozenUntil === 'string' ? { frozenUntil: d.frozenUntil } : {}),
  };
}
