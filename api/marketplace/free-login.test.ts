import { describe, expect, it } from 'vitest';
import { checkTimeStamp, formatBeijingTime, parseBeijingTime } from './free-login';

describe('free-login time stamps (Beijing time, UTC+8)', () => {
  it('reads the stamp as UTC+8', () => {
    // 2025-03-01 08:00:00 in Beijing is midnight UTC.
    expect(parseBeijingTime('2025-03-01 08:00:00')).toBe(Date.UTC(2025, 2, 1, 0, 0, 0));
    expect(parseBeijingTime('2025-01-01 00:30:00')).toBe(Date.UTC(2024, 11, 31, 16, 30, 0));
    expect(formatBeijingTime(Date.UTC(2024, 11, 31, 16, 30, 0))).toBe('2025-01-01 00:30:00');
  });

  it('refuses malformed and impossible stamps', () => {
    for (const s of ['2025-02-30 10:00:00', '2025-13-01 10:00:00', '2025-01-01 24:00:00', '2025-01-01T10:00:00', '2025-01-01 10:00', '', '2025-01-01 10:00:60']) {
      expect(parseBeijingTime(s)).toBeUndefined();
    }
  });

  it('accepts 5 minutes either way, no more', () => {
    const now = Date.UTC(2025, 5, 1, 12, 0, 0);
    expect(checkTimeStamp('2025-06-01 20:00:00', now)).toEqual({ ok: true, at: now });
    expect(checkTimeStamp('2025-06-01 19:55:00', now).ok).toBe(true);
    expect(checkTimeStamp('2025-06-01 19:54:59', now)).toEqual({ ok: false, reason: 'too-old' });
    expect(checkTimeStamp('2025-06-01 20:05:00', now).ok).toBe(true);
    expect(checkTimeStamp('2025-06-01 20:05:01', now)).toEqual({ ok: false, reason: 'in-future' });
    // the same wall-clock time read as UTC would be 8 hours off: refused
    expect(checkTimeStamp('2025-06-01 12:00:00', now)).toEqual({ ok: false, reason: 'too-old' });
    expect(checkTimeStamp(undefined, now)).toEqual({ ok: false, reason: 'malformed' });
  });
});
