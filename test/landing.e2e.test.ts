// Free login end to end in Chromium: the marketplace's signed "Login Directly" URL, the redirect,
// and the landing page as a browser without the extension sees it: the web wizard (its CSP lets
// the page's own files through and nothing else; the markers the extension reads are there; the
// token stays in the fragment, never in a URL the server sees).
import puppeteer, { type Browser } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatBeijingTime } from '../api/marketplace/free-login';
import { signSpiParams } from '../api/marketplace/signature';
import { ensureChromium, ROOT_FLAGS } from './support/browser';
import { startApiServer, type ApiProcess } from './support/api-server';

const KEY = 'landing-test-spi-key-0123456789';
let api: ApiProcess;
let browser: Browser;

beforeAll(async () => {
  api = await startApiServer({ env: { ALIYUN_SPI_KEY: KEY } });
  browser = await puppeteer.launch({ executablePath: ensureChromium(), headless: true, args: ROOT_FLAGS });
});
afterAll(async () => {
  await browser?.close();
  await api?.stop();
});

const spiUrl = (params: Record<string, string>) => `${api.url}/marketplace/aliyun?${new URLSearchParams(signSpiParams(params, KEY))}`;

describe('free login in a browser', () => {
  it('lands on a page that shows the IDs, carries the markers, and keeps the token out of the server', async () => {
    const created = await fetch(spiUrl({ action: 'createInstance', aliUid: '1234567890123456', orderBizId: '8080', productCode: 'cmgj00053362', skuId: 'payg' }));
    expect(created.status).toBe(200);
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
    const loginUrl = spiUrl({ action: 'verify', instanceId: '8080', timeStamp: formatBeijingTime(Date.now()) });
    await page.goto(loginUrl, { waitUntil: 'load' });

    // Read at once: the page drops the fragment from the address bar a moment after loading.
    const url = new URL(page.url());
    expect(url.pathname).toBe('/activate/landing');
    const token = new URLSearchParams(url.hash.slice(1)).get('token');
    expect(token).toMatch(/^[\w-]{40,}$/);
    await page.waitForSelector('.wizard[data-status="register-basic"]');
    const found = await page.evaluate(() => ({
      meta: document.querySelector('meta[name="guance-activator-activation"]')?.getAttribute('content'),
      data: JSON.parse(document.getElementById('guance-activator-landing')?.textContent ?? 'null') as Record<string, unknown>,
      text: document.body.innerText,
      // The page's own stylesheet applies only if the CSP lets it through.
      background: getComputedStyle(document.body).backgroundColor,
    }));
    expect(found.meta).toBe(url.searchParams.get('activation'));
    expect(found.data).toMatchObject({ version: 1, accountId: '1234567890123456', instanceId: '8080', verified: true, apiOrigin: api.url });
    expect(found.text).toContain('1234567890123456');
    expect(found.text).toMatch(/No extension is needed/);
    expect(found.background).toBe('rgb(246, 247, 249)');
    expect(violations).toEqual([]);

    // The token works for the activation, and the server never saw it in a URL.
    const r = await fetch(`${api.url}/api/v1/activations/${found.meta}`, { headers: { Authorization: `Bearer ${token}` } });
    expect(((await r.json()) as { activation: { verified: boolean } }).activation.verified).toBe(true);
    expect(api.output()).not.toContain(token!);

    // The same link again (back, refresh, a copied URL) is refused with a page that says what to do.
    const again = await page.goto(loginUrl);
    expect(again!.status()).toBe(409);
    expect(await page.evaluate(() => document.body.innerText)).toMatch(/used already[\s\S]*Login Directly again/);
    await page.close();
  });
});
