// axe-core over every step the popup wizard can show and over the options page, in English and in
// Chinese: no violation. And the register path done with the keyboard alone: Tab to each control,
// type, Space for the checkbox, Enter for the buttons; no mouse event anywhere.
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startApiServer, type ApiProcess } from './support/api-server';
import { axeViolations } from './support/axe';
import { launchWithExtension, openExtensionPage, type ExtensionBrowser } from './support/browser';
import { createInstance, spiCall } from './support/marketplace';
import { startSmtp, type SmtpSink } from './support/smtp';

const SPI_KEY = 'e2e-spi-key-a11y-0123456789';
const PASSWORD = 'Acc3ss-ible-pw';
const ACCOUNT = `2${String(Date.now()).slice(-15)}`.padEnd(16, '3');
const [I1, I2] = ['820001', '820002'];

let smtp: SmtpSink;
let api: ApiProcess;
let eb: ExtensionBrowser;

beforeAll(async () => {
  smtp = await startSmtp();
  // The sandbox (typed IDs may register), as in the wizard suite: axe checks every step of every path.
  api = await startApiServer({ env: { SMTP_URL: smtp.url, ALIYUN_SPI_KEY: SPI_KEY, MAIL_FROM: 'Guance <no-reply@guance.test>', REQUIRE_VERIFIED_LINK: 'false' } });
  for (const i of [I1, I2]) await createInstance(api.url, SPI_KEY, ACCOUNT, i);
  eb = await launchWithExtension({ lang: 'en-US' });
});
afterAll(async () => {
  await eb?.close();
  await api?.stop();
  await smtp?.close();
});

async function expectNoViolations(page: Page, where: string) {
  const v = await axeViolations(page);
  expect(v.map((x) => `${where}: ${x.id} (${x.impact}) ${x.help} @ ${x.nodes.join(' | ')}`)).toEqual([]);
}

const atStep = (page: Page, status: string) =>
  page.waitForSelector(`.wizard[data-status="${status}"][data-pending=""]`, { timeout: 15_000 });
const focusedName = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('name') ?? document.activeElement?.tagName ?? '');

/** Presses Tab (or Shift+Tab) until the focused control is the one named; fails if it is never reached. */
async function tabTo(page: Page, name: string, back = false) {
  for (let i = 0; i < 40; i++) {
    if ((await focusedName(page)) === name) return;
    if (back) await page.keyboard.down('Shift');
    await page.keyboard.press('Tab');
    if (back) await page.keyboard.up('Shift');
  }
  throw new Error(`"${name}" is not reachable with the Tab key (focus is on ${await focusedName(page)})`);
}

async function typeInto(page: Page, name: string, text: string) {
  await tabTo(page, name);
  await page.keyboard.type(text);
}

/** Tab to a button and press Enter; returns the code from the mail when that button sent one. */
async function press(page: Page, name: string) {
  await tabTo(page, name);
  await page.keyboard.press('Enter');
}

async function openPopup(): Promise<Page> {
  const page = await openExtensionPage(eb, 'popup.html');
  await page.setViewport({ width: 380, height: 640 });
  await page.waitForSelector('.wizard[data-status]');
  // Mouse events would be a test bug here: count them so the keyboard test can prove there were none.
  await page.evaluate(() => {
    (window as unknown as { mouseEvents: number }).mouseEvents = 0;
    for (const t of ['mousedown', 'mouseup', 'click']) {
      document.addEventListener(t, (e) => {
        // A keyboard Enter on a button dispatches a synthetic click with detail 0.
        if ((e as MouseEvent).detail > 0) (window as unknown as { mouseEvents: number }).mouseEvents++;
      }, true);
    }
  });
  return page;
}

describe('accessibility', () => {
  test('the options page, in English and in Chinese', async () => {
    const options = await openExtensionPage(eb, 'options.html');
    await options.waitForSelector('input[name="apiBaseUrl"]');
    await expectNoViolations(options, 'options (en)');
    // An error at the field, announced.
    await options.locator('input[name="apiBaseUrl"]').fill('http://activator.example.com');
    await options.click('button[name="save"]');
    await options.waitForFunction(() => (document.querySelector('#apiBaseUrl-error')?.textContent ?? '') !== '');
    await expectNoViolations(options, 'options with an error (en)');
    await options.select('select[name="uiLanguage"]', 'zh_CN');
    await options.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    await expectNoViolations(options, 'options (zh)');
    // Back to English and to the test API, for the popup below.
    await options.select('select[name="uiLanguage"]', 'en');
    await options.locator('input[name="apiBaseUrl"]').fill(api.url);
    await options.click('button[name="save"]');
    await options.waitForFunction(() => document.querySelector('#options-status')?.textContent === 'Saved.');
    await options.close();
  });

  test('the register path with the keyboard alone, every step checked by axe', async () => {
    const popup = await openPopup();
    await atStep(popup, 'ids');
    await expectNoViolations(popup, 'ids');
    await popup.focus('body');
    await typeInto(popup, 'accountId', ACCOUNT);
    await typeInto(popup, 'instanceId', I1);
    await press(popup, 'start');

    await atStep(popup, 'register-basic');
    await expectNoViolations(popup, 'register-basic');
    await typeInto(popup, 'username', 'kbd_user');
    await typeInto(popup, 'password', PASSWORD);
    await typeInto(popup, 'passwordConfirm', PASSWORD);
    await typeInto(popup, 'email', 'kbd@example.com');
    const since = Date.now();
    await press(popup, 'sendCode');
    const code = await smtp.waitForCode('kbd@example.com', since);
    await popup.waitForFunction(() => /\*\*\*/.test(document.querySelector('#h-code')?.textContent ?? ''));
    // Sending disables the button under focus: focus goes back to the start to walk on.
    await tabTo(popup, 'username', true);
    await typeInto(popup, 'code', code);
    await expectNoViolations(popup, 'register-basic with a code sent');
    await press(popup, 'next');

    await atStep(popup, 'register-company');
    await expectNoViolations(popup, 'register-company');
    await typeInto(popup, 'companyName', 'Keyboard Ltd');
    await typeInto(popup, 'contactName', 'Kay Board');
    await press(popup, 'next');

    await atStep(popup, 'register-method');
    await expectNoViolations(popup, 'register-method');
    await typeInto(popup, 'workspaceName', 'Keyboard workspace');
    await tabTo(popup, 'agreeTerms');
    await popup.keyboard.press('Space');
    expect(await popup.$eval('input[name="agreeTerms"]', (e) => (e as HTMLInputElement).checked)).toBe(true);
    await press(popup, 'activate');

    await atStep(popup, 'done');
    await expectNoViolations(popup, 'done');
    expect(await popup.$eval('[data-field="billingAccount"]', (e) => e.textContent)).toBe('kbd_user');
    expect(await popup.evaluate(() => (window as unknown as { mouseEvents: number }).mouseEvents)).toBe(0);
    await popup.close();
  });

  test('the bind and workspace steps, in English and in Chinese', async () => {
    const popup = await openPopup();
    await atStep(popup, 'done');
    await popup.click('button[name="startOver"]');
    await atStep(popup, 'ids');
    // From Done, "Activate another instance" starts with empty IDs.
    await popup.locator('input[name="accountId"]:not([type=radio])').fill(ACCOUNT);
    await popup.locator('input[name="instanceId"]:not([type=radio])').fill(I2);
    await popup.click('button[name="start"]');
    await atStep(popup, 'bind-billing-account');
    await expectNoViolations(popup, 'bind-billing-account');
    await popup.locator('input[name="username"]').fill('kbd_user');
    const since = Date.now();
    await popup.click('button[name="sendCode"]');
    const code = await smtp.waitForCode('kbd@example.com', since);
    // A wrong code: the error at its field.
    await popup.locator('input[name="code"]').fill(code === '000000' ? '000001' : '000000');
    await popup.click('button[name="bind"]');
    await popup.waitForFunction(() => (document.querySelector('#e-code')?.textContent ?? '') !== '');
    await expectNoViolations(popup, 'bind-billing with an error');
    await popup.click('button[name="uiLanguage"]');
    await popup.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    await expectNoViolations(popup, 'bind-billing (zh)');
    // Releasing the first instance frees its workspace for binding (the confirmation step below).
    await spiCall(api.url, SPI_KEY, { action: 'releaseInstance', instanceId: I1, isRefund: 'false' });
    await popup.locator('input[name="code"]').fill(code);
    await popup.click('button[name="bind"]');

    await atStep(popup, 'workspace-choose');
    await popup.waitForSelector('input[name="workspaceId"]');
    await expectNoViolations(popup, 'workspace-choose (zh)');
    await popup.click('button[name="uiLanguage"]');
    await popup.waitForFunction(() => document.documentElement.lang === 'en');
    await expectNoViolations(popup, 'workspace-choose');

    await popup.click('button[name="createNew"]');
    await atStep(popup, 'workspace-create-new');
    await expectNoViolations(popup, 'workspace-create-new');
    await popup.click('button[name="back"]');
    await atStep(popup, 'workspace-choose');
    await popup.click('button[name="createExisting"]');
    await atStep(popup, 'workspace-create-existing');
    await expectNoViolations(popup, 'workspace-create-existing');
    await popup.click('button[name="back"]');
    await atStep(popup, 'workspace-choose');
    await popup.waitForSelector('input[name="workspaceId"]:not([disabled])');
    await popup.click('input[name="workspaceId"]:not([disabled])');
    await popup.click('button[name="bindWorkspace"]');
    await atStep(popup, 'workspace-confirm-bind');
    await expectNoViolations(popup, 'workspace-confirm-bind');
    await popup.close();
  });
});
