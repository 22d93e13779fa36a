// The page globals Alibaba Cloud consoles define (`ALIYUN_CONSOLE_CONFIG`, the ECS console's
// `ALIYUN_ECS_CONSOLE_CONFIG`), reduced to the few fields we use.
// Read in the page's main world and handed to the content script: page data, so it is
// re-validated (shape and size) where it arrives. Checked by hand rather than with a schema
// library: this runs on every console page load, and zod/mini's module alone cost about 3 ms of
// the page's main thread there (bench/page-cost.bench.ts), for six fields.
import { GLOBALS_MESSAGE } from './read-globals';

export { GLOBALS_MESSAGE, readPageGlobals } from './read-globals';

export interface PageGlobals {
  console: { mainAccountPk: string | null; currentPk: string | null; accountType: string | null } | null;
  ecs: { masterPk: string | null; currentPk: string | null; isChildAccount: boolean | null; isRoleAccount: boolean | null } | null;
}

export interface GlobalsMessage {
  type: typeof GLOBALS_MESSAGE;
  globals: PageGlobals;
}

type Result<T> = { success: true; data: T } | { success: false };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const pk = (v: unknown) => v === null || (typeof v === 'string' && /^\d{1,20}$/.test(v));
const flag = (v: unknown) => v === null || typeof v === 'boolean';
/** Exactly these keys, each passing its check (unknown keys are dropped, as a schema would). */
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

function parseGlobals(v: unknown): PageGlobals | undefined {
  if (!isObject(v)) return undefined;
  const console = shape<NonNullable<PageGlobals['console']>>(v.console, {
    mainAccountPk: pk,
    currentPk: pk,
    accountType: (x) => x === null || (typeof x === 'string' && x.length <= 16),
  });
  const ecs = shape<NonNullable<PageGlobals['ecs']>>(v.ecs, { masterPk: pk, currentPk: pk, isChildAccount: flag, isRoleAccount: flag });
  return console === undefined || ecs === undefined ? undefined : { console, ecs };
}

/** The message the main-world script sends, validated: `safeParse` never throws, `parse` does. */
export const GlobalsMessage = {
  safeParse(v: unknown): Result<GlobalsMessage> {
    const globals = isObject(v) && v.type === GLOBALS_MESSAGE ? parseGlobals(v.globals) : undefined;
    return globals ? { success: true, data: { type: GLOBALS_MESSAGE, globals } } : { success: false };
  },
  parse(v: unknown): GlobalsMessage {
    const r = GlobalsMessage.safeParse(v);
    if (!r.success) throw new TypeError('not a page-globals message');
    return r.data;
  },
};
