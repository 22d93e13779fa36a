// The built extension (production manifest) in headless Chromium, on fixture pages served under
// the real Alibaba Cloud and Guance hostnames: badge, popup fields, cross-tab memory, RAM user,
// the fill offer on a Billing Center form, and the context-menu fill function.
import { resolve } from 'node:path';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { fillFocusedField } from '../extension/background/features/fill-focused-field';
import { clearStoredDraft, launchWithExtension, openExtensionPage, type ExtensionBrowser } from './support/browser';
import { startFixtureServer, type FixtureServer } from './support/fixture-server';

declare const chrome: any; // evaluated in the extension's worker / pages, not here

const ROUTES = [
  { host: 'home.console.aliyun.com', path: '/', file: 'console-main-en.html' },
  { host: 'ram.console.aliyun.com', path: '/', file: 'console-ram-user.html' },
  { host: 'account.console.aliyun.com', path: '/v2/', file: 'account-center-zh.html' },
  { host: 'market.console.aliyun.com', path: '/imageconsole/index.htm', file: 'purchased-services-late.html' },
  { host: 'marketplace.console.alibabacloud.com', path: '/', file: 'purchased-services-en.html' },
  { host: 'boss.guance.com', path: '/register', file: 'billing-register.html' },
  { host: 'bill.guance.one', path: '/change-settlement', file: 'billing-change-settlement.html' },
];

let eb: ExtensionBrowser;
let fx: FixtureServer;

beforeAll(async () => {
  fx = await startFixtureServer(resolve(import.meta.dirname, 'fixtures/pages'), ROUTES);
  eb = await launchWithExtension({ fixturePort: fx.port, lang: 'en' });
});
afterAll(async () => {
  await eb?.close();
  await fx?.close();
});

async function visit(host: string, path: string): Promise<Page> {
  const page = await eb.browser.newPage();
  await page.goto(fx.url(host, path), { waitUntil: 'load' });
  return page;
}

/** The badge of the page's tab, read through the extension's worker. */
async function badgeOf(page: Page): Promise<string> {
  await page.bringToFront();
  return eb.worker.evaluate(async () => {
    const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
    return chrome.action.getBadgeText({ tabId: tab.id });
  });
}

async function waitForBadge(page: Page, expected: string, timeout = 10_000): Promise<void> {
  const end = Date.now() + timeout;
  let last = '';
  while (Date.now() < end) {
    last = await badgeOf(page);
    if (last === expected) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`badge stayed "${last}", expected "${expected}"`);
}

/** The popup's fields once it has asked the background (it renders before the answer arrives). */
async function popupFields(expectedAccountId: string, screenshot?: string) {
  const popup = await openExtensionPage(eb, 'popup.html');
  await popup.waitForSelector('input[name="accountId"]');
  await popup
    .waitForFunction(
      (want: string) =>
        document.querySelector<HTMLInputElement>('input[name="accountId"]')?.value === want &&
        !!document.querySelector('.source'),
      { timeout: 5_000 },
      expectedAccountId,
    )
    .catch(() => undefined); // the assertions below say what was there instead
  const result = await popup.evaluate(() => ({
    accountId: document.querySelector<HTMLInputElement>('input[name="accountId"]')!.value,
    instanceId:
      document.querySelector<HTMLInputElement>('input[name="instanceId"]:checked')?.value ??
      document.querySelector<HTMLInputElement>('input[name="instanceId"]:not([type=radio])')?.value ??
      '',
    options: [...document.querySelectorAll<HTMLInputElement>('input[type=radio][name="instanceId"]')].map((r) => [
      r.value,
      r.closest('[data-status]')?.getAttribute('data-status'),
    ]),
    text: document.body.innerText,
  }));
  // The README shows step 1 as a buyer sees it after browsing the console (UPDATE_SCREENSHOTS=1).
  if (screenshot && process.env.UPDATE_SCREENSHOTS) {
    await popup.setViewport({ width: 380, height: 640 }); // the popup's own width
    await popup.screenshot({ path: resolve(import.meta.dirname, '../docs/screenshots', `${screenshot}.png`), fullPage: true });
  }
  await popup.close();
  return result;
}

async function clearDetections(): Promise<void> {
  for (const p of await eb.browser.pages()) if (!p.url().startsWith('about:')) await p.close();
  // Session detections, settings and the wizard's draft (typed values): each case starts from a
  // browser that has seen nothing.
  await eb.worker.evaluate(() => Promise.all([chrome.storage.session.clear(), chrome.storage.local.clear()]));
  await clearStoredDraft(eb);
}

describe('detection in Chromium', () => {
  beforeEach(clearDetections);

  test('console page: account from the page global, badge 1, popup shows it with its source', async () => {
    const page = await visit('home.console.aliyun.com', '/');
    await waitForBadge(page, '1');
    const f = await popupFields('1234567890123456');
    expect(f.accountId).toBe('1234567890123456');
    expect(f.text, f.text).toMatch(/Read from the Alibaba Cloud console \(console data\)/);
    expect(f.instanceId).toBe('');
  });

  test('cross-tab memory: account ID from Account Center, instance from Purchased Services in another tab', async () => {
    const center = await visit('account.console.aliyun.com', '/v2/');
    await waitForBadge(center, '1');
    const list = await visit('marketplace.console.alibabacloud.com', '/');
    await waitForBadge(list, '2'); // two Guance rows (one closed), no account on that page
    const f = await popupFields('1234567890123456', '01-ids-detected');
    expect(f.accountId).toBe('1234567890123456');
    expect(f.options).toEqual([
      ['41000001', 'active'],
      ['41000002', 'closed'],
    ]);
    expect(f.instanceId).toBe('41000001');
  });

  test('rows that arrive two seconds after load, then an SPA move to page 2 (pushState)', async () => {
    const page = await visit('market.console.aliyun.com', '/imageconsole/index.htm?spa=1');
    await waitForBadge(page, '1'); // the account from the global; the list is still loading
    await waitForBadge(page, '3'); // + two Guance rows after 2 s
    await waitForBadge(page, '2'); // page 2: one row
    expect(new URL(page.url()).search).toBe('?page=2');
    const f = await popupFields('1234567890123456');
    expect(f.options.map(([id]) => id).sort()).toEqual(['37990001', '38215907', '38400044']);
    expect(f.options.find(([id]) => id === '37990001')?.[1]).toBe('expired');
    expect(['38215907', '38400044']).toContain(f.instanceId);
  });

  test('RAM user: the main account ID, and the popup says so', async () => {
    const page = await visit('ram.console.aliyun.com', '/');
    await waitForBadge(page, '1');
    const f = await popupFields('1876543210987654');
    expect(f.accountId).toBe('1876543210987654');
    expect(f.text).toContain('signed in as a RAM user');
  });

  test('Billing Center form: offered, filled on accept so the form registers it; a typed field is never overwritten', async () => {
    await waitForBadge(await visit('home.console.aliyun.com', '/'), '1');
    await waitForBadge(await visit('market.console.aliyun.com', '/imageconsole/index.htm'), '3');
    const page = await visit('boss.guance.com', '/register');
    const accountOffer = await page.waitForSelector('guance-activator-offers >>> button[data-guance-fill="accountId"]', { timeout: 10_000 });
    await page.waitForSelector('guance-activator-offers >>> button[data-guance-fill="instanceId"]');
    // Offered, not filled:
    expect(await page.$eval('[data-field="accountId"]', (e) => (e as HTMLInputElement).value)).toBe('');
    // The user types an instance ID themselves: its offer goes away.
    await page.type('[data-field="instanceId"]', '99887766');
    await page.waitForFunction(() => !document.querySelector('guance-activator-offers')?.shadowRoot?.querySelector('[data-guance-fill="instanceId"]'));
    await accountOffer!.click();
    const state = await page.$eval('#state', (e) => JSON.parse(e.textContent!));
    expect(state).toEqual({ accountId: '1234567890123456', instanceId: '99887766' });
    // A later scan (any mutation) does not bring an offer back for the typed field.
    await page.evaluate(() => document.body.append(document.createElement('div')));
    await new Promise((r) => setTimeout(r, 800));
    expect(await page.$eval('[data-field="instanceId"]', (e) => (e as HTMLInputElement).value)).toBe('99887766');
    expect(await page.$('guance-activator-offers >>> button[data-guance-fill="instanceId"]')).toBeNull();
  });

  test('context-menu fill: the injected function fills the focused field so a React-style form registers it', async () => {
    const page = await visit('bill.guance.one', '/change-settlement');
    await page.focus('[data-field="instanceId"]');
    // Run in the page's main world, where the form's value tracker lives: the strictest case.
    expect(await page.evaluate(fillFocusedField, '38215907')).toBe(true);
    expect(await page.$eval('#state', (e) => JSON.parse(e.textContent!))).toEqual({ instanceId: '38215907' });
    // The worker holds no host access to the page: the menu relies on activeTab from the click.
    const denied = await eb.worker.evaluate(async () => {
      const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
      try {
        await chrome.scripting.executeScript({ target: { tabId: tab.id }, func: () => 1 });
        return false;
      } catch {
        return true;
      }
    });
    expect(denied).toBe(true);
  });

  test('the manifest asks for no blanket host access; content scripts only on production hosts', async () => {
    const m = await eb.worker.evaluate(() => chrome.runtime.getManifest());
    expect(JSON.stringify(m)).not.toContain('<all_urls>');
    expect(m.content_scripts.flatMap((c: { matches: string[] }) => c.matches).sort()).toEqual(
      ['https://*.alibabacloud.com/*', 'https://*.aliyun.com/*', 'https://bill.guance.one/*', 'https://boss.guance.com/*'],
    );
  });
});
