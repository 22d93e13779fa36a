// Launches Debian's Firefox ESR through Puppeteer (WebDriver BiDi) with the MV2 build installed as
// a temporary add-on. Firefox has no --host-resolver-rules: the production hostnames the fixtures
// use are listed in network.dns.localDomains, which resolves them to loopback.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer';
import { installWithApt } from './browser';

export const FIREFOX_EXTENSION_DIR = resolve(import.meta.dirname, '../../.output/firefox-mv2');
/** The gecko id of wxt.config.ts. */
export const GECKO_ID = 'activator@guance.example';
/** Pinned so the extension's pages have a known moz-extension:// address. */
export const FIREFOX_UUID = '8c1f0a6e-2b4d-4c8e-9f3a-5d7b1e2c4a60';

const CANDIDATES = ['/usr/bin/firefox-esr', '/usr/lib/firefox-esr/firefox-esr', '/usr/bin/firefox'];

/** `FIREFOX_PATH` wins; otherwise Debian's paths. */
export function findFirefox(): string | null {
  const fromEnv = process.env.FIREFOX_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/** Finds Firefox, installing Debian's `firefox-esr` when we are root with apt. */
export function ensureFirefox(): string {
  const path = findFirefox() ?? (process.env.FIREFOX_PATH ? null : installWithApt('firefox-esr', findFirefox));
  if (path) return path;
  throw new Error(
    'No Firefox found for the browser tests. Install it with `sudo apt-get install -y firefox-esr` ' +
      '(Debian), or set FIREFOX_PATH to a Firefox binary.' +
      (process.env.FIREFOX_PATH ? ` FIREFOX_PATH=${process.env.FIREFOX_PATH} does not exist.` : ''),
  );
}

export interface FirefoxOptions {
  /** Hostnames (exact) that resolve to loopback, where the fixture server listens. */
  localHosts?: string[];
  /** The UI locale (the extension's i18n follows it). */
  locale?: string;
}

export interface FirefoxExtensionBrowser {
  browser: Browser;
  /** `moz-extension://<uuid>` */
  origin: string;
  close(): Promise<void>;
}

export async function launchFirefoxWithExtension(opts: FirefoxOptions = {}): Promise<FirefoxExtensionBrowser> {
  const executablePath = ensureFirefox();
  if (!existsSync(join(FIREFOX_EXTENSION_DIR, 'manifest.json'))) {
    throw new Error(`No Firefox build at ${FIREFOX_EXTENSION_DIR}: run \`npm run build:firefox\` first`);
  }
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath,
    headless: true,
    // Lets the BiDi session open moz-extension:// pages.
    args: ['--remote-allow-system-access'],
    // The fixture server's certificate is self-signed.
    acceptInsecureCerts: true,
    userDataDir: mkdtempSync(join(tmpdir(), 'activator-firefox-')),
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: FIREFOX_UUID }),
      // No one is there to click the doorhanger: optional permissions asked for are granted.
      'extensions.webextOptionalPermissionPrompts': false,
      'network.dns.localDomains': (opts.localHosts ?? []).join(','),
      ...(opts.locale ? { 'intl.locale.requested': opts.locale } : {}),
    },
  });
  await browser.installExtension(FIREFOX_EXTENSION_DIR);
  return { browser, origin: `moz-extension://${FIREFOX_UUID}`, close: () => browser.close() };
}

/**
 * Opens an extension page in a new tab. Firefox loads moz-extension:// pages without reporting the
 * navigation to BiDi (page.goto never settles), so we wait for the document instead.
 */
export async function openFirefoxExtensionPage(fb: FirefoxExtensionBrowser, path: string, ready: string): Promise<Page> {
  const page = await fb.browser.newPage();
  const url = `${fb.origin}/${path}`;
  void page.goto(url, { timeout: 0 }).catch(() => undefined);
  // Polled by hand: an evaluation that lands while the document is being replaced fails with a
  // protocol error (not a timeout), which waitForFunction does not retry.
  const deadline = Date.now() + 15_000;
  for (;;) {
    const there = await page
      .evaluate((u, sel) => location.href === u && document.querySelector(sel) !== null, url, ready)
      .catch(() => false);
    if (there) return page;
    if (Date.now() > deadline) throw new Error(`${url} did not show ${ready} within 15 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
