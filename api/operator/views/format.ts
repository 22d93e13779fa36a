import { DAY_MS } from '../repositories/views';

/** `2026-01-15 08:00` (UTC): one time format for the whole console. */
export const time = (ms: number | null | undefined) => (ms == null ? '—' : new Date(ms).toISOString().slice(0, 16).replace('T', ' '));

export const dayLabel = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** What is left of a countdown, e.g. `13 d 4 h`; `0 h` once it has run out. */
export function countdown(until: number, now: number): string {
  const left = Math.max(0, until - now);
  const d = Math.floor(left / DAY_MS);
  const h = Math.floor((left % DAY_MS) / 3600_000);
  return d > 0 ? `${d} d ${h} h` : `${h} h ${Math.floor((left % 3600_000) / 60_000)} min`;
}
