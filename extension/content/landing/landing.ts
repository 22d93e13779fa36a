// The free-login landing page's content-script half (docs/landing-contract.md), in two halves like
// the detection code: collect the page into a plain record, then decide with pure functions; the
// reader runs them once and hands an activation to the background. The page is served by the API,
// but anything on it is still page data: it is parsed with zod and checked against the origin the
// page is actually on before anything is sent. Nothing of the background half is in here, so the
// script injected into the landing page carries none of it.
import { LANDING_DATA_ID, LANDING_PATH, LandingData } from '../../../shared/landing';
import { LANDING_TAKEN_ATTRIBUTE } from '../../../shared/free-login-pages';
import type { FreeLoginResult, Message } from '../../../shared/protocol';

/** What the content script reads off the page: text only, no DOM references. */
export interface LandingRecord {
  origin: string;
  pathname: string;
  hash: string;
  /** textContent of marker 2, null when the page has none. */
  dataText: string | null;
}

export function collectLanding(doc: Document, loc: Pick<Location, 'origin' | 'pathname' | 'hash'>): LandingRecord {
  return {
    origin: loc.origin,
    pathname: loc.pathname,
    hash: loc.hash,
    dataText: doc.getElementById(LANDING_DATA_ID)?.textContent ?? null,
  };
}

export type LandingDecision =
  | { kind: 'open'; activationId: string; token: string; data: LandingData }
  | { kind: 'ignore'; reason: 'not-landing' | 'bad-data' | 'unknown-version' | 'wrong-origin' | 'no-token' | 'expired' };

export function decideLanding(r: LandingRecord, now: number): LandingDecision {
  if (!r.pathname.endsWith(LANDING_PATH) || r.dataText === null) return { kind: 'ignore', reason: 'not-landing' };
  let raw: unknown;
  try {
    raw = JSON.parse(r.dataText);
  } catch {
    return { kind: 'ignore', reason: 'bad-data' };
  }
  // "Ignore any version you do not know": a newer page is left to a newer extension.
  if (raw && typeof raw === 'object' && 'version' in raw && raw.version !== 1) return { kind: 'ignore', reason: 'unknown-version' };
  const parsed = LandingData.safeParse(raw);
  if (!parsed.success) return { kind: 'ignore', reason: 'bad-data' };
  const data = parsed.data;
  // A page that claims another API than the one it is served from is not ours to trust.
  if (data.apiOrigin !== r.origin) return { kind: 'ignore', reason: 'wrong-origin' };
  const token = new URLSearchParams(r.hash.replace(/^#/, '')).get('token');
  if (!token || !/^[\w-]{16,200}$/.test(token)) return { kind: 'ignore', reason: 'no-token' };
  // The page itself says so; the popup would only show a dead activation.
  if (Date.parse(data.expiresAt) <= now) return { kind: 'ignore', reason: 'expired' };
  return { kind: 'open', activationId: data.activationId, token, data };
}

/** The address bar without the fragment (where the token is), so history and copies carry no token. */
export function addressWithoutToken(loc: Pick<Location, 'pathname' | 'search'>): string {
  return loc.pathname + loc.search;
}

export interface LandingPageEnv {
  document: Document;
  location: Pick<Location, 'origin' | 'pathname' | 'search' | 'hash'>;
  history: Pick<History, 'replaceState'>;
  send: (m: Message<'landing/open'>) => Promise<unknown>;
  now: () => number;
}

/** One look at the page (the server rendered it whole; nothing arrives later). */
export function readLandingPage(env: LandingPageEnv): LandingDecision {
  const decision = decideLanding(collectLanding(env.document, env.location), env.now());
  if (decision.kind === 'open') {
    const sent = env.send({ type: 'landing/open', activationId: decision.activationId, token: decision.token });
    // The web wizard on this page offers the popup once the background has the activation.
    void sent.then((reply) => {
      const r = reply as FreeLoginResult | undefined;
      if (r && typeof r === 'object' && r.ok === true) env.document.documentElement.setAttribute(LANDING_TAKEN_ATTRIBUTE, r.popup === 'opened' ? 'opened' : 'badge');
    }).catch(() => undefined);
  }
  // Whatever happens next, the token leaves the address bar and the history entry now.
  // (An expired token is worthless, but it still has no business in the history.)
  if (decision.kind === 'open' || decision.reason === 'expired') {
    env.history.replaceState(null, '', addressWithoutToken(env.location));
  }
  return decision;
}
