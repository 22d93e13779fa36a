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
  instanceIdLabels,
  once,
  productLabels,
  RAM_LOGON_NAME,
  SIXTEEN_DIGITS,
  statusLabels,
  STATUS_WORDS,
  normaliseHeader,
  RAM_LOGON_ANY,
} from './keywords';

const isAccountId = (v: string | null | undefined): v is string => !!v && /^\d{16}$/.test(v);

interface Candidate {
  accountId: string;
  method: AccountIdMethod;
  detail: string;
  identity: Identity;
  currentId: string | null;
}

/** Whether the page globals name the main account (then nothing else on the page is consulted). */
export function accountFromGlobals(g: PageRecords['globals']): boolean {
  return isAccountId(g?.console?.mainAccountPk) || isAccountId(g?.ecs?.masterPk);
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
    // A role session is neither the main account nor a RAM user, whatever else the config says.
    const role = e.isRoleAccount === true;
    const child = !role && (e.isChildAccount === true || differs);
    return {
      accountId: e.masterPk,
      method: 'page-global',
      detail: 'ALIYUN_ECS_CONSOLE_CONFIG',
      identity: role ? 'role' : child ? 'ram-user' : e.isChildAccount === false ? 'main' : 'unknown',
      currentId: role || child ? (e.currentPk ?? null) : null,
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

/** A RAM logon name on the page, with the main account's UID when its domain is the UID (not an alias). */
function ramLogon(r: PageRecords): { uid: string | null } | null {
  for (const t of r.logonNames) {
    const m = RAM_LOGON_ANY.exec(t);
    if (m?.[1]) return { uid: isAccountId(m[1]) ? m[1] : null };
  }
  return null;
}

/** What the page tells about the identity when the globals are missing. */
function identityWithoutGlobals(r: PageRecords): { identity: Identity; currentId: string | null } {
  if (ramLogon(r)) return { identity: 'ram-user', currentId: null };
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
  // The cookie is missing for RAM users and stale after a main → RAM re-login: next to a RAM
  // logon name it counts only when it names the same account (an alias cannot be checked).
  const ram = ramLogon(r);
  if (ram && ram.uid !== v) return null;
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

const instanceLabelSet = once(() => new Set(instanceIdLabels()));
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
  if (!n) cache.set(headers, (n = headers.map(normaliseHeader)));
  return n;
}

/** The cells of each line of a record whose cells sit under the table's headers, as [line start, line end). */
function alignedLines(row: RowRecord, headers: readonly string[]): [number, number][] {
  const out: [number, number][] = [];
  const starts = row.lines.length ? row.lines : [0];
  for (let l = 0; l < starts.length; l++) {
    const from = starts[l]!;
    const to = starts[l + 1] ?? row.cells.length;
    if (headers.length > 0 && to - from === headers.length) out.push([from, to]);
  }
  return out;
}

function columnCell(row: RowRecord, lines: [number, number][], column: number, texts: readonly string[]): string {
  if (column < 0) return '';
  for (const [from] of lines) {
    const v = texts[from + column];
    if (v) return v;
  }
  return '';
}

/**
 * One record (all its lines) → its instance. The ID: under the ID column, else written inline
 * (`实例ID：…`, on any line), else a cell that is only digits. The status: under the status column
 * of a line that has the columns, else the first short text of the record naming a status; both
 * from the record's text without its actions, so 关闭 (the close action of an open instance) never
 * reads as closed.
 */
function instanceOf(
  row: RowRecord,
  headers: readonly string[],
): { id: string; product: string; status: InstanceStatus; statusText: string } | null {
  const { cells } = row;
  const plain = row.plain.length === cells.length ? row.plain : cells;
  const aligned = alignedLines(row, headers);
  let id: string | null = null;
  const idColumn = headerIndex(headers, (h) => instanceLabelSet().has(h) || h.startsWith('instanceid') || h.startsWith('实例id'));
  if (aligned.length && idColumn >= 0) id = DIGITS.exec(columnCell(row, aligned, idColumn, cells))?.[1] ?? null;
  id ??= cells.map((c) => INLINE_INSTANCE.exec(c)?.[1]).find(Boolean) ?? null;
  id ??= INLINE_INSTANCE.exec(cells.join(' '))?.[1] ?? null;
  id ??= cells.map((c) => /^\d{6,20}$/.exec(c)?.[0]).find(Boolean) ?? null;
  if (!id) return null;

  let statusText = '';
  if (aligned.length) statusText = columnCell(row, aligned, headerIndex(headers, (h) => statusLabels().includes(h)), plain);
  if (statusOf(statusText) === 'unknown') {
    statusText = plain.find((c) => c.length <= 30 && statusOf(c) !== 'unknown') ?? statusText;
  }

  let product = '';
  if (aligned.length) product = columnCell(row, aligned, headerIndex(headers, (h) => productLabels().includes(h)), cells);
  if (!product) product = cells.find((c) => GUANCE_NAMES.some((n) => c.toLowerCase().includes(n))) ?? 'Guance';
  return { id, product: product.slice(0, 200), status: statusOf(statusText), statusText: statusText.slice(0, 100) };
}

/** One record → its detection, headers normalised by the caller; null when not Guance's or no ID. */
function detectionOf(
  row: RowRecord,
  headers: readonly string[],
  r: Pick<PageRecords, 'url' | 'pageKind'>,
  now: number,
): InstanceDetection | null {
  if (!isGuanceRow(row)) return null;
  const inst = instanceOf(row, headers);
  if (!inst) return null;
  return {
    instanceId: inst.id,
    productName: inst.product,
    status: inst.status,
    statusText: inst.statusText,
    source: { url: r.url.slice(0, 2048), pageKind: r.pageKind, method: 'purchased-services-row' },
    at: now,
  };
}

/** The instance a record holds, when it is Guance's (the Login Directly click reads one record). */
export function decideRecord(row: RowRecord, r: Pick<PageRecords, 'url' | 'pageKind'>, now: number): InstanceDetection | null {
  return detectionOf(row, row.headers.map(normaliseHeader), r, now);
}

export function decideInstances(r: PageRecords, now: number): InstanceDetection[] {
  const seen = new Map<string, InstanceDetection>();
  const headerCache = new Map<readonly string[], string[]>();
  for (const row of r.rows) {
    const d = detectionOf(row, normalisedHeaders(headerCache, row.headers), r, now);
    if (d && !seen.has(d.instanceId)) seen.set(d.instanceId, d);
  }
  return [...seen.values()];
}
