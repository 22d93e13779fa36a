// Free login with the extension installed: the marketplace's signed "Login Directly" URL lands on
// the API's landing page in Chromium; the landing content script (registered at run time for the
// configured API origin) hands the activation to the background, which confirms it with the API;
// the token leaves the address bar; the popup opens on that activation, past step 1.
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startApiServer, type ApiProcess } from './support/api-server';
import { heldActivation, launchWithExtension, openExtensionPage, setApiAddress, type ExtensionBrowser, type HeldActivation } from './support/browser';
import { createInstance, freeLoginUrl } from './support/marketplace';

/** The extension's `chrome` global, as seen inside the service worker we evaluate in. */
declare const chrome: {
  scripting: { getRegisteredContentScripts(): Promise<{ id: string; matches?: string[] }[]> };
};

const SPI_KEY = 'e2e-spi-key-free-login-0123456789';
const ACCOUNT = `2${String(Date.now()).slice(-15)}`.padEnd(16, '3');
const INSTANCE = '820001';
const INSTANCE_2 = '820002';

let api: ApiProcess;
let eb: ExtensionBrowser;

const verifyUrl = (instanceId: string) => freeLoginUrl(api.url, SPI_KEY, instanceId);

beforeAll(async () => {
  api = await startApiServer({ env: { ALIYUN_SPI_KEY: SPI_KEY } });
  await createInstance(api.url, SPI_KEY, ACCOUNT, INSTANCE);
  eb = await launchWithExtension({ lang: 'en-US' });
  await setApiAddress(eb, api.url);
});

afterAll(async () => {
  await eb?.close();
  await api?.stop();
});

describe('free login with the extension', () => {
  test('the landing script is registered for exactly the configured API origin', async () => {
    const want = `${api.url}/activate/landing*`;
    const deadline = Date.now() + 10_000;
    let scripts: { id: string; matches?: string[] }[] = [];
    while (Date.now() < deadline) {
      scripts = await eb.worker.evaluate(() => chrome.scripting.getRegisteredContentScripts());
      if (scripts.some((s) => s.matches?.includes(want))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(scripts).toEqual([expect.objectContaining({ id: 'guance-landing', matches: [want] })]);
  });

  test('Login Directly → landing page → popup on the verified activation, token gone from the URL', async () => {
    const page = await eb.browser.newPage();
    await page.goto(verifyUrl(INSTANCE), { waitUntil: 'load' });
    const landed = new URL(page.url());
    expect(landed.pathname).toBe('/activate/landing');
    const activationId = landed.searchParams.get('activation');
    expect(activationId).toMatch(/^act_/);

    // The content script drops the fragment (and with it the token) from the address bar.
    await page.waitForFunction(() => location.hash === '', { timeout: 10_000 });
    expect(page.url()).toBe(`${api.url}/activate/landing?activation=${activationId}`);
    expect(await page.evaluate(() => history.length)).toBe(2); // replaced, not pushed

    // The background confirmed it with the API and made it the wizard's activation (in its own store).
    const deadline = Date.now() + 10_000;
    let stored: HeldActivation | null = null;
    while (Date.now() < deadline) {
      stored = await heldActivation(eb);
      if (stored?.id === activationId) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(stored).toMatchObject({ id: activationId, apiBaseUrl: api.url, activation: { verified: true, accountId: ACCOUNT } });
    // The landing page (the web wizard) offers the popup instead of repeating it, and lets the buyer stay.
    await page.waitForSelector('[data-testid="taken-by-extension"]', { timeout: 10_000 });
    expect(await page.$('.wizard[data-status="register-basic"]')).toBeNull();

    // Headless Chromium may or may not open the popup by itself; the page opens the same way.
    const popup: Page = await openExtensionPage(eb, 'popup.html');
    await popup.waitForSelector('.wizard[data-status="register-basic"][data-pending=""]', { timeout: 15_000 });
    const note = await popup.$eval('[data-testid="verified"]', (e) => e.textContent ?? '');
    expect(note).toContain('Alibaba Cloud Marketplace');
    expect(note).toContain(ACCOUNT);
    expect(note).toContain(INSTANCE);
    // Step 1 skipped: no IDs form, no Back to it; the email code is still asked for.
    expect(await popup.$('input[name="accountId"]')).toBeNull();
    expect(await popup.$('button[name="back"]')).toBeNull();
    expect(await popup.$('button[name="sendCode"]')).not.toBeNull();
    expect(await popup.$('button[name="switchToBind"]')).not.toBeNull();

    // The marketplace did not say the site (cn1 by default): the user picks another before any
    // workspace exists, and the activation follows.
    // The site is one line on this step (it matters only where a workspace is created), opened on request.
    expect(await popup.$eval('[data-testid="site-line"]', (e) => e.textContent ?? '')).toContain('China 1');
    await popup.click('button[name="changeSite"]');
    expect(await popup.$eval('select[name="site"]', (e) => (e as HTMLSelectElement).value)).toBe('cn1');
    await popup.select('select[name="site"]', 'ap1');
    const token = stored!.token;
    const siteDeadline = Date.now() + 10_000;
    let site = '';
    while (Date.now() < siteDeadline) {
      const r = await fetch(`${api.url}/api/v1/activations/${activationId}`, { headers: { Authorization: `Bearer ${token}` } });
      site = ((await r.json()) as { activation: { site: string } }).activation.site;
      if (site === 'ap1') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(site).toBe('ap1');
    await popup.waitForSelector('.wizard[data-pending=""]');
    expect(await popup.$eval('#form-error', (e) => e.textContent ?? '')).toBe('');
    await popup.close();
    await page.close();
  });

  test('Login Directly for another instance while one is in progress: the popup asks, showing both', async () => {
    await createInstance(api.url, SPI_KEY, ACCOUNT, INSTANCE_2);
    const before = (await heldActivation(eb))!;
    expect(before.activation.instanceId).toBe(INSTANCE);
    const page = await eb.browser.newPage();
    await page.goto(verifyUrl(INSTANCE_2), { waitUntil: 'load' });
    await page.waitForFunction(() => !location.hash.includes('token='), { timeout: 15_000 });
    // The background keeps the one in progress and holds the new one as an offer.
    const offered = () =>
      eb.worker.evaluate(() => new Promise<string | null>((resolve) => {
        const open = indexedDB.open('guance-activator');
        open.onsuccess = () => {
          const get = open.result.transaction('activation').objectStore('activation').get('offer');
          get.onsuccess = () => resolve((get.result as { activation?: { instanceId: string } } | undefined)?.activation?.instanceId ?? null);
          get.onerror = () => resolve(null);
        };
        open.onerror = () => resolve(null);
      }));
    const deadline = Date.now() + 15_000;
    while ((await offered()) !== INSTANCE_2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await offered()).toBe(INSTANCE_2);
    const popup: Page = await openExtensionPage(eb, 'popup.html');
    await popup.waitForSelector('.wizard[data-offer="yes"]', { timeout: 15_000 });
    expect((await heldActivation(eb))?.id).toBe(before.id);
    expect(await popup.$eval('[data-field="offer"]', (e) => e.textContent ?? '')).toContain(`${ACCOUNT} · instance ${INSTANCE_2}`);
    expect(await popup.$eval('[data-field="current"]', (e) => e.textContent ?? '')).toContain(`${ACCOUNT} · instance ${INSTANCE}`);
    await popup.click('button[name="acceptOffer"]');
    await popup.waitForSelector('.wizard[data-offer=""][data-status="register-basic"][data-pending=""]', { timeout: 15_000 });
    expect(await popup.$eval('[data-testid="verified"]', (e) => e.textContent ?? '')).toContain(INSTANCE_2);
    expect((await heldActivation(eb))?.activation.instanceId).toBe(INSTANCE_2);
    await popup.close();
    await page.close();
  });

  test('the page of an unknown activation opens nothing', async () => {
    const before = await heldActivation(eb);
    const page = await eb.browser.newPage();
    // A made-up activation: the API answers its 404 page without markers; nothing is sent.
    await page.goto(`${api.url}/activate/landing?activation=act_nothing#token=${'x'.repeat(43)}`);
    await new Promise((r) => setTimeout(r, 500));
    expect(await heldActivation(eb)).toEqual(before);
    await page.close();
  });
});
