import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { describe, expect, it } from 'vitest';
import { createApp } from '../app';
import { openDatabase } from '../db/connection';
import { setup, SPI_KEY } from '../test-support';
import { seedDemo } from './demo';

/** The sandbox command as a child process, with its own environment. */
const cli = (args: string[], env: Record<string, string>) => new Promise<{ code: number; out: string; err: string }>((resolve) =>
  execFile('npx', ['tsx', 'api/marketplace/cli.ts', ...args], { encoding: 'utf8', env: { ...process.env, ALIYUN_SPI_KEY: '', ...env } },
    (e, out, err) => resolve({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, out, err })));

async function listen(app: ReturnType<typeof createApp>) {
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((r) => server.once('listening', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(r)) };
}

describe('sandbox demo', () => {
  it('leaves a purchase a newcomer can bind to an existing workspace, with what to type', async () => {
    const s = setup();
    const seed = await seedDemo(s.db, SPI_KEY, { now: s.clock.now });
    expect(s.repos.instances.get(seed.releasedInstanceId)!.status).toBe('released');
    // Nothing was mailed for the demo's own steps: their messages were caught by the demo, none is
    // left in the outbox for the server's mail worker to send.
    expect(s.repos.outbox.to(seed.email).filter((m) => m.status === 'pending')).toEqual([]);

    const r = await s.call('POST', '/activations', { accountId: seed.accountId, instanceId: seed.instanceId, site: 'cn1' });
    expect(r.body.activation).toMatchObject({ next: 'bind-billing-account', paths: ['bind-billing-account'] });
    const act = { ...r.body.activation, token: r.body.token, call: (m: string, sub: string, b?: unknown) => s.call(m, `/activations/${r.body.activation.id}${sub}`, b, r.body.token) };
    const code = await s.codeFor(act, { purpose: 'bind-billing-account', username: seed.username }, seed.email);
    expect((await act.call('POST', '/billing-account', { username: seed.username, code })).status).toBe(200);
    const list = (await act.call('GET', '/workspaces')).body.workspaces;
    expect(list).toEqual([expect.objectContaining({ name: seed.workspaceName, bindable: true, reason: null })]);
    expect(await act.call('POST', '/workspace-bindings', { workspaceId: list[0].id }))
      .toMatchObject({ status: 200, body: { activation: { state: 'activated', workspace: { name: seed.workspaceName } } } });
    // And the Billing Center account's password is the one printed.
    expect((await s.call('POST', '/sessions', { login: seed.username, password: seed.password })).status).toBe(200);
  });

  it('as a command: uses the server\'s database and key, and says when the server runs on another one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'demo-'));
    const dbPath = join(dir, 'guance.db');
    const key = 'demo-test-spi-key-0123456789';
    writeFileSync(join(dir, 'aliyun-spi-key'), `${key}\n`);
    const db = openDatabase(dbPath);
    const same = await listen(createApp({ db, spiKey: key, log: () => {} }));
    const other = await listen(createApp({ db: openDatabase(':memory:'), spiKey: key, log: () => {} }));
    try {
      const ok = await cli(['demo', '--url', same.url], { DATABASE_PATH: dbPath });
      expect(ok.code, ok.err).toBe(0);
      expect(ok.out).toMatch(/Alibaba Cloud account ID\s+\d{16}/);
      expect(ok.out).toMatch(/npm run marketplace -- verify --instance \d+/);
      expect(ok.err).not.toMatch(/another database/);
      const instance = /Instance ID \(new\)\s+(\d+)/.exec(ok.out)![1]!;
      expect(db.prepare('SELECT status FROM instances WHERE id = ?').pluck().get(instance)).toBe('active');

      const elsewhere = await cli(['demo', '--url', other.url], { DATABASE_PATH: dbPath });
      expect(elsewhere.err).toMatch(/runs on another database/);

      // Signing with the key beside another database: said at once, not a silent new key and a 403.
      const noKey = await cli(['create-instance', '--account', '1234567890123456', '--url', same.url], { DATABASE_PATH: join(dir, 'elsewhere', 'x.db') });
      expect(noKey.code).toBe(2);
      expect(noKey.err).toMatch(/No SPI key to sign with.*\n.*DATABASE_PATH/);
      const wrongKey = await cli(['create-instance', '--account', '1234567890123456', '--url', same.url, '--key', 'not-the-servers-key-000'], {});
      expect(wrongKey.code).toBe(1);
      expect(wrongKey.err).toMatch(/refused the signature: it uses another SPI key than this command \(--key\)/);
      const right = await cli(['create-instance', '--account', '1234567890123456', '--url', same.url], { DATABASE_PATH: dbPath });
      expect(right.code, right.err).toBe(0);
    } finally {
      await same.close();
      await other.close();
      db.close();
    }
  }, 90_000);
});
