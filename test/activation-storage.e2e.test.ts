// Where the activation token lives, in real Chromium: a content script (the extension's code in a
// page's isolated world, the part a hostile page runs next to) finds no token in any storage it can
// reach, and the wizard still resumes, token and all, after the browser restarts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startApiServer, type ApiProcess } from './support/api-server';
import { heldActivation, launchWithExtension, openExtensionPage, setApiAddress, storedDraft, type ExtensionBrowser } from './support/browser';
import { startFixtureServer, type FixtureServer } from './support/fixture-server';
import { createInstance } from './support/marketplace';
import { startSmtp, type SmtpSink } from './support/smtp';

const SPI_KEY = 'e2e-spi-key-storage-0123456789';
const ACCOUNT = `3${String(Date.now()).slice(-15)}`.padEnd(16, '5');
const INSTANCE = '830001';
const CONSOLE = { host: 'home.console.aliyun.com', path: '/', file: 'console-main-en.html' };

let smtp: SmtpSink;
let api: ApiProcess;
let fx: FixtureServer;
let eb: ExtensionBrowser;
const profile = mkdtempSync(join(tmpdir(), 'activator-restart-'));

const launch = () => launchWithExtension({ fixturePort: fx.port, lang: 'en-US', userDataDir: profile });
const atStep = (page: Page, status: string) =>
  page.waitForSelector(`.wizard[data-status="${status}"][data-pending=""]`, { timeout: 15_000 });

async function openPopup(): Promise<Page> {
  const page = await openExtensionPage(eb, 'popup.html');
  await page.waitForSelector('.wizard[data-status]');
  return page;
}

/**
 * Runs `expression` in this extension's content-script world of `page` (Chromium's isolated world
 * for it, found through the DevTools protocol) and returns its JSON value.
 */
async function inContentScript(page: Page, expression: string): Promise<unknown> {
  const cdp = await page.createCDPSession();
  const contexts: { id: number; origin: string; auxData?: { type?: string; frameId?: string } }[] = [];
  cdp.on('Runtime.executionContextCreated', (e: { context: (typeof contexts)[number] }) => void contexts.push(e.context));
  await cdp.send('Runtime.enable');
  const deadline = Date.now() + 10_000;
  let ctx: (typeof contexts)[number] | undefined;
  while (!(ctx = contexts.find((c) => c.auxData?.type === 'isolated' && c.origin === `chrome-extension://${eb.extensionId}`))) {
    if (Date.now() > deadline) throw new Error('no content-script world on the page');
    await new Promise((r) => setTimeout(r, 100));
  }
  const r = (await cdp.send('Runtime.evaluate', { expression, contextId: ctx.id, awaitPromise: true, returnByValue: true })) as {
    result: { value?: unknown };
    exceptionDetails?: { text: string };
  };
  await cdp.detach();
  if (r.exceptionDetails) throw new Error(r.exceptionDetails.text);
  return r.result.value;
}

beforeAll(async () => {
  smtp = await startSmtp();
  // The sandbox (REQUIRE_VERIFIED_LINK=false): typed IDs go straight to the register form, whose
  // fields these tests type into; with the default the popup would ask for a proof first.
  api = await startApiServer({ env: { SMTP_URL: smtp.url, ALIYUN_SPI_KEY: SPI_KEY, MAIL_FROM: 'Guance <no-reply@guance.test>', REQUIRE_VERIFIED_LINK: 'false' } });
  await createInstance(api.url, SPI_KEY, ACCOUNT, INSTANCE);
  fx = await startFixtureServer(resolve(import.meta.dirname, 'fixtures/pages'), [CONSOLE]);
  eb = await launch();
  await setApiAddress(eb, api.url);
});

afterAll(async () => {
  await eb?.close();
  await fx?.close();
  await api?.stop();
  await smtp?.close();
});

describe('the activation token', () => {
  test('a content script reads neither the token nor the draft from storage.local, storage.session or its IndexedDB', async () => {
    const popup = await openPopup();
    await atStep(popup, 'ids');
    await popup.locator('input[name="accountId"]').fill(ACCOUNT);
    await popup.locator('input[name="instanceId"]').fill(INSTANCE);
    await popup.click('button[name="start"]');
    await atStep(popup, 'register-basic');
    await popup.locator('input[name="username"]').fill('storage_e2e');
    // The background keeps the draft; the next test restarts the whole browser, so wait for the
    // last keystroke to be written rather than race the restart.
    await waitUntil(async () => JSON.stringify(await storedDraft(eb)).includes('storage_e2e'));
    await popup.close();
    const held = await heldActivation(eb);
    expect(held?.activation.accountId).toBe(ACCOUNT);
    expect(held?.token).toMatch(/^[\w-]{16,}$/);

    const page = await eb.browser.newPage();
    await page.goto(fx.url(CONSOLE.host, CONSOLE.path), { waitUntil: 'load' });
    const seen = (await inContentScript(
      page,
      `(async () => {
        const local = await chrome.storage.local.get(null);
        let session;
        try { session = await chrome.storage.session.get(null); } catch (e) { session = 'refused: ' + e.message; }
        const databases = (await indexedDB.databases()).map((d) => d.name);
        return { local, session, databases, origin: location.origin };
      })()`,
    )) as { local: Record<string, unknown>; session: unknown; databases: string[]; origin: string };
    // It is the content script's world (the page's origin, the extension's API), and it sees settings only.
    expect(seen.origin).toBe(`https://${CONSOLE.host}:${fx.port}`);
    // storage.local is open to it (the API address the options page saved is there)…
    expect(seen.local).toMatchObject({ apiBaseUrl: api.url });
    // …so the token is kept elsewhere.
    expect(Object.keys(seen.local)).not.toContain('activationRef');
    expect(seen.databases).not.toContain('guance-activator');
    expect(JSON.stringify(seen)).not.toContain(held!.token);
    // Nor what the user typed (the draft, which can hold an email code).
    expect(seen.databases).not.toContain('guance-activator-draft');
    expect(JSON.stringify(seen)).not.toContain('storage_e2e');
    await page.close();
  });

  test('after a browser restart the wizard resumes where it was, and the token still works', async () => {
    const before = await heldActivation(eb);
    await eb.close();
    eb = await launch();
    expect(await heldActivation(eb)).toEqual(before);

    const popup = await openPopup();
    await atStep(popup, 'register-basic');
    expect(await popup.$eval('input[name="username"]', (e) => (e as HTMLInputElement).value)).toBe('storage_e2e');
    // A call that needs the token: the code goes out.
    await popup.locator('input[name="email"]').fill('storage@example.com');
    const since = Date.now();
    // The step's primary button sticks to the bottom of the popup: like a person, bring the
    // button into the middle of the view before clicking it, so the click is not the bar's.
    await popup.$eval('button[name="sendCode"]', (b) => b.scrollIntoView({ block: 'center' }));
    await popup.click('button[name="sendCode"]');
    await smtp.waitForCode('storage@example.com', since);
    await popup.waitForFunction(() => /\*\*\*/.test(document.querySelector('#h-code')?.textContent ?? ''));
    expect(await popup.$eval('#form-error', (e) => e.textContent ?? '')).toBe('');
    await popup.close();
  });
});

/** Polls `check` until it holds (the background writes asynchronously), failing after 10 s. */
async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
