// DOM → plain records. Only reads; one walk over the text nodes plus, on the Purchased Services
// list, the table rows. Everything interesting is decided later by decide.ts on these records.
import type { PageKind } from '../../shared/detections';
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
const HINT = /id|账号|账户/i;
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
    // without allocating or touching the DOM (this loop is most of a pass's cost).
    const maybeLabel = data.length <= 80 && HINT.test(data);
    const maybeLogon = data.length <= 400 && data.includes('.onaliyun.com');
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

function headersOf(row: Element): string[] {
  // Fusion/Next tables keep the header and the body in two <table>s of one wrapper: look up a little.
  let scope: Element | null = row.closest('table');
  for (let i = 0; scope && i < 4; i++, scope = scope.parentElement) {
    const ths = scope.querySelectorAll('thead th, [role="columnheader"]');
    if (ths.length) return Array.from(ths, (th) => squash(th.textContent, 80));
  }
  return [];
}

function collectRows(doc: Document): RowRecord[] {
  const rows: RowRecord[] = [];
  const headerCache = new Map<Element, string[]>();
  const codeLink = `a[href*="${GUANCE_PRODUCT_CODE}"]`;
  for (const row of doc.querySelectorAll('tbody tr, [role="row"]')) {
    if (rows.length >= MAX_ROWS) break;
    // Cheap sieve: only rows that could be Guance's are recorded in full (decide.ts has the final word).
    const text = (row.textContent ?? '').toLowerCase();
    if (!GUANCE_NAMES.some((n) => text.includes(n)) && !text.includes(GUANCE_PRODUCT_CODE) && !row.querySelector(codeLink)) continue;
    const cells =
      row instanceof HTMLTableRowElement
        ? Array.from(row.cells).filter((c) => c.tagName === 'TD')
        : Array.from(row.querySelectorAll(':scope > [role="cell"], :scope > [role="gridcell"]'));
    if (cells.length === 0) continue;
    const key = row.closest('table') ?? row.parentElement ?? row;
    let headers = headerCache.get(key);
    if (!headers) headerCache.set(key, (headers = headersOf(row)));
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
