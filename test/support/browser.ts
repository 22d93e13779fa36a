// Launches Debian's Chromium (Puppeteer's own download cannot run here) with the built extension.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page, type WebWorker } from 'puppeteer';

export const EXTENSION_DIR = resolve(import.meta.dirname, '../../.output/chrome-mv3');

const CANDIDATES = ['/usr/lib/chromium/chromium', '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** `CHROMIUM_PATH` wins; otherwise the usual Debian paths. */
export function findChromium(): string | null {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/**
 * Installs a Debian package when we are root with apt (CI runs so) and returns what `find` then
 * finds; null when that is not possible here.
 */
export function installWithApt(pkg: string, find: () => string | null): string | null {
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) return null;
  console.log(`[e2e] installing Debian package "${pkg}" with apt-get`);
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', pkg], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return find();
}

/**
 * Finds Chromium, installing Debian's package when we are root with apt; otherwise fails with
 * the exact instruction.
 */
export function ensureChromium(): string {
  const path = findChromium() ?? (process.env.CHROMIUM_PATH ? null : installWithApt('chromium', findChromium));
  if (path) return path;
  throw new Error(
    'No Chromium found for the browser tests. Install it with `sudo apt-get install -y chromium` ' +
      '(Debian/Ubuntu), or set CHROMIUM_PATH to a Chromium or Chrome binary.' +
      (process.env.CHROMIUM_PATH ? ` CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist.` : ''),
  );
}

export const ROOT_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

/** Production hostnames the fixtures are served under, all mapped to loopback. */
export const MAPPED_HOSTS = ['*.aliyun.com', 'aliyun.com', '*.alibabacloud.com', 'boss.guance.com', 'bill.guance.one'];

export interface LaunchOptions {
  /** Port of the loopback HTTPS fixture server; hosts in MAPPED_HOSTS resolve to it. */
  fixturePort?: number;
  extraArgs?: string[];
  /** Chromium's UI language (affects the extension's i18n). */
  lang?: string;
  /** A profile to reuse (a browser restart); a fresh one otherwise. */
  userDataDir?: string;
}

export interface ExtensionBrowser {
  browser: Browser;
  extensionId: string;
  worker: WebWorker;
  close(): Promise<void>;
}

export async function launchWithExtension(opts: LaunchOptions = {}): Promise<ExtensionBrowser> {
  const executablePath = ensureChromium();
  if (!existsSync(join(EXTENSION_DIR, 'manifest.json'))) {
    throw new Error(`No built extension at ${EXTENSION_DIR}: run \`npm run build\` first`);
  }
  const args = [
    ...ROOT_FLAGS,
    `--disable-extensions-except=${EXTENSION_DIR}`,
    `--load-extension=${EXTENSION_DIR}`,
    ...(opts.lang ? [`--lang=${opts.lang}`] : []),
    ...(opts.extraArgs ?? []),
  ];
  if (opts.fixturePort) {
    // Chromium resolves the production hosts to loopback; the port goes into each URL (see fixtureUrl).
    args.push(
      `--host-resolver-rules=${MAPPED_HOSTS.map((h) => `MAP ${h} 127.0.0.1`).join(', ')}`,
      '--ignore-certificate-errors',
    );
  }
  const browser = await puppeteer.launch({
    executablePath,
    headless: true,
    pipe: true,
    enableExtensions: true,
    args,
    userDataDir: opts.userDataDir ?? mkdtempSync(join(tmpdir(), 'activator-profile-')),
    env: { ...process.env, ...(opts.lang ? { LANGUAGE: opts.lang, LANG: `${opts.lang.replace('-', '_')}.UTF-8` } : {}) },
  });
  const target = await browser.waitForTarget(
    (t) => t.type() === 'service_worker' && t.url().startsWith('chrome-extension://'),
    { timeout: 30_000 },
  );
  const extensionId = new URL(target.url()).host;
  const worker = (await target.worker())!;
  return { browser, extensionId, worker, close: () => browser.close() };
}

/** Opens an extension page (popup.html, options.html) as a normal tab. */
export async function openExtensionPage(eb: ExtensionBrowser, path: string): Promise<Page> {
  const page = await eb.browser.newPage();
  await page.goto(`chrome-extension://${eb.extensionId}/${path}`);
  return page;
}

/** What the background keeps for the activation being worked on (its IndexedDB store). */
export interface HeldActivation {
  id: string;
  token: string;
  apiBaseUrl: string;
  activation: { id: string; state: string; verified?: boolean; accountId: string; instanceId: string; site: string; proof?: string | null; next?: string };
}

/**
 * One value of the extension origin's IndexedDB (an idb-keyval store: one object store per
 * database), read or deleted inside the service worker. Creates the store as the extension would
 * when the database does not exist yet, so touching it first never leaves it without one.
 */
function idb(eb: ExtensionBrowser, op: 'get' | 'delete', dbName: string, storeName: string, key: string): Promise<unknown> {
  return eb.worker.evaluate(
    (op, dbName, storeName, key) =>
      new Promise<unknown>((resolve, reject) => {
        const open = indexedDB.open(dbName);
        open.onupgradeneeded = () => open.result.createObjectStore(storeName);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const os = db.transaction(storeName, op === 'get' ? 'readonly' : 'readwrite').objectStore(storeName);
          const req = op === 'get' ? os.get(key) : os.delete(key);
          req.onsuccess = () => {
            db.close();
            resolve(req.result ?? null);
          };
          req.onerror = () => reject(req.error);
        };
      }),
    op, dbName, storeName, key,
  );
}

/** The activation the background holds (its store, where content scripts cannot reach). */
export const heldActivation = (eb: ExtensionBrowser) => idb(eb, 'get', 'guance-activator', 'activation', 'current') as Promise<HeldActivation | null>;

/** The popup's stored draft (its store, where content scripts cannot reach). */
export const storedDraft = (eb: ExtensionBrowser) => idb(eb, 'get', 'guance-activator-draft', 'draft', 'current') as Promise<Record<string, unknown> | null>;

/** Forgets the popup's draft, so the next opening starts from step 1. */
export const clearStoredDraft = async (eb: ExtensionBrowser): Promise<void> => void (await idb(eb, 'delete', 'guance-activator-draft', 'draft', 'current'));

/** Points the extension at an API through its options page, as a user would. */
export async function setApiAddress(eb: ExtensionBrowser, url: string): Promise<void> {
  const options = await openExtensionPage(eb, 'options.html');
  await options.locator('input[name="apiBaseUrl"]').fill(url);
  await options.click('button[name="save"]');
  await options.waitForFunction(() => (document.querySelector('#options-status')?.textContent ?? '') !== '');
  await options.close();
}

/** Chromium without any extension: a buyer with only a browser (the web wizard's suites). */
export async function launchPlain(opts: { lang?: string } = {}): Promise<Browser> {
  return puppeteer.launch({
    executablePath: ensureChromium(),
    headless: true,
    pipe: true,
    args: [...ROOT_FLAGS, ...(opts.lang ? [`--lang=${opts.lang}`] : [])],
    userDataDir: mkdtempSync(join(tmpdir(), 'activator-plain-')),
    env: { ...process.env, ...(opts.lang ? { LANGUAGE: opts.lang, LANG: `${opts.lang.replace('-', '_')}.UTF-8` } : {}) },
  });
}
