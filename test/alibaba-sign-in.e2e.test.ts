// Sign in with Alibaba Cloud from the popup, end to end: the built extension in Chromium, the real
// API in its own process configured for a real OpenID provider (oidc-provider, started here and
// shaped like Alibaba Cloud's: `aid` names the main account). Typed IDs start an activation that
// needs proof (the default); the popup offers the proofs; the background runs launchWebAuthFlow
// through the provider's pages to the extension's redirect URI; the API proves the activation and
// the popup moves on to registration, saying how it was proved.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EXTENSION_REDIRECT_URI } from '../api/app';
import { CLIENT_ID, CLIENT_SECRET, startAlibabaProvider } from '../api/test-oidc-provider';
import { startApiServer, type ApiProcess } from './support/api-server';
import { heldActivation, launchWithExtension, openExtensionPage, setApiAddress, type ExtensionBrowser } from './support/browser';
import { createInstance } from './support/marketplace';

const SPI_KEY = 'e2e-spi-key-alibaba-sign-in-0123456789';
// Like the wizard suite: the README's screenshot only with UPDATE_SCREENSHOTS=1.
const SHOTS = resolve(import.meta.dirname, process.env.UPDATE_SCREENSHOTS ? '../docs/screenshots' : 'artifacts/screenshots');
const ACCOUNT = `3${String(Date.now()).slice(-15)}`.padEnd(16, '5');
const OTHER = `4${String(Date.now()).slice(-15)}`.padEnd(16, '5');
const INSTANCE = '830001';

let op: Awaited<ReturnType<typeof startAlibabaProvider>>;
let api: ApiProcess;
let eb: ExtensionBrowser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  op = await startAlibabaProvider([EXTENSION_REDIRECT_URI]);
  // The default policy: no first link without proof (REQUIRE_VERIFIED_LINK unset = true).
  api = await startApiServer({
    env: { ALIYUN_SPI_KEY: SPI_KEY, ALIYUN_OAUTH_CLIENT_ID: CLIENT_ID, ALIYUN_OAUTH_CLIENT_SECRET: CLIENT_SECRET, ALIYUN_OIDC_ISSUER: op.issuer },
  });
  await createInstance(api.url, SPI_KEY, ACCOUNT, INSTANCE);
  eb = await launchWithExtension({ lang: 'en-US' });
  await setApiAddress(eb, api.url);
});

afterAll(async () => {
  await eb?.close();
  await api?.stop();
  await op?.close();
});

const atStep = (page: Page, status: string) => page.waitForSelector(`.wizard[data-status="${status}"][data-pending=""]`, { timeout: 20_000 });

describe('Sign in with Alibaba Cloud from the popup', () => {
  test('typed IDs → the proofs → signed in as a RAM user of the owner → proved, on to registration', async () => {
    const popup = await openExtensionPage(eb, 'popup.html');
    await popup.setViewport({ width: 380, height: 600 });
    await atStep(popup, 'ids');
    // Pasted with spaces and typed in full-width digits: cleaned, not refused.
    await popup.locator('input[name="accountId"]').fill(` ${ACCOUNT.slice(0, 8)} ${ACCOUNT.slice(8)} `);
    await popup.locator('input[name="instanceId"]').fill(INSTANCE.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d))));
    await popup.click('button[name="start"]');

    // No first link without proof: the proofs instead of a dead end.
    await atStep(popup, 'prove');
    expect(await popup.$eval('[data-testid="cloud-account"]', (e) => e.textContent ?? '')).toContain(`${ACCOUNT} · instance ${INSTANCE}`);
    expect(await popup.$('button[name="openPurchased"]')).not.toBeNull();
    await popup.screenshot({ path: `${SHOTS}/12-prove.png`, fullPage: true });

    // First the wrong person: an identity of another main account is refused, on the cloud account.
    op.signInAs({ sub: `main-${OTHER}`, aid: OTHER, uid: OTHER });
    await popup.click('button[name="signIn"]');
    await popup.waitForFunction(() => (document.querySelector('#e-accountId')?.textContent ?? '') !== '', { timeout: 20_000 });
    expect(await popup.$eval('#e-accountId', (e) => e.textContent ?? '')).toMatch(/another Alibaba Cloud account/);
    await atStep(popup, 'prove');

    // Then a RAM user of the owner: its token carries its own uid and the main account's aid. The
    // provider remembers who signed in (its cookies): the person signs out first.
    const cdp = await popup.createCDPSession();
    await cdp.send('Network.clearBrowserCookies');
    op.signInAs({ sub: 'ram-user-1', aid: ACCOUNT, uid: '2990000000000001', login_name: 'ops@owner' });
    await popup.click('button[name="signIn"]');
    await atStep(popup, 'register-basic');
    const line = await popup.$eval('[data-testid="verified"]', (e) => e.textContent ?? '');
    expect(line).toContain('Proved by signing in with Alibaba Cloud');
    expect(line).toContain(ACCOUNT);
    const held = await heldActivation(eb);
    expect(held?.activation).toMatchObject({ accountId: ACCOUNT, instanceId: INSTANCE, proof: 'alibaba-sign-in', next: 'register' });
    // No window of the flow is left behind.
    const pages = (await eb.browser.pages()).map((p) => p.url());
    expect(pages.some((u) => u.startsWith(op.issuer))).toBe(false);
  });
});
