// The Firefox build (MV2) in Debian's Firefox ESR, driven through Puppeteer's WebDriver BiDi: the
// add-on installs, its options page saves an https API address (the optional permission MV2 needs),
// the content script reads the IDs off fixture pages served under the production hostnames, and
// the popup's first step starts an activation on the real API.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startApiServer, type ApiProcess } from './support/api-server';
import { startFixtureServer, type FixtureServer } from './support/fixture-server';
import { FIREFOX_EXTENSION_DIR, launchFirefoxWithExtension, openFirefoxExtensionPage, type FirefoxExtensionBrowser } from './support/firefox';
import { createInstance } from './support/marketplace';

declare const browser: any; // the WebExtension global, evaluated inside the extension's pages

const SPI_KEY = 'e2e-spi-key-firefox-0123456789';
const ACCOUNT = '1234567890123456'; // what the fixture console page shows
const INSTANCE = '41000001'; // the active Guance row of the fixture Purchased Services page
const ROUTES = [
  { host: 'home.console.aliyun.com', path: '/', file: 'console-main-en.html' },
  { host: 'marketplace.console.alibabacloud.com', path: '/', file: 'purchased-services-en.html' },
];

let api: ApiProcess;
let fx: FixtureServer;
let fb: FirefoxExtensionBrowser;

beforeAll(async () => {
  api = await startApiServer({ env: { ALIYUN_SPI_KEY: SPI_KEY } });
  await createInstance(api.url, SPI_KEY, ACCOUNT, INSTANCE);
  fx = await startFixtureServer(resolve(import.meta.dirname, 'fixtures/pages'), ROUTES);
  fb = await launchFirefoxWithExtension({ localHosts: ROUTES.map((r) => r.host), locale: 'en-US' });
});
afterAll(async () => {
  await fb?.close();
  await fx?.close();
  await api?.stop();
});

const options = () => openFirefoxExtensionPage(fb, 'options.html', 'input[name="apiBaseUrl"]');

/**
 * Polls `fn` in the page until it returns true. Not waitForFunction or locators: those build
 * their checks with Function(), which an extension page's CSP refuses in Firefox ESR 140.
 */
async function until<A extends unknown[]>(page: Page, fn: (...args: A) => boolean | Promise<boolean>, timeout: number, ...args: A): Promise<void> {
  const end = Date.now() + timeout;
  while (!(await page.evaluate(fn as never, ...(args as unknown as never[])))) {
    if (Date.now() > end) throw new Error(`still false after ${timeout} ms: ${fn.toString().slice(0, 120)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Saves an address on a fresh options page; returns the error shown next to the field ('' when saved). */
async function saveApiAddress(url: string): Promise<string> {
  const page = await options();
  await page.click('input[name="apiBaseUrl"]', { count: 3 });
  await page.keyboard.press('Backspace');
  await page.type('input[name="apiBaseUrl"]', url);
  await page.click('button[name="save"]');
  await until(
    page,
    () => (document.querySelector('#options-status')?.textContent ?? '') !== '' || (document.querySelector('#apiBaseUrl-error')?.textContent ?? '') !== '',
    10_000,
  );
  const [error, status] = await page.evaluate(() => [
    document.querySelector('#apiBaseUrl-error')?.textContent ?? '', document.querySelector('#options-status')?.textContent ?? '']);
  await page.close();
  if (!error) expect(status).toBe('Saved.');
  return error!;
}

test('the MV2 manifest asks for API origins through optional_permissions and declares its data collection', async () => {
  const page = await options();
  const manifest = await page.evaluate(() => browser.runtime.getManifest());
  expect(manifest.manifest_version).toBe(2);
  expect(manifest.optional_permissions).toContain('https://*/*');
  expect(manifest.optional_permissions).not.toContain('http://*/*');
  await page.close();
  // Firefox does not hand browser_specific_settings back to the extension: read the built file.
  const built = JSON.parse(readFileSync(join(FIREFOX_EXTENSION_DIR, 'manifest.json'), 'utf8'));
  expect(built.browser_specific_settings.gecko.data_collection_permissions.required).toContain('authenticationInfo');
});

test('options: an https API address is granted and saved; loopback needs no request', async () => {
  expect(await saveApiAddress('https://activator.example.com')).toBe('');
  const page = await options();
  const granted = await page.evaluate(() => browser.permissions.getAll());
  expect(granted.origins).toContain('https://activator.example.com/*');
  expect(await page.evaluate(() => browser.storage.local.get('apiBaseUrl'))).toEqual({ apiBaseUrl: 'https://activator.example.com' });
  await page.close();
  // A plain-http address elsewhere is refused next to the field, nothing asked.
  expect(await saveApiAddress('http://activator.example.com')).toMatch(/https/);
  // Point the extension at the test API for the popup below.
  expect(await saveApiAddress(api.url)).toBe('');
});

test('the IDs read on the console and the marketplace fill the popup, whose first step starts the activation', async () => {
  for (const r of ROUTES) {
    const page = await fb.browser.newPage();
    await page.goto(fx.url(r.host, r.path), { waitUntil: 'load' });
  }
  // The content scripts run at document_idle: wait until the background has both detections.
  const probe = await options();
  await until(probe, async () => {
    const snap = await browser.runtime.sendMessage({ type: 'detections/get' });
    return !!snap?.account && snap.instances.length > 0;
  }, 15_000);
  await probe.close();
  const popup = await openFirefoxExtensionPage(fb, 'popup.html', '.wizard[data-status="ids"]');
  await until(
    popup,
    (a: string, i: string) =>
      document.querySelector<HTMLInputElement>('input[name="accountId"]')?.value === a &&
      (document.querySelector<HTMLInputElement>('input[name="instanceId"]:checked') ??
        document.querySelector<HTMLInputElement>('input[name="instanceId"]'))?.value === i,
    15_000,
    ACCOUNT,
    INSTANCE,
  );
  await popup.click('button[name="start"]');
  // The default API links only proved activations: typed IDs go on to the prove step.
  await popup.waitForSelector('.wizard[data-status="prove"][data-pending=""]', { timeout: 15_000 });
  expect(await popup.$eval('#step-title', (e) => e.textContent)).toBeTruthy();
});
