import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SPI_KEY, setup } from '../test-support';

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

describe('GET /marketplace/aliyun', () => {
  it('createInstance with a hand-computed token records the instance and answers instanceId and authUrl', async () => {
    const { app, repos } = setup();
    const token = md5(`action=createInstance&aliUid=1234567890123456&orderBizId=777001&orderId=1&productCode=cmgj00053362&skuId=s1&trial=true&key=${SPI_KEY}`);
    const res = await app.request(
      `/marketplace/aliyun?action=createInstance&aliUid=1234567890123456&orderBizId=777001&orderId=1&productCode=cmgj00053362&skuId=s1&trial=true&token=${token}`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({
      instanceId: '777001',
      appInfo: { authUrl: 'https://activator.test/marketplace/aliyun/login?instanceId=777001' },
    });
    expect(repos.instances.get('777001')).toMatchObject({ accountId: '1234567890123456', status: 'active', trial: true, skuId: 's1' });
    const calls = repos.instances.calls();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ action: 'createInstance', instanceId: '777001', outcome: 'ok', httpStatus: 200 });
    expect(calls[0]!.params).not.toHaveProperty('token');
    expect(calls[0]!.params).toMatchObject({ aliUid: '1234567890123456', orderBizId: '777001' });
  });

  it('is idempotent on orderBizId: the same answer again, one instance', async () => {
    const { createInstance, repos, db } = setup();
    const a = await createInstance('1234567890123456', '555');
    const b = await createInstance('1234567890123456', '555');
    expect(b).toMatchObject({ status: 200, body: a.body });
    expect(db.prepare('SELECT count(*) AS n FROM instances').get()).toEqual({ n: 1 });
    expect(repos.instances.calls().map((c) => c.outcome)).toEqual(['ok', 'replayed']);
    // The same orderBizId for another account is not the same order.
    const c = await createInstance('6543210987654321', '555');
    expect(c.status).toBe(409);
  });

  it('refuses a bad, missing or foreign-key token with 403 and writes nothing', async () => {
    const { app, db } = setup();
    const q = 'action=createInstance&aliUid=1234567890123456&orderBizId=9&productCode=p';
    const good = md5(`${q}&key=${SPI_KEY}`);
    for (const url of [
      `/marketplace/aliyun?${q}`,
      `/marketplace/aliyun?${q}&token=${md5(`${q}&key=wrong`)}`,
      `/marketplace/aliyun?${q}&token=${good}&extra=1`, // an unsigned extra parameter breaks it
      `/marketplace/aliyun?${q}&token=not-hex`,
    ]) {
      const res = await app.request(url);
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ error: { code: 'BAD_SIGNATURE' } });
    }
    expect(db.prepare('SELECT (SELECT count(*) FROM instances) + (SELECT count(*) FROM spi_calls) AS n').get()).toEqual({ n: 0 });
    expect((await app.request(`/marketplace/aliyun?${q}&token=${good}`)).status).toBe(200);
  });

  it('includes unknown parameters in the signature and keeps them in the log', async () => {
    const { spi, repos } = setup();
    const r = await spi({ action: 'createInstance', aliUid: '1234567890123456', orderBizId: '31', productCode: 'p', channel: 'x', extra: '观测云' });
    expect(r.status).toBe(200);
    expect(repos.instances.calls()[0]!.params).toMatchObject({ channel: 'x', extra: '观测云' });
  });

  it('renew, upgrade, expire, release record status and expiry', async () => {
    const { spi, createInstance, repos } = setup();
    await createInstance('1234567890123456', '88');
    expect(await spi({ action: 'upgradeInstance', instanceId: '88', skuId: 'pro' })).toMatchObject({ status: 200, body: { success: true } });
    expect(repos.instances.get('88')).toMatchObject({ skuId: 'pro', status: 'active' });
    expect(await spi({ action: 'expiredInstance', instanceId: '88' })).toMatchObject({ status: 200, body: { success: true } });
    expect(repos.instances.get('88')!.status).toBe('expired');
    expect(await spi({ action: 'renewInstance', instanceId: '88', orderId: '5', expiredOn: '2027-03-01 00:00:00' }))
      .toMatchObject({ status: 200, body: { success: true } });
    expect(repos.instances.get('88')).toMatchObject({ status: 'active', expiredOn: '2027-03-01 00:00:00' });
    expect(await spi({ action: 'releaseInstance', instanceId: '88', isRefund: 'false' })).toMatchObject({ status: 200, body: { success: true } });
    expect(repos.instances.get('88')!.status).toBe('released');
    // Released is final.
    expect(await spi({ action: 'renewInstance', instanceId: '88', expiredOn: '2028-03-01 00:00:00' }))
      .toMatchObject({ status: 409, body: { error: { code: 'INSTANCE_NOT_ACTIVE' } } });
    expect(await spi({ action: 'expiredInstance', instanceId: '88' })).toMatchObject({ status: 200 });
    expect(repos.instances.get('88')!.status).toBe('released');
    expect(repos.instances.calls().map((c) => [c.action, c.outcome])).toEqual([
      ['createInstance', 'ok'], ['upgradeInstance', 'ok'], ['expiredInstance', 'ok'], ['renewInstance', 'ok'],
      ['releaseInstance', 'ok'], ['renewInstance', 'INSTANCE_NOT_ACTIVE'], ['expiredInstance', 'replayed'],
    ]);
  });

  it('answers signed but unusable calls with JSON errors and logs them', async () => {
    const { spi, repos, app } = setup();
    expect(await spi({ action: 'renewInstance', instanceId: '404', expiredOn: '2027-01-01 00:00:00' }))
      .toMatchObject({ status: 404, body: { error: { code: 'INSTANCE_NOT_FOUND' } } });
    expect(await spi({ action: 'createInstance', aliUid: '12', orderBizId: 'x', productCode: 'p' }))
      .toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(await spi({ action: 'explode' })).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    expect(repos.instances.calls().map((c) => c.outcome)).toEqual(['INSTANCE_NOT_FOUND', 'VALIDATION_FAILED', 'BAD_REQUEST']);
    // A repeated parameter makes the signed string ambiguous.
    const dup = await app.request('/marketplace/aliyun?action=a&action=b&token=00000000000000000000000000000000');
    expect(dup.status).toBe(400);
    // A value holding & or = is refused before anything runs, signed or not.
    const smuggled = await spi({ action: 'upgradeInstance', instanceId: '404', skuId: 'S&zz=1' });
    expect(smuggled).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST', message: expect.stringMatching(/skuId/) } } });
    expect(repos.instances.calls()).toHaveLength(3);
    expect((await app.request('/marketplace/aliyun', { method: 'POST' })).status).toBe(405);
  });
});
