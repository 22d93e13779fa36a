// Pure: plain records → detections. No DOM, no clock (time is passed in).
import type {
  AccountDetection,
  AccountIdMethod,
  Identity,
  InstanceDetection,
  InstanceStatus,
} from '../../../shared/detections';
import type { PageRecords, RowRecord } from './collect';
import {
  GUANCE_NAMES,
  GUANCE_PRODUCT_CODE,
  INSTANCE_ID_LABELS,
  PRODUCT_LABELS,
  RAM_LOGON_NAME,
  SIXTEEN_DIGITS,
  STATUS_LABELS,
  STATUS_WORDS,
  normalise,
} from './keywords';

const isAccountId = (v: string | null | undefined): v is string => !!v && /^\d{16}$/.test(v);

/** Lower is more trusted (issue 3: globals > labels > RAM logon name > cookie). */
export const METHOD_RANK: Record<AccountIdMethod, number> = {
  'page-global': 0,
  'page-label': 1,
  'ram-logon-name': 2,
  cookie: 3,
};

interface Candidate {
  accountId: string;
  method: AccountIdMethod;
  detail: string;
  identity: Identity;
  currentId: string | null;
}

function fromGlobals(r: PageRecords): Candidate | null {
  const c = r.globals?.console;
  if (c && isAccountId(c.mainAccountPk)) {
    const current = isAccountId(c.currentPk) ? c.currentPk : null;
    const type = (c.accountType ?? '').toLowerCase();
    const differs = current !== null && current !== c.mainAccountPk;
    let identity: Identity =
      type === 'sub' ? 'ram-user' : type === 'sts' ? 'role' : type === 'main' ? 'main' : current ? 'main' : 'unknown';
    // A current identity that is not the main account is a RAM user or role, whatever the type says.
    if (differs && identity === 'main') identity = 'ram-user';
    if (differs && identity === 'unknown') identity = 'ram-user';
    return {
      accountId: c.mainAccountPk,
      method: 'page-global',
      detail: 'ALIYUN_CONSOLE_CONFIG',
      identity,
      currentId: identity === 'main' ? null : (c.currentPk ?? null),
    };
  }
  const e = r.globals?.ecs;
  if (e && isAccountId(e.masterPk)) {
    const differs = !!e.currentPk && e.currentPk !== e.masterPk;
    const child = e.isChildAccount === true || differs;
    return {
      accountId: e.masterPk,
      method: 'page-global',
      detail: 'ALIYUN_ECS_CONSOLE_CONFIG',
      identity: child ? 'ram-user' : e.isChildAccount === false ? 'main' : 'unknown',
      currentId: child ? (e.currentPk ?? null) : null,
    };
  }
  return null;
}

function logonUid(r: PageRecords): string | null {
  for (const t of r.logonNames) {
    const m = RAM_LOGON_NAME.exec(t);
    if (m?.[1]) return m[1];
  }
  return null;
}

/** What the page tells about the identity when the globals are missing. */
function identityWithoutGlobals(r: PageRecords): { identity: Identity; currentId: string | null } {
  if (logonUid(r)) return { identity: 'ram-user', currentId: null };
  const { aliyunidPk, currentPk } = r.cookies;
  if (isAccountId(aliyunidPk) && isAccountId(currentPk) && aliyunidPk !== currentPk) {
    return { identity: 'ram-user', currentId: currentPk };
  }
  return { identity: 'unknown', currentId: null };
}

function fromLabels(r: PageRecords): Candidate | null {
  for (const l of r.labels) {
    const m = SIXTEEN_DIGITS.exec(l.after);
    if (m?.[1]) return { accountId: m[1], method: 'page-label', detail: l.label, ...identityWithoutGlobals(r) };
  }
  return null;
}

function fromLogonName(r: PageRecords): Candidate | null {
  const uid = logonUid(r);
  return uid ? { accountId: uid, method: 'ram-logon-name', detail: 'onaliyun.com', identity: 'ram-user', currentId: null } : null;
}

function fromCookie(r: PageRecords): Candidate | null {
  const v = r.cookies.aliyunidPk;
  return isAccountId(v) ? { accountId: v, method: 'cookie', detail: 'login_aliyunid_pk', ...identityWithoutGlobals(r) } : null;
}

export function decideAccount(r: PageRecords, now: number): AccountDetection | null {
  const c = fromGlobals(r) ?? fromLabels(r) ?? fromLogonName(r) ?? fromCookie(r);
  if (!c) return null;
  return {
    accountId: c.accountId,
    identity: c.identity,
    currentId: c.currentId,
    method: c.method,
    source: { url: r.url.slice(0, 2048), pageKind: r.pageKind, method: `${c.method}:${c.detail}`.slice(0, 64) },
    at: now,
  };
}

// ---- instances ----------------------------------------------------------------------------

const INSTANCE_LABEL_SET = new Set(INSTANCE_ID_LABELS);
const INLINE_INSTANCE = /(?:instance\s*id|实例\s*id)\s*[:：]?\s*(\d{6,20})(?!\d)/i;
const DIGITS = /(?<!\d)(\d{6,20})(?!\d)/;

function headerIndex(headers: readonly string[], match: (h: string) => boolean): number {
  return headers.findIndex(match);
}

export function isGuanceRow(row: RowRecord): boolean {
  const text = row.cells.join(' ').toLowerCase();
  return (
    GUANCE_NAMES.some((n) => text.includes(n)) ||
    text.includes(GUANCE_PRODUCT_CODE) ||
    row.hrefs.some((h) => h.includes(GUANCE_PRODUCT_CODE))
  );
}

export function statusOf(text: string): InstanceStatus {
  const t = text.toLowerCase();
  for (const [status, words] of STATUS_WORDS) if (words.some((w) => t.includes(w))) return status;
  return 'unknown';
}

/** Rows of one table share their headers array: normalise it once per table, not three times per row. */
function normalisedHeaders(cache: Map<readonly string[], string[]>, headers: readonly string[]): string[] {
  let n = cache.get(headers);
  if (!n) cache.set(headers, (n = headers.map(normalise)));
  return n;
}

function instanceOf(
  row: RowRecord,
  headers: readonly string[],
): { id: string; product: string; status: InstanceStatus; statusText: string } | null {
  const { cells } = row;
  const aligned = headers.length === cells.length;
  let id: string | null = null;
  if (aligned) {
    const i = headerIndex(headers, (h) => INSTANCE_LABEL_SET.has(h) || h.startsWith('instanceid') || h.startsWith('实例id'));
    if (i >= 0) id = DIGITS.exec(cells[i] ?? '')?.[1] ?? null;
  }
  id ??= cells.map((c) => INLINE_INSTANCE.exec(c)?.[1]).find(Boolean) ?? null;
  id ??= cells.map((c) => /^\d{6,20}$/.exec(c)?.[0]).find(Boolean) ?? null;
  if (!id) return null;

  let statusText = '';
  if (aligned) {
    const i = headerIndex(headers, (h) => STATUS_LABELS.includes(h));
    if (i >= 0) statusText = cells[i] ?? '';
  }
  if (!statusText) statusText = cells.find((c) => c.length <= 30 && statusOf(c) !== 'unknown') ?? '';

  let product = '';
  if (aligned) {
    const i = headerIndex(headers, (h) => PRODUCT_LABELS.includes(h));
    if (i >= 0) product = cells[i] ?? '';
  }
  if (!product) product = cells.find((c) => GUANCE_NAMES.some((n) => c.toLowerCase().includes(n))) ?? 'Guance';
  return { id, product: product.slice(0, 200), status: statusOf(statusText), statusText: statusText.slice(0, 100) };
}

export function decideInstances(r: PageRecords, now: number): InstanceDetection[] {
  const seen = new Map<string, InstanceDetection>();
  const headerCache = new Map<readonly string[], string[]>();
  for (const row of r.rows) {
    if (!isGuanceRow(row)) continue;
    const inst = instanceOf(row, normalisedHeaders(headerCache, row.headers));
    if (!inst || seen.has(inst.id)) continue;
    seen.set(inst.id, {
      instanceId: inst.id,
      productName: inst.product,
      status: inst.status,
      statusText: inst.statusText,
      source: { url: r.url.slice(0, 2048), pageKind: r.pageKind, method: 'purchased-services-row' },
      at: now,
    });
  }
  return [...seen.values()];
}
