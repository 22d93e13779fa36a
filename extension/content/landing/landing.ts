// The free-login landing page (docs/landing-contract.md), in two halves like the detection code:
// collect the page into a plain record, then decide with pure functions. The page is served by the
// API, but anything on it is still page data: it is parsed with zod and checked against the origin
// the page is actually on before anything is sent to the background.
import { z } from 'zod';
import { AccountId, InstanceId, SiteCodeSchema } from '../../../shared/schemas';

export const LANDING_PATH = '/activate/landing';
export const LANDING_DATA_ID = 'guance-activator-landing';
export const LANDING_SCRIPT_ID = 'guance-landing';

/** Marker 2 as version 1 defines it; unknown fields are ignored. */
export const LandingData = z.object({
  version: z.literal(1),
  activationId: z.string().regex(/^[\w-]{1,80}$/),
  accountId: AccountId,
  instanceId: InstanceId,
  site: SiteCodeSchema,
  verified: z.boolean(),
  expiresAt: z.iso.datetime(),
  apiOrigin: z.string(),
});
export type LandingData = z.infer<typeof LandingData>;

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

/**
 * Match patterns for the landing page of the configured API: its origin, and its path prefix when
 * the API is configured under one (PUBLIC_URL may sit behind a reverse proxy's sub-path). Ports
 * are kept, so only that exact API matches.
 */
export function landingMatches(apiBaseUrl: string): string[] {
  let u: URL;
  try {
    u = new URL(apiBaseUrl);
  } catch {
    return [];
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return [];
  const prefix = u.pathname.replace(/\/+$/, '');
  const out = [`${u.origin}${LANDING_PATH}*`];
  if (prefix) out.push(`${u.origin}${prefix}${LANDING_PATH}*`);
  return out;
}

/** Same list, order aside. */
export function sameMatches(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
}
