import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { describe, expect, it } from 'vitest';
import { SPI_KEY, setup } from '../test-support';
import { buildParams, marketplaceTime } from './cli';

describe('sandbox marketplace command', () => {
  it('builds the parameters of each action', () => {
    const now = Date.parse('2026-01-15T08:00:00Z');
    expect(buildParams('create-instance', { account: '1234567890123456', instance: '42' }, now)).toMatchObject({
      action: 'createInstance', aliUid: '1234567890123456', orderBizId: '42', productCode: 'cmgj00053362', trial: 'false',
    });
    expect(buildParams('renew-instance', { instance: '42' }, now)).toMatchObject({ action: 'renewInstance', instanceId: '42', expiredOn: '2027-01-15 16:00:00' });
    expect(buildParams('release-instance', { instance: '42', refund: true }, now)).toEqual({ action: 'releaseInstance', instanceId: '42', isRefund: 'true' });
    expect(buildParams('verify', { instance: '42' }, now)).toEqual({ action: 'verify', instanceId: '42', timeStamp: '2026-01-15 16:00:00' });
    expect(buildParams('expired-instance', { instance: '42', param: ['foo=bar=baz'] }, now)).toEqual({ action: 'expiredInstance', instanceId: '42', foo: 'bar=baz' });
    expect(marketplaceTime(0)).toBe('1970-01-01 08:00:00');
  });

  it('signs and sends calls the API accepts, end to end as a child process', async () => {
    const ctx = setup();
    const server = serve({ fetch: ctx.app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      // The server runs on this thread, so the child must be awaited, not run synchronously.
      const runAsync = (...args: string[]) => new Promise<string>((resolve, reject) =>
        execFile('npx', ['tsx', 'api/marketplace/cli.ts', ...args, '--url', url, '--key', SPI_KEY], { encoding: 'utf8' },
          (err, stdout, stderr) => (err ? reject(new Error(`${stdout}${stderr}`)) : resolve(stdout))));
      const out = await runAsync('create-instance', '--account', '1234567890123456', '--instance', '31337');
      expect(out).toContain('200 {"instanceId":"31337"');
      // The token on the wire is the MD5 of the sorted query plus the key, recomputed here by hand.
      const query = new URL(/GET (\S+)/.exec(out)![1]!).searchParams;
      const token = query.get('token')!;
      query.delete('token');
      const sorted = [...query].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join('&');
      expect(token).toBe(createHash('md5').update(`${sorted}&key=${SPI_KEY}`).digest('hex'));
      expect(ctx.repos.instances.get('31337')).toMatchObject({ accountId: '1234567890123456', status: 'active' });
      await runAsync('expired-instance', '--instance', '31337');
      expect(ctx.repos.instances.get('31337')!.status).toBe('expired');
      await runAsync('renew-instance', '--instance', '31337', '--expires', '2030-01-01 00:00:00');
      expect(ctx.repos.instances.get('31337')).toMatchObject({ status: 'active', expiredOn: '2030-01-01 00:00:00' });
      await runAsync('upgrade-instance', '--instance', '31337', '--sku', 'pro');
      await runAsync('release-instance', '--instance', '31337');
      expect(ctx.repos.instances.get('31337')).toMatchObject({ status: 'released', skuId: 'pro' });
      await expect(runAsync('renew-instance', '--instance', '999')).rejects.toThrow(/404/);
    } finally {
      await new Promise((r) => server.close(r));
    }
  }, 60_000);
});
