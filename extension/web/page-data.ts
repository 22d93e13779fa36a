// What the API put on the page for the web wizard (api/web/bundle.ts adds the blocks to <head>):
// the landing markers of a free login (docs/landing-contract.md), or a refused free login's
// outcome. Page data is data: each block is checked before use, and the token is read from the
// fragment, which never reaches a server or a Referer.
import type { FreeLoginFailed } from '../../shared/free-login';
import { FREE_LOGIN_FAILURES, FREE_LOGIN_OUTCOME_ID, FREE_LOGIN_REMEDIES } from '../../shared/free-login-pages';

const FAILURES = new Set<string>(FREE_LOGIN_FAILURES);
const REMEDIES = new Set<string>(FREE_LOGIN_REMEDIES);

export const LANDING_DATA_ID = 'guance-activator-landing';

export interface LandingInfo {
  activationId: string;
  accountId: string;
  instanceId: string;
  expiresAt: string;
}

export type PageData =
  | { kind: 'landing'; landing: LandingInfo; token: string | null }
  | { kind: 'failure'; outcome: FreeLoginFailed }
  /** A landing address the API did not know (404: no markers). */
  | { kind: 'unknown-landing' }
  /** `/activate`: start from typed IDs, or resume. */
  | { kind: 'start' };

function json(doc: Document, id: string): unknown {
  const text = doc.getElementById(id)?.textContent;
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown, re: RegExp) => typeof v === 'string' && re.test(v);

/** The token of the fragment (`#token=…`), when it has the shape the API issues. */
export function tokenOf(hash: string): string | null {
  const t = new URLSearchParams(hash.replace(/^#/, '')).get('token');
  return t && /^[\w-]{16,200}$/.test(t) ? t : null;
}

/** `now`: an expired landing page is the expired-link advice (its activation and token no longer work). */
export function readPageData(doc: Document, loc: Pick<Location, 'origin' | 'pathname' | 'hash'>, now: number): PageData {
  const outcome = json(doc, FREE_LOGIN_OUTCOME_ID);
  if (isObj(outcome) && outcome.ok === false && FAILURES.has(String(outcome.failure)) && REMEDIES.has(String(outcome.remedy))) {
    return {
      kind: 'failure',
      outcome: {
        ok: false, failure: outcome.failure as FreeLoginFailed['failure'], remedy: outcome.remedy as FreeLoginFailed['remedy'],
        code: String(outcome.code ?? ''), status: Number(outcome.status ?? 0),
        ...(typeof outcome.frozenUntil === 'string' ? { frozenUntil: outcome.frozenUntil } : {}),
      },
    };
  }
  const d = json(doc, LANDING_DATA_ID);
  // A page that names another API than the one serving it is not ours to follow.
  if (isObj(d) && d.version === 1 && d.apiOrigin === loc.origin && str(d.activationId, /^[\w-]{1,80}$/)
    && str(d.accountId, /^\d{16}$/) && str(d.instanceId, /^\d{1,20}$/) && typeof d.expiresAt === 'string') {
    if (!(Date.parse(d.expiresAt) > now)) {
      return { kind: 'failure', outcome: { ok: false, failure: 'link-expired', remedy: 'login-again', code: 'ACTIVATION_EXPIRED', status: 410 } };
    }
    return {
      kind: 'landing',
      landing: { activationId: d.activationId as string, accountId: d.accountId as string, instanceId: d.instanceId as string, expiresAt: d.expiresAt },
      token: tokenOf(loc.hash),
    };
  }
  if (/\/activate\/landing\/?$/.test(loc.pathname)) return { kind: 'unknown-landing' };
  return { kind: 'start' };
}
