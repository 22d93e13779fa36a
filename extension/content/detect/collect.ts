// DOM → plain records. Only reads; one walk over the text nodes plus, on the Purchased Services
// list, the table rows. Everything interesting is decided later by decide.ts on these records.
// This runs on every scan of pages with 10,000+ elements, so each cheap test below is a necessary
// condition of the full one that follows it (same records, less work): see the comments there.
import type { PageKind } from '../../../shared/detections';
import type { PageGlobals } from '../../../shared/page-globals';
import {
  ACCOUNT_COOKIE,
  accountIdLabels,
  CURRENT_PK_COOKIE,
  GUANCE_NAMES,
  GUANCE_PRODUCT_CODE,
  normalise,
  once,
  STATUS_WORDS,
} from './keywords';

export interface LabelRecord {
  /** The label, normalised (see keywords.normalise). */
  label: string;
  /** Text that follows the label in document order (same node after a colon, then the next nodes). */
  after: string;
}

/**
 * One purchased-services record read as a visual unit: every line of one instance together (one
 * `tr`, several `tr`s, a Fusion `<table role="row">` with its group-header row, or a plain block
 * of `div`s), so its status is read from within the unit whichever line carries it.
 */
export interface RowRecord {
  /** Every cell of the record, line after line; a plain block is one line of its texts. */
  cells: string[];
  /** The same cells without the text of their links and buttons (the record's actions, 关闭 among them). */
  plain: string[];
  /** Where each line starts in `cells`. */
  lines: number[];
  /** Column headers of the record's table, aligned with a line's cells when the table has them. */
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

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Necessary for asLabel to accept a text: normalise() drops whitespace anywhere and trailing
 * stars, so a head that normalises to a label ends with the label's last two characters (maybe
 * spaced), then only whitespace or stars up to the first colon or the end. Built from the label
 * list, so it stays right when labels are added. ("Region · ID 1000" on a resource card fails it
 * without being normalised; /u so case-insensitive matching folds like toLowerCase does.)
 */
const LOGON_HOST = '.onaliyun.com';
/** Built on the first walk (keywords.ts says why not at load). */
const patterns = once(() => {
  const labelTail = new RegExp(
    `(?:${[...new Set(accountIdLabels().map((l) => [...l].slice(-2).map(escapeRegExp).join('\\s*')))].join('|')})[\\s*＊]*(?:[:：]|$)`,
    'iu',
  );
  /** One regex test per text node: could it be a label, or a RAM logon name? Each is re-checked on a hit. */
  const textSieve = new RegExp(`${labelTail.source}|${escapeRegExp(LOGON_HOST)}`, 'iu');
  /** A row's text names Guance (the names are lower case; /iu matches what toLowerCase().includes() would). */
  const guanceText = new RegExp([...GUANCE_NAMES, GUANCE_PRODUCT_CODE].map(escapeRegExp).join('|'), 'iu');
  return {
    labelSet: new Set(accountIdLabels()),
    labelTail,
    textSieve,
    guanceText,
    /** The same sieve where records are read: a text naming Guance passes it too (still one test per node). */
    listSieve: new RegExp(`${textSieve.source}|${guanceText.source}`, 'iu'),
    /** Any status word of the list. */
    statusText: new RegExp(STATUS_WORDS.flatMap(([, words]) => words).map(escapeRegExp).join('|'), 'iu'),
  };
});
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
  if (patterns().labelSet.has(head)) return [head, colon >= 0 ? text.slice(colon + 1).trim() : ''];
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

/** Where a text walk collects: labels and logon names always, Guance's names only where records are read. */
interface TextsOut {
  labels: LabelRecord[];
  logonNames: string[];
  /** Elements whose own text names Guance (the Purchased Services page only): where plain blocks are found. */
  anchors: Element[];
}

const MAX_ANCHORS = 60;

/** One walk over the text nodes under `root`. Exported for the parts of a page that are removed again. */
export function collectTexts(root: Node, doc: Document, wantAnchors = false): TextsOut {
  const labels: LabelRecord[] = [];
  const logonNames: string[] = [];
  const anchors: Element[] = [];
  let pending: { label: string; after: string; left: number }[] = [];
  const { listSieve, textSieve, labelTail, guanceText } = patterns();
  const sieve = wantAnchors ? listSieve : textSieve;
  const walker = doc.createTreeWalker(root, 4 /* NodeFilter.SHOW_TEXT */);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const data = (node as Text).data;
    // Most text nodes are neither a label, a logon name, nor the text after a label: decide that
    // with one regex test, without allocating or touching the DOM (this loop is most of a pass).
    const hit = data.length <= 400 && sieve.test(data);
    const maybeLabel = hit && data.length <= 80 && labelTail.test(data);
    const maybeLogon = hit && data.includes(LOGON_HOST);
    const maybeAnchor = hit && wantAnchors && anchors.length < MAX_ANCHORS && guanceText.test(data);
    if (!pending.length && !maybeLabel && !maybeLogon && !maybeAnchor) continue;
    const parent = node.parentNode;
    if (parent && SKIP.has(parent.nodeName)) continue;
    if (maybeAnchor && parent?.nodeType === 1) anchors.push(parent as Element);
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
  return { labels, logonNames, anchors };
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
/** The record's actions (关闭, 详情, 免登, 续费…): their text never decides anything but what was clicked. */
const ACTION_SELECTOR = 'a, button, [role="button"], [role="link"], [role="menuitem"]';
/** An instance ID written inline, `实例ID：61182837` / `Instance ID: 41000003` (the record's second line). */
const INLINE_ID = /(?:instance\s*id|实例\s*id)\s*[:：]?\s*\d{6,20}(?!\d)/giu;

function inlineIds(text: string): number {
  INLINE_ID.lastIndex = 0;
  let n = 0;
  while (n < 2 && INLINE_ID.exec(text)) n++;
  return n;
}

/**
 * The column headers of a row's table: the header cells inside the nearest of the table and its
 * four ancestors that has any (Fusion/Next tables keep the header and the body in two <table>s
 * of one wrapper, and a list table's records are <table>s of their own). The page's header cells
 * are looked up once per pass, not once per ancestor.
 */
function headersOf(row: Element, pageHeaders: () => Element[]): string[] {
  let scope: Element | null = row.closest('table') ?? row.parentElement;
  for (let i = 0; scope && i < 5; i++, scope = scope.parentElement) {
    const inside = pageHeaders().filter((th) => th !== scope && scope!.contains(th));
    if (inside.length) return inside.map((th) => squash(th.textContent, 80));
  }
  return [];
}

/** A cell's text, and the same without its actions' text. */
function cellTexts(cell: Element, doc: Document): [string, string] {
  const text = squash(cell.textContent);
  if (cell.matches(ACTION_SELECTOR)) return [text, ''];
  if (!cell.querySelector(ACTION_SELECTOR)) return [text, text];
  let plain = '';
  const walker = doc.createTreeWalker(cell, 4 /* NodeFilter.SHOW_TEXT */);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const inAction = node.parentElement?.closest(ACTION_SELECTOR);
    if (!inAction || !cell.contains(inAction)) plain += ` ${(node as Text).data}`;
  }
  return [text, squash(plain)];
}

/** A line's cells: a table row's `td`s (not its `th`s), or an ARIA row's cells. */
function cellsOf(line: Element): Element[] {
  if (line instanceof HTMLTableRowElement) return Array.from(line.cells).filter((c) => c.tagName === 'TD');
  return Array.from(line.querySelectorAll(':scope > [role="cell"], :scope > [role="gridcell"]'));
}

/** A table section's own rows (its children: `rows` is not on every section-like element). */
function rowsOf(section: Element): HTMLTableRowElement[] {
  return Array.from(section.children).filter((c): c is HTMLTableRowElement => c instanceof HTMLTableRowElement);
}

/** The number of cells of the widest row of a table section. */
function widestOf(section: Element, cache: Map<Element, number>): number {
  let w = cache.get(section);
  if (w === undefined) {
    w = 0;
    for (const r of rowsOf(section)) w = Math.max(w, r.cells.length);
    cache.set(section, w);
  }
  return w;
}

function isSpanning(row: HTMLTableRowElement, widest: number): boolean {
  if (row.cells.length < widest) return true;
  for (const c of row.cells) if (c.colSpan > 1) return true;
  return false;
}

/**
 * Rows → records, each a list of its lines. A `<table role="row">` is one record with all its
 * rows. In a section of `tr`s, a record starts at a full-width row and takes the spanning rows
 * after it (the screenshots' second and third lines: the instance ID, the bill link); a Fusion
 * group-header row (`next-table-group-header`, or a spanning first row) starts a record that
 * takes the full row after it, and a group footer ends it. Any other ARIA row is a record alone.
 */
function groupRows(all: ArrayLike<Element>): Element[][] {
  const units: Element[][] = [];
  const recordTables = new Set<Element>();
  const widths = new Map<Element, number>();
  interface Group {
    section: Element;
    lines: Element[];
    byHeader: boolean;
    hasFull: boolean;
  }
  let current: Group | null = null;
  for (let r = 0; r < all.length; r++) {
    const row = all[r]!;
    if (row instanceof HTMLTableElement) {
      recordTables.add(row);
      units.push(Array.from(row.rows).filter((tr) => tr.parentElement?.tagName !== 'THEAD'));
      current = null;
      continue;
    }
    if (!(row instanceof HTMLTableRowElement)) {
      units.push([row]);
      current = null;
      continue;
    }
    const table = row.closest('table');
    const section = row.parentElement;
    if (!section || section.tagName === 'THEAD' || (table && recordTables.has(table))) continue;
    const cls = row.classList;
    const spanning = isSpanning(row, widestOf(section, widths));
    const header = cls.contains('next-table-group-header');
    const prev = current as Group | null;
    const joins =
      !!prev &&
      prev.section === section &&
      !header &&
      (cls.contains('next-table-group-footer') ||
        (spanning && !(prev.byHeader && prev.hasFull)) ||
        (!spanning && prev.byHeader && !prev.hasFull));
    if (prev && joins) {
      prev.lines.push(row);
      if (!spanning) prev.hasFull = true;
    } else {
      const byHeader = header || (spanning && prev?.section !== section) || (spanning && !!prev?.byHeader);
      current = { section, lines: [row], byHeader, hasFull: !spanning };
      units.push(current.lines);
    }
  }
  return units;
}

/** A plain block (no table): from a text naming Guance up to the smallest element that also holds an instance ID. */
function blockOf(anchor: Element, body: Element): Element | null {
  let unit: Element | null = anchor;
  for (let i = 0; unit && unit !== body && i < 8; i++, unit = unit.parentElement) {
    const n = inlineIds(unit.textContent ?? '');
    if (n > 1) return null; // two records' IDs before the name's own: not a record layout we know
    if (n === 1) break;
  }
  if (!unit || unit === body || inlineIds(unit.textContent ?? '') !== 1) return null;
  // The status may sit on another line than the name and the ID: widen while still one record.
  const { statusText } = patterns();
  for (let i = 0; i < 2 && !statusText.test(unit.textContent ?? ''); i++) {
    const parent: Element | null = unit.parentElement;
    if (!parent || parent === body || inlineIds(parent.textContent ?? '') !== 1) break;
    unit = parent;
  }
  return unit;
}

/** A plain block's texts, one cell each (its actions' texts kept in cells, blank in plain). */
function blockRecord(block: Element, doc: Document): RowRecord {
  const cells: string[] = [];
  const plain: string[] = [];
  const walker = doc.createTreeWalker(block, 4 /* NodeFilter.SHOW_TEXT */);
  for (let node = walker.nextNode(); node && cells.length < 80; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || SKIP.has(parent.nodeName)) continue;
    const text = squash((node as Text).data);
    if (!text) continue;
    const action = parent.closest(ACTION_SELECTOR);
    cells.push(text);
    plain.push(action && block.contains(action) ? '' : text);
  }
  return { cells, plain, lines: [0], headers: [], hrefs: hrefsOf([block]) };
}

function hrefsOf(lines: readonly Element[]): string[] {
  const hrefs: string[] = [];
  for (const line of lines) {
    for (const a of line.querySelectorAll('a[href]')) {
      if (hrefs.length >= 5) return hrefs;
      hrefs.push((a.getAttribute('href') ?? '').slice(0, 300));
    }
  }
  return hrefs;
}

function lineRecord(lines: readonly Element[], doc: Document, headers: string[]): RowRecord | null {
  const out: RowRecord = { cells: [], plain: [], lines: [], headers, hrefs: hrefsOf(lines) };
  for (const line of lines) {
    const cells = cellsOf(line);
    if (!cells.length) continue;
    out.lines.push(out.cells.length);
    for (const c of cells) {
      const [text, plain] = cellTexts(c, doc);
      out.cells.push(text);
      out.plain.push(plain);
    }
  }
  return out.cells.length ? out : null;
}

function collectRows(doc: Document, anchors: readonly Element[]): RowRecord[] {
  const rows: RowRecord[] = [];
  const headerCache = new Map<Element, string[]>();
  let headerCells: Element[] | undefined;
  const pageHeaders = () => (headerCells ??= Array.from(allOf(doc, HEADER_SELECTORS)));
  // Records holding a link to Guance's product page: from the few links up, not a query per row.
  const linked = new Set<Element>();
  const links = doc.querySelectorAll(`a[href*="${GUANCE_PRODUCT_CODE}"]`);
  for (const a of links) {
    for (let e = a.parentElement; e && !linked.has(e); e = e.parentElement) linked.add(e);
  }
  const all = allOf(doc, ROW_SELECTORS);
  const { guanceText } = patterns();
  for (const lines of all.length ? groupRows(all) : []) {
    if (rows.length >= MAX_ROWS) break;
    // Cheap sieve: only records that could be Guance's are recorded in full (decide.ts has the final word).
    if (!lines.some((l) => linked.has(l) || guanceText.test(l.textContent ?? ''))) continue;
    const first = lines[0];
    if (!first) continue;
    const key = first.closest('table') ?? first.parentElement ?? first;
    let headers = headerCache.get(key);
    if (!headers) headerCache.set(key, (headers = headersOf(first, pageHeaders)));
    const record = lineRecord(lines, doc, headers);
    if (record) rows.push(record);
  }
  // Lists made of plain blocks: from each text naming Guance (or link to it) outside any table row.
  const body = doc.body;
  if (!body) return rows;
  const blocks = new Set<Element>();
  for (const anchor of [...anchors, ...links]) {
    if (rows.length + blocks.size >= MAX_ROWS) break;
    if (anchor.closest('tr, [role="row"]')) continue;
    const block = blockOf(anchor, body);
    if (block && ![...blocks].some((b) => b.contains(block) || block.contains(b))) blocks.add(block);
  }
  for (const block of blocks) rows.push(blockRecord(block, doc));
  return rows;
}

/**
 * The record that holds `el` (a clicked *Login Directly* link), read the same way a pass reads
 * it; null when `el` is in no record.
 */
export function recordAt(el: Element, doc: Document): RowRecord | null {
  const pageHeaders = (() => {
    let cells: Element[] | undefined;
    return () => (cells ??= Array.from(allOf(doc, HEADER_SELECTORS)));
  })();
  const recordTable = el.closest('table[role="row"]');
  const tr = el.closest('tr');
  if (recordTable || tr?.parentElement) {
    const lines = recordTable
      ? groupRows([recordTable])[0]
      : groupRows(rowsOf(tr!.parentElement!)).find((u) => u.includes(tr!));
    if (lines?.[0]) return lineRecord(lines, doc, headersOf(lines[0], pageHeaders));
  }
  const ariaRow = el.closest('[role="row"]');
  if (ariaRow) return lineRecord([ariaRow], doc, headersOf(ariaRow, pageHeaders));
  const body = doc.body;
  if (!body) return null;
  const block = blockOf(el, body);
  return block ? blockRecord(block, doc) : null;
}

export interface CollectInput {
  url: string;
  pageKind: PageKind;
  globals: PageGlobals | null;
  /** document.cookie as the content script sees it (HttpOnly cookies are simply absent). */
  cookie: string;
  /** Labels read from parts of the page that were removed since (the avatar dropdown). */
  remembered?: readonly LabelRecord[];
  /** Read the page's text (labels, logon names); false when the globals already answer. Default true. */
  texts?: boolean;
}

export function collectPage(doc: Document, input: CollectInput): PageRecords {
  const root = doc.body ?? doc.documentElement;
  const list = input.pageKind === 'purchased-services';
  const texts = root && input.texts !== false ? collectTexts(root, doc, list) : { labels: [], logonNames: [], anchors: [] };
  const labels = input.remembered?.length ? [...texts.labels, ...input.remembered].slice(0, MAX_LABELS) : texts.labels;
  return {
    url: input.url,
    pageKind: input.pageKind,
    globals: input.globals,
    labels,
    logonNames: texts.logonNames,
    cookies: { aliyunidPk: cookieValue(input.cookie, ACCOUNT_COOKIE), currentPk: cookieValue(input.cookie, CURRENT_PK_COOKIE) },
    rows: list ? collectRows(doc, texts.anchors) : [],
  };
}
