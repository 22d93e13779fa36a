import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { describe, expect, it } from 'vitest';
import { ApiError } from './lib/errors';
import { MANY_BUYERS, randomDigits, setup } from './test-support';

const N = 20;

// 20 registrations hash 20 passwords (scrypt): on a shared 2-core machine that alone can pass 5 s.
describe('races: exactly one wins, the others get the 409', { timeout: 30_000 }, () => {
  it('20 registrations of one username through a real listening server', async () => {
    const ctx = setup({ rateLimits: MANY_BUYERS });
    const acts: { a: Awaited<ReturnType<typeof ctx.start>>; code: string; email: string }[] = [];
    for (let i = 0; i < N; i++) {
      const a = await ctx.start(randomDigits(16));
      const email = `racer${i}@example.com`;
      acts.push({ a, code: await ctx.codeFor(a, { purpose: 'register', email }, email), email });
    }
    const server = serve({ fetch: ctx.app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const results = await Promise.all(acts.map(({ a, code, email }) =>
        fetch(`http://127.0.0.1:${port}/api/v1/activations/${a.id}/registration`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${a.token}` },
          body: JSON.stringify(ctx.registrationBody('samesame', email, code)),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as { error?: { code: string } } }))));
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      const losers = results.filter((r) => r.status !== 201);
      expect(losers).toHaveLength(N - 1);
      for (const l of losers) expect(l).toMatchObject({ status: 409, body: { error: { code: 'USERNAME_TAKEN' } } });
      expect(ctx.db.prepare("SELECT count(*) FROM billing_accounts WHERE username = 'samesame'").pluck().get()).toBe(1);
      expect(ctx.db.prepare('SELECT count(*) FROM guance_accounts').pluck().get()).toBe(1);
      // Losers rolled back whole: no half-made workspace, link or settlement.
      expect(ctx.db.prepare('SELECT count(*) FROM workspaces').pluck().get()).toBe(1);
      expect(ctx.db.prepare('SELECT count(*) FROM cloud_account_links').pluck().get()).toBe(1);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('20 activations binding one workspace', async () => {
    const ctx = setup({ rateLimits: MANY_BUYERS });
    const first = await ctx.start();
    const { res } = await ctx.register('wanda', 'wanda@example.com', first);
    const workspaceId = res.body.activation.workspace.id as string;
    ctx.fixture(() => ctx.db.prepare('UPDATE settlements SET ended_at = started_at').run());
    const billingId = ctx.repos.accounts.billingByUsername('wanda')!.id;
    const acts: Awaited<ReturnType<typeof ctx.start>>[] = [];
    for (let i = 0; i < N; i++) {
      const acct = randomDigits(16);
      ctx.fixture(() => ctx.repos.accounts.insertLink(acct, billingId, 0));
      const a = await ctx.start(acct);
      const code = await ctx.codeFor(a, { purpose: 'bind-billing-account', username: 'wanda' }, 'wanda@example.com');
      expect((await a.call('POST', '/billing-account', { username: 'wanda', code })).status).toBe(200);
      ctx.clock.advance(61_000);
      acts.push(a);
    }
    const results = await Promise.all(acts.map((a) => a.call('POST', '/workspace-bindings', { workspaceId })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 200)) {
      expect(r).toMatchObject({ status: 409, body: { error: { code: 'WORKSPACE_NOT_BINDABLE' } } });
    }
    expect(ctx.db.prepare('SELECT count(*) FROM settlements WHERE ended_at IS NULL').pluck().get()).toBe(1);
  });

  it('20 activations of one cloud account binding different Billing Center accounts', async () => {
    const ctx = setup({ rateLimits: MANY_BUYERS });
    const account = randomDigits(16);
    const acts: { a: Awaited<ReturnType<typeof ctx.start>>; code: string; username: string }[] = [];
    for (let i = 0; i < N; i++) {
      await ctx.register(`owner${i}`, `owner${i}@example.com`);
      const a = await ctx.start(account);
      acts.push({ a, username: `owner${i}`, code: await ctx.codeFor(a, { purpose: 'bind-billing-account', username: `owner${i}` }, `owner${i}@example.com`) });
    }
    const results = await Promise.all(acts.map(({ a, username, code }) => a.call('POST', '/billing-account', { username, code })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 200)) {
      expect(r).toMatchObject({ status: 409, body: { error: { code: 'CLOUD_ACCOUNT_LINKED_ELSEWHERE' } } });
    }
  });

  // better-sqlite3 runs a transaction start to end without yielding, so requests within one process
  // mostly meet the friendly pre-check. Another process (or connection) can still slip between
  // check and write; then the database constraint decides. These drive that path directly.
  it('the repositories map each unique constraint to its 409', () => {
    const { repos, fixture } = setup({ rateLimits: MANY_BUYERS });
    const acct = { passwordHash: 'h', phone: null };
    repos.accounts.insertBilling({ ...acct, id: 'b1', username: 'Zed', email: 'z@x.io', companyName: null, contactName: null, industry: null }, 0);
    const code = (fn: () => void) => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(ApiError);
        return (e as ApiError).code;
      }
      return 'no error';
    };
    expect(code(() => repos.accounts.insertBilling({ ...acct, id: 'b2', username: 'zed', email: 'other@x.io', companyName: null, contactName: null, industry: null }, 0))).toBe('USERNAME_TAKEN');
    expect(code(() => repos.accounts.insertBilling({ ...acct, id: 'b3', username: 'amy', email: 'z@x.io', companyName: null, contactName: null, industry: null }, 0))).toBe('EMAIL_TAKEN');
    repos.accounts.insertGuance({ ...acct, id: 'g1', username: 'zed', email: 'z@x.io' }, 0);
    expect(code(() => repos.accounts.insertGuance({ ...acct, id: 'g2', username: 'ZED', email: 'q@x.io' }, 0))).toBe('USERNAME_TAKEN');
    expect(code(() => repos.accounts.insertGuance({ ...acct, id: 'g3', username: 'amy', email: 'z@x.io' }, 0))).toBe('EMAIL_TAKEN');
    // Links, instances and settlements are audited: written here as a fixture (test-support.ts).
    fixture(() => {
      repos.accounts.insertLink('1234567890123456', 'b1', 0);
      expect(code(() => repos.accounts.insertLink('1234567890123456', 'b1', 0))).toBe('CLOUD_ACCOUNT_LINKED_ELSEWHERE');
      repos.instances.insert({ id: '1', accountId: '1234567890123456', orderId: null, productCode: 'p', skuId: null, trial: false, template: null, expiredOn: null }, 0);
      repos.workspaces.insert({ id: 'w1', name: 'W', site: 'cn1', language: 'zh', billingAccountId: 'b1' }, 'g1', 0);
      repos.workspaces.settle('w1', '1234567890123456', '1', 0);
      expect(code(() => repos.workspaces.settle('w1', '6543210987654321', '1', 0))).toBe('WORKSPACE_NOT_BINDABLE');
    });
  });
});
