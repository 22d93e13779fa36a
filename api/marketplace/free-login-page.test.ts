import { describe, expect, it } from 'vitest';
import { FREE_LOGIN_OUTCOME_ID, FreeLoginFailure, FreeLoginOutcome, FreeLoginRemedy, freeLoginMessageKeys } from '../../shared/free-login';
import { formatBeijingTime } from './free-login';
import { message, pageLang } from './free-login-page';
import { signSpiParams } from './signature';
import { SPI_KEY, setup } from '../test-support';

const loginUrl = (instanceId: string, at: number) =>
  `/marketplace/aliyun/login?${new URLSearchParams(signSpiParams({ instanceId, timeStamp: formatBeijingTime(at) }, SPI_KEY))}`;

/** The outcome a failure page carries, and its text as a person sees it (without the data block). */
function read(page: string) {
  const m = new RegExp(`<script type="application/json" id="${FREE_LOGIN_OUTCOME_ID}">(.*?)</script>`, 's').exec(page);
  if (!m) throw new Error('no outcome on the page');
  return { outcome: FreeLoginOutcome.parse(JSON.parse(m[1]!)), visible: page.replace(m[0], '').replace(/<[^>]+>/g, ' ') };
}

describe('free-login failure page', () => {
  it('renders each refusal from data, in the buyer\'s language first, without raw codes', async () => {
    const s = setup();
    await s.createInstance('1234567890123456', '7101');
    const url = loginUrl('7101', s.clock.now());
    expect((await s.app.request(url)).status).toBe(302);

    const replay = await s.app.request(url, { headers: { Accept: 'text/html', 'Accept-Language': 'en-GB,en;q=0.9,zh;q=0.5' } });
    expect(replay.status).toBe(409);
    expect(replay.headers.get('Content-Security-Policy')).toMatch(/default-src 'none'/);
    const page = await replay.text();
    const { outcome, visible } = read(page);
    expect(outcome).toEqual({ ok: false, failure: 'link-replayed', remedy: 'login-again', code: 'TOKEN_REPLAYED', status: 409 });
    expect(page).toContain('<html lang="en">');
    expect(visible.indexOf(message('en', 'free_login_link_replayed_title'))).toBeLessThan(visible.indexOf(message('zh', 'free_login_link_replayed_title')));
    expect(visible).not.toMatch(/TOKEN_REPLAYED|[A-Z]{3,}_[A-Z]{3,}/);
    expect(page).toContain('href="https://market.console.aliyun.com/imageconsole/index.htm"');

    // A program still gets the JSON error.
    const json = await s.app.request(url, { headers: { Accept: 'application/json' } });
    expect(await json.json()).toMatchObject({ error: { code: 'TOKEN_REPLAYED' } });

    const zh = await (await s.app.request(url, { headers: { Accept: 'text/html', 'Accept-Language': 'zh-CN,zh;q=0.9' } })).text();
    expect(zh).toContain('<html lang="zh-CN">');

    const forged = await s.app.request(url.replace(/token=[0-9a-f]+/, `token=${'0'.repeat(32)}`), { headers: { Accept: 'text/html' } });
    expect([forged.status, read(await forged.text()).outcome]).toMatchObject([403, { failure: 'bad-signature' }]);
    const old = await s.app.request(loginUrl('7101', s.clock.now() - 10 * 60_000), { headers: { Accept: 'text/html' } });
    expect(read(await old.text()).outcome).toMatchObject({ failure: 'link-expired', status: 410 });
    const unknown = await s.app.request(loginUrl('7199', s.clock.now() + 1000), { headers: { Accept: 'text/html' } });
    expect(read(await unknown.text()).outcome).toMatchObject({ failure: 'instance-unknown', remedy: 'wait-and-retry', status: 404 });

    await s.spi({ action: 'expiredInstance', instanceId: '7101' });
    const expired = read(await (await s.app.request(loginUrl('7101', s.clock.now() + 2000), { headers: { Accept: 'text/html' } })).text());
    expect(expired.outcome).toMatchObject({ failure: 'instance-expired', remedy: 'renew', frozenUntil: expect.any(String) });
    await s.spi({ action: 'releaseInstance', instanceId: '7101', isRefund: 'false' });
    const released = await (await s.app.request(loginUrl('7101', s.clock.now() + 3000), { headers: { Accept: 'text/html' } })).text();
    expect(read(released).outcome).toMatchObject({ failure: 'instance-released', remedy: 'buy-again' });
    expect(released).toContain('href="https://market.aliyun.com/products/56838014/cmgj00053362.html"');

  });

  it('has words for every failure and remedy in both bundles', () => {
    for (const lang of ['en', 'zh'] as const) {
      for (const f of FreeLoginFailure.options) {
        const k = freeLoginMessageKeys(f);
        expect(message(lang, k.title), `${lang} ${k.title}`).not.toBe(k.title);
        expect(message(lang, k.advice), `${lang} ${k.advice}`).not.toBe(k.advice);
      }
      for (const r of FreeLoginRemedy.options) {
        const key = `free_login_remedy_${r.replace(/-/g, '_')}`;
        expect(message(lang, key), `${lang} ${key}`).not.toBe(key);
      }
    }
  });

  it('picks the language from Accept-Language (Chinese by default)', () => {
    expect(pageLang('en-US,en;q=0.9')).toBe('en');
    expect(pageLang('zh-TW,en;q=0.8')).toBe('zh');
    expect(pageLang('fr-FR,en;q=0.5')).toBe('en');
    expect(pageLang(undefined)).toBe('zh');
  });
});
