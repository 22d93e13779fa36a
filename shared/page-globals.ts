// The page globals Alibaba Cloud consoles define (`ALIYUN_CONSOLE_CONFIG`, the ECS console's
// `ALIYUN_ECS_CONSOLE_CONFIG`), reduced to the few fields we use. An isolated content script cannot
// see them: the background reads them in the page's main world with scripting.executeScript
// (readPageGlobals is the function it runs there), checks what came back with
// parsePageGlobals, and answers the content script that asked. Nothing the page can post or raise
// is listened to, and the page never sees a script element of ours. The values stay page data: a
// page that rewrites its own globals is not something any reader can see through (decide.ts weighs
// them against what the page shows).

export interface PageGlobals {
  console: { mainAccountPk: string | null; currentPk: string | null; accountType: string | null } | null;
  ecs: { masterPk: string | null; currentPk: string | null; isChildAccount: boolean | null; isRoleAccount: boolean | null } | null;
}

/**
 * Reads the console configs off a window-like object (the page's own window when called with none,
 * as executeScript does). Self-contained (no imports, no module-level helpers): executeScript sends
 * its source alone to the page's main world, and a getter on page data may throw. PKs come back as
 * strings of digits; a number only when exact (16 digits can exceed 2^53).
 */
export function readPageGlobals(win: unknown = globalThis): PageGlobals {
  const field = (obj: unknown, key: string): unknown => {
    if (typeof obj !== 'object' || obj === null) return undefined;
    try {
      return (obj as Record<string, unknown>)[key];
    } catch {
      return undefined;
    }
  };
  const pk = (v: unknown): string | null => {
    if (typeof v === 'string') return /^\d{1,20}$/.test(v.trim()) ? v.trim() : null;
    if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) return String(v);
    return null;
  };
  // Console config values are strings, 'true' / 'false' included.
  const flag = (v: unknown) => (typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : null);
  const c = field(win, 'ALIYUN_CONSOLE_CONFIG');
  const e = field(win, 'ALIYUN_ECS_CONSOLE_CONFIG');
  const type = field(c, 'ACCOUNT_TYPE');
  return {
    console:
      c && typeof c === 'object'
        ? { mainAccountPk: pk(field(c, 'MAIN_ACCOUNT_PK')), currentPk: pk(field(c, 'CURRENT_PK')), accountType: typeof type === 'string' ? type.slice(0, 16) : null }
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

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPk = (v: unknown) => v === null || (typeof v === 'string' && /^\d{1,20}$/.test(v));
const isFlag = (v: unknown) => v === null || typeof v === 'boolean';

/** Exactly these keys, each passing its check (unknown keys are dropped); undefined when one fails. */
function shape<T>(v: unknown, checks: Record<string, (x: unknown) => boolean>): T | null | undefined {
  if (v === null) return null;
  if (!isObject(v)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, ok] of Object.entries(checks)) {
    if (!ok(v[k])) return undefined;
    out[k] = v[k];
  }
  return out as T;
}

/**
 * What the main world answered, checked (the page's own code ran there and may have changed any
 * built-in the reader uses): the shape readPageGlobals returns, or null. By hand rather than with a
 * schema: six fields, and the content scripts' unit tests share it.
 */
export function parsePageGlobals(v: unknown): PageGlobals | null {
  if (!isObject(v)) return null;
  const console = shape<NonNullable<PageGlobals['console']>>(v.console, {
    mainAccountPk: isPk,
    currentPk: isPk,
    accountType: (x) => x === null || (typeof x === 'string' && x.length <= 16),
  });
  const ecs = shape<NonNullable<PageGlobals['ecs']>>(v.ecs, { masterPk: isPk, currentPk: isPk, isChildAccount: isFlag, isRoleAccount: isFlag });
  return console === undefined || ecs === undefined ? null : { console, ecs };
}
