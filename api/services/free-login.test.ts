import { describe, expect, it } from 'vitest';
import { formatBeijingTime } from '../marketplace/free-login';
import { signSpiParams } from '../marketplace/signature';
import { SPI_KEY, setup } from '../test-support';

function verifyUrl(s: ReturnType<typeof setup>, instanceId: string, at = s.clock.now(), path = '/marketplace/aliyun') {
  const params: Record<string, string> = path.endsWith('/login')
    ? { instanceId, timeStamp: formatBeijingTime(at) }
    : { action: 'verify', instanceId, timeStamp: formatBeijingTime(at) };
  return `${path}?${new URLSearchParams(signSpiParams(params, SPI_KEY))}`;
}

describe('free login (verify)', () => {
  it('starts a verified activation and sends the browser to the landing page with the token in the fragment', async () => {
    const s = setup();
    await s.createInstance('1234567890123456', '7001');
    const r = await s.app.request(verifyUrl(s, '7001'), { headers: { Accept: 'text/html' } });
    expect(r.status).toBe(302);
    const loc = new URL(r.headers.get('Location')!);
    expect(`${loc.origin}${loc.pathname}`).toBe('https://activator.test/activate/landing');
    const id = loc.searchParams.get('activation')!;
    const token = new URLSearchParams(loc.hash.slice(1)).get('token')!;
    expect(loc.search).not.toContain(token);

    const view = await s.call('GET', `/activations/${id}`, undefined, token);
    expect(view.status).toBe(200);
    expect(view.body.activation).toMatchObject({ accountId: '1234567890123456', instanceId: '7001', state: 'needs-billing-account', verified: true });

    // The landing page: for people, and for the extension.
    const page = await s.app.request(`/activate/landing?activation=${id}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`<meta name="guance-activator-activation" content="${id}">`);
    const json = /<script type="application\/json" id="guance-activator-landing">(.*?)<\/script>/.exec(html)![1]!;
    expect(JSON.parse(json)).toEqual({
      version: 1, activationId: id, accountId: '1234567890123456', instanceId: '7001', site: 'cn1', verified: true, proof: 'marketplace',
      expiresAt: view.body.activation.expiresAt, apiOrigin: 'https://activator.test',
    });
    expect(html).toContain('1234567890123456');
    expect(html).not.toContain(token);
    expect(page.headers.get('Content-Security-Policy')).toMatch(/default-src 'none'; style-src 'sha256-/);
    expect(page.headers.get('Referrer-Policy')).toBe('no-referrer');

    // Verified proves the cloud account only: binding a Billing Center account still takes its code.
    expect((await s.call('POST', `/activations/${id}/billing-account`, { username: 'someone', code: '123456' }, token)).status).toBeGreaterThanOrEqual(400);
  });

  it('also answers at the authUrl given to createInstance', async () => {
    const s = setup();
    const created = await s.createInstance('1234567890123456', '7002');
    expect(created.body.appInfo.authUrl).toBe('https://activator.test/marketplace/aliyun/login?instanceId=7002');
    const r = await s.app.request(verifyUrl(s, '7002', s.clock.now(), '/marketplace/aliyun/login'));
    expect(r.status).toBe(302);
  });

  it('refuses a token seen before, a stale or future time stamp, a bad signature and an unknown or expired instance', async () => {
    const s = setup();
    await s.createInstance('1234567890123456', '7003');
    const url = verifyUrl(s, '7003');
    expect((await s.app.request(url)).status).toBe(302);
    const replay = await s.app.request(url, { headers: { Accept: 'application/json' } });
    expect([replay.status, ((await replay.json()) as any).error.code]).toEqual([409, 'TOKEN_REPLAYED']);

    const stale = await s.app.request(verifyUrl(s, '7003', s.clock.now() - 5 * 60_000 - 1000), { headers: { Accept: 'application/json' } });
    expect([stale.status, ((await stale.json()) as any).error.code]).toEqual([410, 'CODE_EXPIRED']);
    const future = await s.app.request(verifyUrl(s, '7003', s.clock.now() + 6 * 60_000));
    expect(future.status).toBe(410);
    // Within the window either way: accepted.
    expect((await s.app.request(verifyUrl(s, '7003', s.clock.now() - 4 * 60_000))).status).toBe(302);

    const before = s.db.prepare('SELECT COUNT(*) FROM activations').pluck().get();
    const forged = verifyUrl(s, '7003', s.clock.now() + 1000).replace(/token=[0-9a-f]{32}/, `token=${'0'.repeat(32)}`);
    expect((await s.app.request(forged)).status).toBe(403);
    expect((await s.app.request(verifyUrl(s, '9999', s.clock.now() + 2000))).status).toBe(404);
    await s.spi({ action: 'expiredInstance', instanceId: '7003' });
    const frozen = await s.app.request(verifyUrl(s, '7003', s.clock.now() + 3000), { headers: { Accept: 'text/html' } });
    expect(frozen.status).toBe(409);
    expect(frozen.headers.get('Content-Type')).toMatch(/text\/html/);
    expect(await frozen.text()).toMatch(/renew|续费/i);
    expect(s.db.prepare('SELECT COUNT(*) FROM activations').pluck().get()).toBe(before);
  });

  it('shows an unknown activation as 404 without markers, and an expired one with a notice', async () => {
    const s = setup();
    const missing = await s.app.request('/activate/landing?activation=act_nope');
    expect(missing.status).toBe(404);
    expect(await missing.text()).not.toContain('guance-activator-landing');
    await s.createInstance('1234567890123456', '7004');
    const loc = new URL((await s.app.request(verifyUrl(s, '7004'))).headers.get('Location')!);
    s.clock.advance(25 * 3600_000);
    const page = await (await s.app.request(`${loc.pathname}${loc.search}`)).text();
    expect(page).toMatch(/expired/);
  });
});
