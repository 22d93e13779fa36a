// The web wizard end to end, in Chromium WITHOUT the extension: a buyer with only a browser presses
// Login Directly (a signed free-login URL), lands on the API's page, which is the wizard, and walks
// each path to the site's login page, against the real API (owner proof required, the default), a
// real SMTP server, and instances created through the signed SPI. Clicks and keystrokes are
// counted on each path (test/support/interaction-counts.ts; printed by `npm run bench`).
import type { Browser, HTTPResponse, Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startApiServer, type ApiProcess } from './support/api-server';
import { launchPlain } from './support/browser';
import { Tally } from './support/interaction-counts';
import { createInstance, freeLoginUrl, spiCall } from './support/marketplace';
import { startSmtp, type SmtpSink } from './support/smtp';

const SPI_KEY = 'e2e-spi-key-web-wizard-0123456789';
const PASSWORD = 'Sup3r-secret-pw';
const NEW_PASSWORD = 'An0ther-secret-pw';
const ACCOUNT = `3${String(Date.now()).slice(-15)}`.padEnd(16, '5');
const [I1, I2, I3, I4] = ['830001', '830002', '830003', '830004'];
const LOGIN_HOST = /(^|\.)guance\.com$/;

let smtp: SmtpSink;
let api: ApiProcess;
let browser: Browser;
const problems: string[] = [];

const verifyUrl = (instanceId: string) => freeLoginUrl(api.url, SPI_KEY, instanceId);

/** A tab in which the Guance login pages answer (no internet here): reaching one ends a path. */
async function newTab(): Promise<Page> {
  const page = await browser.newPage();
  await page.setViewport({ width: 900, height: 900 });
  await page.setRequestInterception(true);
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (LOGIN_HOST.test(u.hostname)) void r.respond({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Guance login</title>' });
    else void r.continue();
  });
  // A page that breaks its own CSP or throws is a failure of this suite.
  // (A refused free login answers its page with an error status, which the console also reports.)
  page.on('console', (m) => m.type() === 'error' && !/Failed to load resource/.test(m.text()) && problems.push(`console: ${m.text()}`));
  page.on('requestfailed', (r) => !LOGIN_HOST.test(new URL(r.url()).hostname) && problems.push(`request failed: ${r.url()}`));
  page.on('pageerror', (e) => problems.push(`pageerror: ${e instanceof Error ? e.message : String(e)}`));
  return page;
}

/** One buyer on one path, counting what they do. */
function buyer(page: Page, tally: Tally) {
  /** Waits for a step; on a timeout, says where the page is instead (its step, its messages). */
  const atStep = async (status: string) => {
    try {
      await page.waitForSelector(`.wizard[data-status="${status}"][data-pending=""]`, { timeout: 30_000 });
    } catch (e) {
      const where = await page.evaluate(() => ({
        status: document.querySelector('.wizard')?.getAttribute('data-status'), pending: document.querySelector('.wizard')?.getAttribute('data-pending'),
        errors: [...document.querySelectorAll('.field-error, #form-error')].map((x) => x.textContent).filter(Boolean),
      })).catch(() => null);
      throw new Error(`not at step ${status}: ${JSON.stringify(where)} (${e instanceof Error ? e.message : String(e)})`);
    }
  };
  const click = async (selector: string) => {
    tally.click();
    await page.click(selector);
  };
  const press = (name: string) => click(`button[name="${name}"]`);
  const fill = async (name: string, value: string, kind: 'plain' | 'id' | 'secret' = 'plain') => {
    tally.typed(value, kind);
    await page.locator(`input[name="${name}"]:not([type=radio])`).fill(value);
  };
  const sendCode = async (to: string) => {
    const since = Date.now();
    await press('sendCode');
    const code = await smtp.waitForCode(to, since);
    // The mail may arrive before the page has the answer: a click meanwhile would be ignored.
    await page.waitForSelector('.wizard[data-pending=""]');
    await fill('code', code, 'secret');
  };
  /** The buyer's Login Directly on the marketplace: not counted (the counts are what the wizard asks for). */
  const loginDirectly = async (instanceId: string): Promise<HTTPResponse | null> => page.goto(verifyUrl(instanceId), { waitUntil: 'load' });
  /** The last click: the site's login page opens in this tab. */
  const openLogin = async () => {
    const url = await page.$eval('button[name="openLogin"]', (b) => b.getAttribute('data-url'));
    await Promise.all([page.waitForNavigation({ timeout: 20_000 }), press('openLogin')]);
    expect(new URL(page.url()).hostname).toMatch(LOGIN_HOST);
    expect(page.url()).toBe(url);
    tally.save();
  };
  /** The Billing Center account of a linked cloud account, with the code mailed to its owner. */
  const bindBilling = async (username: string, email: string) => {
    await atStep('bind-billing-account');
    await fill('username', username);
    await sendCode(email);
    // Every state the wizard shows from here on: the workspace step must never look idle while its
    // list is still to load (a click then would land on a button about to be disabled).
    await page.evaluate(() => {
      const w = document.querySelector('.wizard')!;
      const seen: string[] = [];
      (window as unknown as { seenStates: string[] }).seenStates = seen;
      new MutationObserver(() => seen.push(`${w.getAttribute('data-status')}|${w.getAttribute('data-pending')}|${w.querySelector('.workspaces[aria-busy]') ? 'loading' : ''}`))
        .observe(w, { attributes: true, childList: true, subtree: true });
    });
    await press('bind');
    await atStep('workspace-choose');
    await page.waitForSelector('.workspaces:not([aria-busy])');
    const seen = await page.evaluate(() => (window as unknown as { seenStates: string[] }).seenStates);
    expect(seen).toContain('workspace-choose|list-workspaces|loading');
    expect(seen).not.toContain('workspace-choose||loading');
  };
  return { atStep, click, press, fill, sendCode, loginDirectly, openLogin, bindBilling };
}

const text = (page: Page, sel: string) => page.$eval(sel, (e) => e.textContent ?? '');
const value = (page: Page, name: string) => page.$eval(`input[name="${name}"]:not([type=radio])`, (e) => (e as HTMLInputElement).value);

async function login(loginName: string, password: string) {
  const res = await fetch(`${api.url}/api/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: loginName, password }) });
  return { status: res.status, body: (await res.json()) as { workspaces: { name: string }[] } };
}

beforeAll(async () => {
  smtp = await startSmtp();
  // The default policy: only a proved activation (free login) makes a cloud account's first link.
  api = await startApiServer({ env: { SMTP_URL: smtp.url, ALIYUN_SPI_KEY: SPI_KEY, MAIL_FROM: 'Guance <no-reply@guance.test>' } });
  expect(api.output()).not.toMatch(/No web wizard built/);
  for (const i of [I1, I2, I3, I4]) await createInstance(api.url, SPI_KEY, ACCOUNT, i);
  browser = await launchPlain({ lang: 'en-US' });
});

afterAll(async () => {
  await browser?.close();
  await api?.stop();
  await smtp?.close();
});

describe('web wizard, no extension', () => {
  test('free login → register → login page; strict CSP, token out of the address bar, resumes after a reload', async () => {
    const page = await newTab();
    const tally = new Tally('web', 'free login → register');
    const b = buyer(page, tally);
    const res = await b.loginDirectly(I1);
    // The landing page is the wizard, under a strict policy.
    const csp = res!.headers()['content-security-policy'] ?? '';
    for (const d of ["script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "default-src 'none'"]) expect(csp).toContain(d);
    expect(csp).not.toContain('unsafe-inline');
    expect(res!.headers()['referrer-policy']).toBe('no-referrer');
    expect(new URL(page.url()).pathname).toBe('/activate/landing');
    await b.atStep('register-basic');
    expect(await text(page, '[data-testid="verified"]')).toContain(ACCOUNT);
    // The token leaves the address bar (replaced, not pushed) and stays in this tab only.
    await page.waitForFunction(() => location.hash === '', { timeout: 10_000 });
    expect(await page.evaluate(() => history.length)).toBe(2); // about:blank, then this page: replaced, not pushed
    expect(await page.evaluate(() => JSON.stringify(localStorage))).not.toMatch(/token/);
    // No IDs to type: the marketplace gave them.
    expect(await page.$('input[name="accountId"]')).toBeNull();

    await b.fill('username', 'wendy_web');
    await b.fill('password', PASSWORD, 'secret');
    await b.fill('passwordConfirm', PASSWORD, 'secret');
    await b.fill('email', 'wendy@example.com');
    await b.sendCode('wendy@example.com');
    // A reload (or a closed laptop lid) keeps everything but the passwords.
    const code = await value(page, 'code');
    await page.reload({ waitUntil: 'load' });
    await b.atStep('register-basic');
    expect(await value(page, 'username')).toBe('wendy_web');
    expect(await value(page, 'code')).toBe(code);
    expect(await value(page, 'password')).toBe('');
    const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }));
    expect(stored).not.toContain(PASSWORD);
    // Typed again only because of the reload: not counted as the path's own keystrokes.
    await page.locator('input[name="password"]').fill(PASSWORD);
    await page.locator('input[name="passwordConfirm"]').fill(PASSWORD);
    await b.press('next');
    await b.atStep('register-company');
    await b.fill('companyName', 'Wendy Web Ltd');
    await b.fill('contactName', 'Wendy');
    await b.press('next');
    await b.atStep('register-method');
    await b.fill('workspaceName', 'Wendy production');
    await b.click('input[name="agreeTerms"]');
    await b.press('activate');
    await b.atStep('done');
    expect(await text(page, '[data-field="workspace"]')).toContain('Wendy production');
    await b.openLogin();
    expect(tally.count.clicks).toBeLessThanOrEqual(12);
    expect(tally.count.idKeystrokes).toBe(0);
    expect((await login('wendy_web', PASSWORD)).body.workspaces.map((w) => w.name)).toEqual(['Wendy production']);
    await page.close();
  });

  test('a returning buyer: Login Directly again shows what is bound, one click to the login page; no second workspace', async () => {
    const page = await newTab();
    const tally = new Tally('web', 'returning buyer');
    const b = buyer(page, tally);
    await b.loginDirectly(I1);
    await b.atStep('returning');
    expect(await text(page, '[data-field="workspace"]')).toContain('Wendy production');
    expect(await text(page, '[data-field="billingAccount"]')).toBe('wendy_web');
    expect(await text(page, '[data-field="guanceAccount"]')).toContain('wendy_web');
    expect(await page.$$('button[name="openLogin"]')).toHaveLength(1);
    expect(await page.$('button[name="anotherWorkspace"]')).not.toBeNull();
    await b.openLogin();
    expect(tally.count.clicks).toBeLessThanOrEqual(2);
    expect((await login('wendy_web', PASSWORD)).body.workspaces).toHaveLength(1);
    await page.close();
  });

  test('typed IDs of an activated purchase (no proof): the prove step, nothing bound shown, Login Directly offered', async () => {
    const page = await newTab();
    const b = buyer(page, new Tally('web', 'typed IDs of an activated purchase'));
    await page.goto(`${api.url}/activate`, { waitUntil: 'load' });
    await b.atStep('ids');
    // Pasted with spaces and typed in full-width digits: cleaned, not refused.
    await b.fill('accountId', ` ${ACCOUNT.slice(0, 8)} ${ACCOUNT.slice(8)} `, 'id');
    await b.fill('instanceId', I1.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d))), 'id');
    await b.press('start');
    // Anyone may know the two IDs: the purchase must be proved before anything bound is shown.
    await b.atStep('prove');
    expect(await page.$('[data-field]')).toBeNull();
    expect(await page.$('button[name="anotherWorkspace"]')).toBeNull();
    expect(await page.evaluate(() => document.body.innerText)).not.toMatch(/wendy|Wendy production/);
    expect(await page.$('button[name="openPurchased"]')).not.toBeNull();
    await page.close();
  });

  test('bind the Billing Center account, create a workspace with an existing Guance account', async () => {
    const page = await newTab();
    const tally = new Tally('web', 'free login → bind Billing Center → workspace, existing Guance account');
    const b = buyer(page, tally);
    await b.loginDirectly(I2);
    await b.bindBilling('wendy_web', 'wendy@example.com');
    await b.press('createExisting');
    await b.atStep('workspace-create-existing');
    await b.fill('workspaceName', 'Wendy staging');
    await b.fill('email', 'wendy@example.com');
    await b.sendCode('wendy@example.com');
    await b.click('input[name="agreeTerms"]');
    await b.press('create');
    await b.atStep('done');
    expect(await text(page, '[data-field="workspace"]')).toContain('Wendy staging');
    await b.openLogin();
    expect(tally.count.idKeystrokes).toBe(0);
    await page.close();
  });

  test('bind the Billing Center account, create a workspace with a new Guance account, in Chinese', async () => {
    const page = await newTab();
    const tally = new Tally('web', 'free login → bind Billing Center → workspace, new Guance account');
    const b = buyer(page, tally);
    await b.loginDirectly(I3);
    await b.atStep('bind-billing-account');
    // The switch: Chinese, kept for the next pages of this browser.
    await page.click('button[name="uiLanguage"]');
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    expect(await text(page, '#step-title')).toBe('绑定费用中心账号');
    await b.bindBilling('wendy_web', 'wendy@example.com');
    await b.press('createNew');
    await b.atStep('workspace-create-new');
    await b.fill('workspaceName', 'Vic space');
    await b.fill('username', 'vic_web');
    await b.fill('password', NEW_PASSWORD, 'secret');
    await b.fill('passwordConfirm', NEW_PASSWORD, 'secret');
    await b.fill('email', 'vic@example.com');
    await b.sendCode('vic@example.com');
    await b.click('input[name="agreeTerms"]');
    await b.press('create');
    await b.atStep('done');
    await b.openLogin();
    expect((await login('vic@example.com', NEW_PASSWORD)).body.workspaces.map((w) => w.name)).toEqual(['Vic space']);
    await page.close();
  });

  test('bind an existing workspace (with confirmation)', async () => {
    // Releasing instance 3 ends its settlement: its workspace can be bound to another instance.
    await spiCall(api.url, SPI_KEY, { action: 'releaseInstance', instanceId: I3, isRefund: 'false' });
    const page = await newTab();
    const tally = new Tally('web', 'free login → bind Billing Center → bind existing workspace');
    const b = buyer(page, tally);
    await b.loginDirectly(I4);
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN'); // the choice was kept
    await b.bindBilling('wendy_web', 'wendy@example.com');
    await page.waitForSelector('input[name="workspaceId"]:not([disabled])');
    const id = await page.$eval('input[name="workspaceId"]:not([disabled])', (e) => (e as HTMLInputElement).value);
    await b.click(`input[name="workspaceId"][value="${id}"]`);
    await b.press('bindWorkspace');
    await b.atStep('workspace-confirm-bind');
    expect(await text(page, '#confirm-text')).toContain('Vic space');
    await b.press('confirm');
    await b.atStep('done');
    expect(await text(page, '[data-field="workspace"]')).toContain('Vic space');
    await b.openLogin();
    await page.close();
  });

  test('a used free-login link: the same page, advice in both languages, no raw code', async () => {
    const page = await newTab();
    const url = verifyUrl(I4);
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForSelector('.wizard');
    const res = await page.goto(url, { waitUntil: 'load' });
    expect(res!.status()).toBe(409);
    expect(res!.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.waitForSelector('[data-failure="link-replayed"]');
    const body = await page.evaluate(() => document.body.innerText);
    expect(body).not.toMatch(/TOKEN_REPLAYED|[A-Z]{3,}_[A-Z_]{3,}/);
    expect(await text(page, '#step-title')).toBe('该登录链接已被使用');
    expect(await text(page, '.other-lang h3')).toMatch(/[A-Za-z]/);
    expect(await page.$eval('a[data-action="remedy"]', (a) => a.getAttribute('href'))).toMatch(/^https:\/\/market\.console\.aliyun\.com\//);
    await page.close();
  });

  test('the pages broke no CSP rule and threw nothing', () => {
    expect(problems).toEqual([]);
  });
});
