// The web wizard: a static bundle (index.html and assets/) built by the project's own build and
// served by this API under /activate/, so a buyer with only a browser can finish. The API gives
// each page its data by adding JSON blocks to the index's <head> (the landing markers the
// extension also reads, or a free-login outcome); the bundle's script reads them. No inline
// script runs: the policy allows scripts and styles from this origin only.
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

/**
 * The URL path the bundle is served under (build it with this base); its files are under
 * `${WEB_BASE}assets/`. Where it is read from is WEB_WIZARD_DIR (default `dist/web`).
 */
export const WEB_BASE = '/activate/';

export const WEB_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  // Same origin only: the wizard talks to this API and nothing else.
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

export interface WebBundle {
  dir: string;
  /** index.html as built; pages are it with data blocks added to <head>. */
  index: string;
}

/** The bundle in `dir`, or undefined when none is built there (the API then serves its own pages). */
export function loadWebBundle(dir: string): WebBundle | undefined {
  const root = resolve(dir);
  const file = join(root, 'index.html');
  if (!existsSync(file)) return undefined;
  const index = readFileSync(file, 'utf8');
  if (!/<\/head>/i.test(index)) throw new Error(`${file} has no </head> to add page data to`);
  return { dir: root, index };
}

/** The index with `head` (already escaped markup) added at the end of its <head>. */
export function webPage(b: WebBundle, head: string): string {
  const at = b.index.search(/<\/head>/i);
  return `${b.index.slice(0, at)}${head}\n${b.index.slice(at)}`;
}

/**
 * A file of the bundle's `assets/` folder: plain names only (no `..`, no hidden files, no
 * folders outside it), and only types a page loads; undefined for anything else.
 */
export async function webAsset(b: WebBundle, rel: string): Promise<{ body: Buffer; type: string } | undefined> {
  const segments = rel.split('/');
  if (segments.length === 0 || segments.some((s) => !/^[\w][\w.-]*$/.test(s) || s.includes('..'))) return undefined;
  const type = TYPES[extname(rel).toLowerCase()];
  if (!type) return undefined;
  const assets = join(b.dir, 'assets');
  const file = resolve(assets, ...segments);
  if (!file.startsWith(assets + sep)) return undefined;
  try {
    return { body: await readFile(file), type };
  } catch {
    return undefined;
  }
}
