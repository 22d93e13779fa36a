// Reads the page globals in the page's main world. No imports (zod stays out of the
// main-world bundle); the result is re-validated by globals.ts where it arrives.
import type { PageGlobals } from './globals';

/** The event (and its JSON detail's type) the main-world script raises on its own script element. */
export const GLOBALS_MESSAGE = 'guance-activator:page-globals';

/** A PK as a string of digits; numbers only when exact (a 16-digit number can exceed 2^53). */
function pk(v: unknown): string | null {
  if (typeof v === 'string') return /^\d{1,20}$/.test(v.trim()) ? v.trim() : null;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) return String(v);
  return null;
}

function field(obj: unknown, key: string): unknown {
  if (typeof obj !== 'object' || obj === null) return undefined;
  try {
    return (obj as Record<string, unknown>)[key];
  } catch {
    return undefined; // a getter on page data may throw
  }
}

/**
 * Reads ALIYUN_CONSOLE_CONFIG / ALIYUN_ECS_CONSOLE_CONFIG off a window-like object.
 */
export function readPageGlobals(win: unknown): PageGlobals {
  const c = field(win, 'ALIYUN_CONSOLE_CONFIG');
  const e = field(win, 'ALIYUN_ECS_CONSOLE_CONFIG');
  const type = field(c, 'ACCOUNT_TYPE');
  // Console config values are strings, 'true' / 'false' included.
  const flag = (v: unknown) => (typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : null);
  return {
    console:
      c && typeof c === 'object'
        ? {
            mainAccountPk: pk(field(c, 'MAIN_ACCOUNT_PK')),
            currentPk: pk(field(c, 'CURRENT_PK')),
            accountType: typeof type === 'string' ? type.slice(0, 16) : null,
          }
        : null,
    ecs:
      e && typeof e === 'object'
        ? {
            masterPk: pk(field(e, 'MASTER_PK')),
            currentPk: pk(field(e, 'CURRENT_PK')),
            isChildAccount: flag(field(e, 'isChildAccount')),
            isRoleAccount: flag(field(e, 'isRoleAccount')),
          }
        : null,
  };
}
