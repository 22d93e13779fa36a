// The operator console in real Chromium against the real API process: sign-in with a password and
// with an emailed code, every view on a seeded database, every action through its confirmation
// page, and refused forms (a tampered CSRF token, a form posted from another origin). The pages run
// under their strict CSP: any violation Chromium reports fails the test.
import Database from 'better-sqlite3';
import puppeteer, { type Browser, type Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDatabase } from '../api/db/connection';
import { runOperatorsCli } from '../api/operator/cli';
import { startApiServer, type ApiProcess } from './support/api-server';
import { ensureChromium, ROOT_FLAGS } from './support/browser';
import { createInstance, spiCall } from './support/marketplace';

const SPI_KEY = 'e2e-spi-key-operator-0123456789';
const OPS = { email: 'ops@vendor.test', password: 'operator e2e password' };
const CODE_OPS = 'codes@vendor.test';
const BUYER = { account: '3141592653589793', instance: '930001', frozen: '930002', frozenAccount: '2718281828459045' };

let api: ApiProcess;
let browser: Browser;
let reader: Database.Database;
const cspViolations: string[] = [];

async function call(method: string, path: string, body?: unknown, token?: string) {
  const res = await fetch(`${api.url}/api/v1${path}`, {
    method,
    headers: { ...(body ? { 'Content-Type': 'application/json' } : {}), ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as any };
}

// As the outbox renders it: a code is kept apart from the text until it is sent or expires.
const lastMail = (to: string) => reader.prepare("SELECT replace(body, '{{secret}}', coalesce(secret, '')) FROM outbox WHERE recipient = ? ORDER BY id DESC LIMIT 1")
  .pluck().get(to) as string;

async function seed() {
  await createInstance(api.url, SPI_KEY, BUYER.account, BUYER.instance);
  await createInstance(api.url, SPI_KEY, BUYER.frozenAccount, BUYER.frozen);
  await spiCall(api.url, SPI_KEY, { action: 'expiredInstance', instanceId: BUYER.frozen });
  // Ahead of its instance: kept as pending (answered 404 so the marketplace retries).
  await fetch(`${api.url}/marketplace/aliyun?${new URLSearchParams((await import('../api/marketplace/signature')).signSpiParams(
    { action: 'renewInstance', instanceId: '930009', expiredOn: '2027-06-01 00:00:00' }, SPI_KEY))}`);
  const started = await call('POST', '/activations', { accountId: BUYER.account, instanceId: BUYER.instance, site: 'cn1' });
  const { activation, token } = started.body;
  await call('POST', `/activations/${activation.id}/verification-codes`, { purpose: 'register', email: 'buyer@example.com' }, token);
  const code = /code is (\d{6})/.exec(lastMail('buyer@example.com'))![1];
  const reg = await call('POST', `/activations/${activation.id}/registration`, {
    username: 'buyer_01', password: 'correct horse 42', email: 'buyer@example.com', code,
    company: { name: 'ACME', contactName: 'Ann', industry: 'Retail' }, workspace: { name: 'Buyer space', language: 'en' }, agreeTerms: true,
  }, token);
  expect(reg.status).toBe(201);
}

/** Each test in its own browser context: its own cookies, as another person's browser would be. */
async function newPage(): Promise<Page> {
  const page = await (await browser.createBrowserContext()).newPage();
  // Chromium reports CSP refusals in its log (source "security"), not through console.*.
  const cdp = await page.createCDPSession();
  await cdp.send('Log.enable');
  cdp.on('Log.entryAdded', ({ entry }) => {
    if (entry.source === 'security' || /Content Security Policy/i.test(entry.text)) cspViolations.push(`${page.url()}: ${entry.text}`);
  });
  return page;
}

async function submit(page: Page, selector: string) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
}

const text = (page: Page) => page.evaluate(() => document.body.innerText);

async function signInWithPassword(page: Page) {
  await page.goto(`${api.url}/operator/links`, { waitUntil: 'load' });
  expect(new URL(page.url()).pathname).toBe('/operator/sign-in');
  await page.type('#password-form input[name="email"]', OPS.email);
  await page.type('#password-form input[name="password"]', OPS.password);
  await submit(page, '#password-form button[type="submit"]');
}

beforeAll(async () => {
  const dir = (await import('node:fs')).mkdtempSync((await import('node:path')).join((await import('node:os')).tmpdir(), 'operator-e2e-'));
  const databasePath = `${dir}/api.sqlite`;
  // The password operator comes from the CLI, the code-only one from OPERATOR_EMAILS.
  const db = openDatabase(databasePath);
  await runOperatorsCli(db, ['add', OPS.email, '--password-stdin'], { out: () => {}, readStdin: async () => `${OPS.password}\n`, now: Date.now, actor: 'cli:e2e' });
  // A notice the outbox gave up on (its mail server kept refusing): what an operator resends.
  db.prepare(`INSERT INTO outbox (recipient, subject, body, status, attempts, last_error, created_at)
    VALUES ('buyer@example.com', 'Guance: a notice', 'Body', 'failed', 10, 'connection refused', ?)`).run(Date.now());
  db.close();
  // The sandbox: the seed registers from typed IDs (REQUIRE_VERIFIED_LINK=false), a link made without proof.
  api = await startApiServer({ databasePath, env: { ALIYUN_SPI_KEY: SPI_KEY, OPERATOR_EMAILS: CODE_OPS, REQUIRE_VERIFIED_LINK: 'false' } });
  reader = new Database(databasePath, { readonly: true });
  await seed();
  browser = await puppeteer.launch({ executablePath: ensureChromium(), headless: true, pipe: true, args: ROOT_FLAGS });
});

afterAll(async () => {
  await browser?.close();
  reader?.close();
  await api?.stop();
});

describe('operator console in Chromium', () => {
  test('password sign-in lands on the page asked for, with an HttpOnly SameSite=Strict session cookie', async () => {
    const page = await newPage();
    await signInWithPassword(page);
    expect(new URL(page.url()).pathname).toBe('/operator/links');
    const cookies = await page.browserContext().cookies();
    const session = cookies.find((c) => c.name === 'op_session')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    // Not readable from the page.
    expect(await page.evaluate(() => document.cookie)).not.toContain('op_session');
    // The stylesheet loaded under the CSP.
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('header')!).backgroundColor)).toBe('rgb(255, 255, 255)');
    await submit(page, 'form.sign-out button');
    expect(new URL(page.url()).pathname).toBe('/operator/sign-in');
    await page.goto(`${api.url}/operator/instances`, { waitUntil: 'load' });
    expect(new URL(page.url()).pathname).toBe('/operator/sign-in');
    await page.close();
  });

  test('code sign-in: the code arrives by mail and signs in once', async () => {
    const ctx = await browser.createBrowserContext();
    const page = await ctx.newPage();
    await page.goto(`${api.url}/operator/sign-in`, { waitUntil: 'load' });
    await page.type('#code-request-form input[name="email"]', CODE_OPS);
    await submit(page, '#code-request-form button[type="submit"]');
    const code = /code[^\d]*is (\d{6})/.exec(lastMail(CODE_OPS))![1]!;
    await page.type('#code-form input[name="code"]', code);
    await submit(page, '#code-form button[type="submit"]');
    expect(new URL(page.url()).pathname).toBe('/operator/instances');
    expect(await text(page)).toContain(CODE_OPS);
    await ctx.close();
  });

  test('every view shows the seeded database, in English and in Chinese', async () => {
    const page = await newPage();
    await signInWithPassword(page);
    const views: Array<[string, RegExp]> = [
      ['/operator/instances', new RegExp(`${BUYER.instance}[\\s\\S]*Buyer space`)],
      [`/operator/instances?status=expired`, /expired \(frozen\)[\s\S]*left/],
      [`/operator/instances/${BUYER.frozen}`, /Extend the freeze/],
      ['/operator/activations?days=7', /Activated/],
      ['/operator/calls', /createInstance[\s\S]*expiredInstance/],
      ['/operator/calls?failed=1', /INSTANCE_NOT_FOUND/],
      ['/operator/pending', /930009/],
      ['/operator/mail', /buyer@example\.com/],
      [`/operator/audit?account=${BUYER.account}`, /billingAccount/],
      ['/operator/actions', /sign-in/],
      ['/operator/links', /buyer_01[\s\S]*none \(IDs from the browser\)/],
    ];
    for (const [path, want] of views) {
      const res = await page.goto(`${api.url}${path}`, { waitUntil: 'load' });
      expect(res!.status(), path).toBe(200);
      expect(await text(page), path).toMatch(want);
    }
    expect(await page.$$eval('svg.chart', (s) => s.length)).toBe(0); // the last page has none
    await page.goto(`${api.url}/operator/activations?days=7`, { waitUntil: 'load' });
    expect(await page.$$eval('svg.chart rect.bar', (r) => r.length)).toBeGreaterThan(4);
    await page.goto(`${api.url}/operator/links?lang=zh`, { waitUntil: 'load' });
    expect(await text(page)).toContain('账号关联');
    await page.goto(`${api.url}/operator/instances`, { waitUntil: 'load' });
    expect(await text(page)).toContain('实例');
    await page.goto(`${api.url}/operator/instances?lang=en`, { waitUntil: 'load' });
    await page.close();
  });

  test('each action asks for confirmation, then runs and is audited', async () => {
    const page = await newPage();
    await signInWithPassword(page);
    const confirmAndRun = async () => {
      expect(await text(page)).toMatch(/Please confirm/);
      await submit(page, '#confirm-form button[type="submit"]');
      expect(await text(page)).toMatch(/Done\./);
    };

    // Resend a message.
    await page.goto(`${api.url}/operator/mail`, { waitUntil: 'load' });
    await submit(page, 'table form button');
    await confirmAndRun();

    // Apply the pending call again: its instance is still unknown, so it stays open.
    await page.goto(`${api.url}/operator/pending`, { waitUntil: 'load' });
    await submit(page, 'table form button');
    await confirmAndRun();
    expect(await text(page)).toContain('INSTANCE_NOT_FOUND');

    // Extend the freeze, then end it (back to active).
    const endsAt = () => reader.prepare('SELECT freeze_ends_at FROM instances WHERE id = ?').pluck().get(BUYER.frozen) as number;
    const before = endsAt();
    await page.goto(`${api.url}/operator/instances/${BUYER.frozen}`, { waitUntil: 'load' });
    await page.$eval('#extend-form input[name="days"]', (el) => { (el as HTMLInputElement).value = '3'; });
    await page.type('#extend-form input[name="reason"]', 'bank transfer on its way');
    await submit(page, '#extend-form button[type="submit"]');
    await confirmAndRun();
    expect(endsAt() - before).toBe(3 * 86_400_000);
    await page.goto(`${api.url}/operator/instances/${BUYER.frozen}`, { waitUntil: 'load' });
    await page.select('#end-form select[name="mode"]', 'lift');
    await page.type('#end-form input[name="reason"]', 'renewed, call lost');
    await submit(page, '#end-form button[type="submit"]');
    await confirmAndRun();
    expect(reader.prepare('SELECT status FROM instances WHERE id = ?').pluck().get(BUYER.frozen)).toBe('active');

    // Unlink, with a reason.
    await page.goto(`${api.url}/operator/links`, { waitUntil: 'load' });
    await page.type('table form input[name="reason"]', 'linked to the wrong company');
    await submit(page, 'table form button');
    await confirmAndRun();
    expect(reader.prepare('SELECT count(*) FROM cloud_account_links').pluck().get()).toBe(0);

    // All of it, under the operator's name.
    await page.goto(`${api.url}/operator/actions?actor=${encodeURIComponent(OPS.email)}`, { waitUntil: 'load' });
    const log = await text(page);
    for (const a of ['resend-mail', 'apply-pending', 'extend-freeze', 'end-freeze-lift', 'unlink', 'linked to the wrong company']) expect(log).toContain(a);
    await page.close();
  });

  test('a tampered CSRF token and a form from another origin are refused and change nothing', async () => {
    const page = await newPage();
    await signInWithPassword(page);
    const actionsBefore = reader.prepare("SELECT count(*) FROM operator_actions WHERE outcome = 'ok'").pluck().get();
    await page.goto(`${api.url}/operator/instances/${BUYER.instance}`, { waitUntil: 'load' });
    await page.goto(`${api.url}/operator/pending`, { waitUntil: 'load' });
    await page.$eval('table form input[name="_csrf"]', (el) => { (el as HTMLInputElement).value = 'tampered'; });
    const [res] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('table form button')]);
    expect(res!.status()).toBe(403);
    expect(await text(page)).toMatch(/not sent from this console/);

    // Another page (here about:blank, origin "null") posting a real-looking form to the console.
    const other = await newPage();
    const token = await page.goto(`${api.url}/operator/pending`, { waitUntil: 'load' }).then(() =>
      page.$eval('table form input[name="_csrf"]', (el) => (el as HTMLInputElement).value));
    const pendingAction = await page.$eval('table form', (f) => (f as HTMLFormElement).action);
    await other.setContent(`<form method="post" action="${pendingAction}"><input name="_csrf" value="${token}"><input name="confirm" value="yes"><button>go</button></form>`);
    const [refused] = await Promise.all([other.waitForNavigation({ waitUntil: 'load' }), other.click('button')]);
    expect([401, 403]).toContain(refused!.status());
    expect(reader.prepare("SELECT count(*) FROM operator_actions WHERE outcome = 'ok'").pluck().get()).toBe(actionsBefore);
    await other.close();
    await page.close();
  });

  test('no page broke its Content Security Policy (and a deliberate break is seen)', async () => {
    expect(cspViolations).toEqual([]);
    const page = await newPage();
    await signInWithPassword(page);
    await page.evaluate(() => {
      const img = document.createElement('img');
      img.src = 'https://elsewhere.example/pixel.png';
      document.body.append(img);
    });
    const deadline = Date.now() + 5000;
    while (cspViolations.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(cspViolations.join('\n')).toMatch(/elsewhere\.example/);
    await page.close();
  });
});
