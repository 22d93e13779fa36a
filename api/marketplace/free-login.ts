// Free login ("Login Directly" on the marketplace): the marketplace sends the buyer's browser to us
// with `instanceId`, `timeStamp` and `token`. These helpers judge the time stamp; the route checks
// the signature and the replay table.

/** How far `timeStamp` may be from our clock, either way. */
export const FREE_LOGIN_WINDOW_MS = 5 * 60 * 1000;

const BEIJING_OFFSET_MS = 8 * 3600 * 1000;

/**
 * `yyyy-MM-dd HH:mm:ss` in Beijing time (UTC+8, no daylight saving) → epoch milliseconds, or
 * undefined when it is not a real date and time.
 */
export function parseBeijingTime(s: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(s);
  if (!m) return undefined;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const utc = Date.UTC(y, mo - 1, d, h, mi, se);
  const back = new Date(utc);
  // Date.UTC rolls 2025-02-30 over to March: such a stamp is refused, not reinterpreted.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || se > 59) {
    return undefined;
  }
  return utc - BEIJING_OFFSET_MS;
}

/** The marketplace's format for an instant: what `timeStamp` would say at `ms`. */
export function formatBeijingTime(ms: number): string {
  const d = new Date(ms + BEIJING_OFFSET_MS);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

export type StampCheck = { ok: true; at: number } | { ok: false; reason: 'malformed' | 'too-old' | 'in-future' };

export function checkTimeStamp(stamp: string | undefined, now: number): StampCheck {
  const at = stamp === undefined ? undefined : parseBeijingTime(stamp);
  if (at === undefined) return { ok: false, reason: 'malformed' };
  if (now - at > FREE_LOGIN_WINDOW_MS) return { ok: false, reason: 'too-old' };
  if (at - now > FREE_LOGIN_WINDOW_MS) return { ok: false, reason: 'in-future' };
  return { ok: true, at };
}
