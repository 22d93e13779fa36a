// DOM → plain records. Only reads; one walk over the text nodes plus, on the Purchased Services
// list, the table rows. Everything interesting is decided later by decide.ts on these records.
// This runs on every scan of pages with 10,000+ elements, so each cheap test below is a necessary
// condition of the full one that follows it (same records, less work): see the comments there.
import type { PageKind } from '../../../shared/detections';
import type { PageGlobals } from './globals';
import { ACCOUNT_COOKIE, ACCOUNT_ID_LABELS, CURRENT_PK_COOKIE, GUANCE_NAMES, GUANCE_PRODUCT_CODE, normalise } from './keywords';

export interface LabelRecord {
  /** The label, normalised (see keywords.normalise). */
  label: string;
  /** Text that follows the label in document order (same node after a colon, then the next nodes). */
  after: string;
}

export interface RowRecord {
  cells: string[];
  /** Column headers of the row's table, aligned with cells when the table has them. */
  headers: string[];
  hrefs: string[];
}

export interface PageRecords {
  url: string;
  pageKind: PageKind;
  globals: PageGlobals | null;
  labels: LabelRecord[];
  /** Texts that contain `@<digits>.onaliyun.com`. */
  logonNames: string[];
  cookies: { aliyunidPk: string | null; currentPk: string | null };
  rows: RowRecord[];
}

const LABEL_SET = new Set(ACCOUNT_ID_LABELS);

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Necessary for asLabel to accept a text: normalise() drops whitespace anywhere and trailing
 * stars, so a head that normalises to a label ends with the label's last two characters (maybe
 * spaced), then only whitespace or stars up to the first colon or the end. Built from the label
 * list, so it stays right when labels are added. ("Region · ID 1000" on a resource card fails it
 * without being normalised; /u so case-insensitive matching folds like toLowerCase does.)
 */
const LABEL_TAIL = new RegExp(
  `(?:${[...new Set(ACCOUNT_ID_LABELS.map((l) => [...l].slice(-2).map(escapeRegExp).join('\\s*')))].join('|')})[\\s*＊]*(?:[:：]|$)`,
  'iu',
);
const LOGON_HOST = '.onaliyun.com';
/** One regex test per text node: could it be a label, or a RAM logon name? Each is re-checked on a hit. */
const TEXT_SIEVE = new RegExp(`${LABEL_TAIL.source}|${escapeRegExp(LOGON_HOST)}`, 'iu');
/** A row's text names Guance (the names are lower case; /iu matches what toLowerCase().includes() would). */
const GUANCE_TEXT = new RegExp([...GUANCE_NAMES, GUANCE_PRODUCT_CODE].map(escapeRegExp).join('|'), 'iu');
const MAX_LABELS = 20;
const MAX_ROWS = 500;
const FOLLOW_NODES = 3;
const FOLLOW_CHARS = 200;
const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'TEXTAREA']);

export function squash(text: string | null | undefined, max = 300): string {
  return (text ?? '').replace(/\s+/g, ' ').trim().slice(0, max);
}

/** A label with its text, e.g. "Account ID: 123…" → ["accountid", "123…"]; null when not a label. */
function asLabel(text: string): [string, string] | null {
  const colon = text.search(/[:：]/);
  const head = normalise(colon >= 0 ? text.slice(0, colon) : text);
  if (LABEL_SET.has(head)) return [head, colon >= 0 ? text.slice(colon + 1).trim() : ''];
  return null;
}

function cookieValue(cookie: string, name: string): string | null {
  for (const part of cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return part.slice(eq + 1).trim();
      }
    }
  }
  return null;
}

function collectTexts(root: Node, doc: Document): Pick<PageRecords, 'labels' | 'logonNames'> {
  const labels: LabelRecord[] = [];
  const logonNames: string[] = [];
  let pending: { label: string; after: string; left: number }[] = [];
  const walker = doc.createTreeWalker(root, 4 /* NodeFilter.SHOW_TEXT */);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const data = (node as Text).data;
    // Most text nodes are neither a label, a logon name, nor the text after a label: decide that
    // with one regex test, without allocating or touching the DOM (this loop is most of a pass).
    const hit = data.length <= 400 && TEXT_SIEVE.test(data);
    const maybeLabel = hit && data.length <= 80 && LABEL_TAIL.test(data);
    const maybeLogon = hit && data.includes(LOGON_HOST);
    if (!pending.length && !maybeLabel && !maybeLogon) continue;
    const parent = node.parentNode;
    if (parent && SKIP.has(parent.nodeName)) continue;
    const text = data.trim();
    if (!text) continue;
    if (pending.length) {
      for (const p of pending) {
        p.after = p.after ? `${p.after} ${text}` : text;
        p.left--;
      }
      pending = pending.filter((p) => {
        if (p.left > 0 && p.after.length < FOLLOW_CHARS) return true;
        labels.push({ label: p.label, after: p.after.slice(0, FOLLOW_CHARS) });
        return false;
      });
    }
    if (maybeLabel && text.length <= 60 && labels.length + pending.length < MAX_LABELS) {
      const l = asLabel(text);
      if (l) pending.push({ label: l[0], after: l[1], left: FOLLOW_NODES });
    }
    if (maybeLogon && logonNames.length < 5) logonNames.push(text.slice(0, 300));
  }
  for (const p of pending) labels.push({ label: p.label, after: p.after.slice(0, FOLLOW_CHARS) });
  return { labels, logonNames };
}

/** Elements of two document-order lists, in document order, each once. */
function inDocumentOrder(a: NodeListOf<Element>, b: NodeListOf<Element>): ArrayLike<Element> {
  if (!b.length) return a;
  if (!a.length) return b;
  const out: Element[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      out.push(x);
      i++;
      j++;
    } else if (x.compareDocumentPosition(y) & 4 /* Node.DOCUMENT_POSITION_FOLLOWING */) {
      out.push(x);
      i++;
    } else {
      out.push(y);
      j++;
    }
  }
  for (; i < a.length; i++) out.push(a[i]!);
  for (; j < b.length; j++) out.push(b[j]!);
  return out;
}

// `querySelectorAll('tbody tr, [role="row"]')` is several times slower in Chromium than the two
// selectors queried one by one (a selector list loses the engine's fast paths), hence the pairs.
const allOf = (doc: Document, [a, b]: readonly [string, string]) =>
  inDocumentOrder(doc.querySelectorAll(a), doc.querySelectorAll(b));
const ROW_SELECTORS = ['tbody tr', '[role="row"]'] as const;
const HEADER_SELECTORS = ['thead th', '[role="columnheader"]'] as const;

/**
 * The column headers of a row's table: the header cells inside the nearest of the table and its
 * three ancestors that has any (Fusion/Next tables keep the header and the body in two <table>s
 * of one wrapper). The page's header cells are looked up once per pass, not once per ancestor.
 */
function headersOf(row: Element, pageHeaders: () => Element[]): string[] {
  let scope: Element | null = row.closest('table');
  for (let i = 0; scope && i < 4; i++, scope = scope.parentElement) {
    const inside = pageHeaders().filter((th) => th !== scope && scope!.contains(th));
    if (inside.length) return inside.map((th) => squash(th.textContent, 80));
  }
  return [];
}

function collectRows(doc: Document): RowRecord[] {
  const rows: RowRecord[] = [];
  const headerCache = new Map<Element, string[]>();
  let headerCells: Element[] | undefined;
  const pageHeaders = () => (headerCells ??= Array.from(allOf(doc, HEADER_SELECTORS)));
  const all = allOf(doc, ROW_SELECTORS);
  if (!all.length) return rows;
  // Rows holding a link to Guance's product page: from the few links up, not a query per row.
  const linked = new Set<Element>();
  for (const a of doc.querySelectorAll(`a[href*="${GUANCE_PRODUCT_CODE}"]`)) {
    for (let e = a.parentElement; e && !linked.has(e); e = e.parentElement) linked.add(e);
  }
  for (let r = 0; r < all.length; r++) {
    const row = all[r]!;
    if (rows.length >= MAX_ROWS) break;
    // Cheap sieve: only rows that could be Guance's are recorded in full (decide.ts has the final word).
    if (!linked.has(row) && !GUANCE_TEXT.test(row.textContent ?? '')) continue;
    const cells =
      row instanceof HTMLTableRowElement
        ? Array.from(row.cells).filter((c) => c.tagName === 'TD')
        : Array.from(row.querySelectorAll(':scope > [role="cell"], :scope > [role="gridcell"]'));
    if (cells.length === 0) continue;
    const key = row.closest('table') ?? row.parentElement ?? row;
    let headers = headerCache.get(key);
    if (!headers) headerCache.set(key, (headers = headersOf(row, pageHeaders)));
    const hrefs: string[] = [];
    for (const a of row.querySelectorAll('a[href]')) {
      if (hrefs.length >= 5) break;
      hrefs.push((a.getAttribute('href') ?? '').slice(0, 300));
    }
    rows.push({ cells: Array.from(cells, (c) => squash(c.textContent)), headers, hrefs });
  }
  return rows;
}

export interface CollectInput {
  url: string;
  pageKind: PageKind;
  globals: PageGlobals | null;
  /** document.cookie as the content script sees it (HttpOnly cookies are simply absent). */
  cookie: string;
}

export function collectPage(doc: Document, input: CollectInput): PageRecords {
  const root = doc.body ?? doc.documentElement;
  const texts = root ? collectTexts(root, doc) : { labels: [], logonNames: [] };
  return {
    url: input.url,
    pageKind: input.pageKind,
    globals: input.globals,
    ...texts,
    cookies: { aliyunidPk: cookieValue(input.cookie, ACCOUNT_COOKIE), currentPk: cookieValue(input.cookie, CURRENT_PK_COOKIE) },
    rows: input.pageKind === 'purchased-services' ? collectRows(doc) : [],
  };
}
