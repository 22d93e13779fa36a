// Races through a real listening server: 20 concurrent attempts at something only one may have.
// Exactly one succeeds, the others get the 409 that names the conflict, and the database holds one.
// Then the same rules when the database constraint, not the pre-check, decides.
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { newId } from '../lib/crypto';
import { formatBeijingTime } from '../marketplace/free-login';
import { signSpiParams } from '../marketplace/signature';
import { ApiError } from '../lib/errors';
import { MANY_BUYERS, SPI_KEY, setup } from '../test-support';

const N = 20;
const HOUR = 3600_000;
let server: ServerType | undefined;
afterEach(() => new Promise<void>((res) => (server ? server.close(() => res()) : res())));

async function listen(s: ReturnType<typeof setup>) {
  server = serve({ fetch: s.app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((res) => server!.once('listening', () => res()));
  const { port } = server.address() as AddressInfo;
  return (path: string, body: unknown, token: string) =>
    fetch(`http://127.0.0.1:${port}/api/v1${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as { error?: { code: string } } }));
}

const account = (i: number) => `7${String(i).padStart(15, '0')}`;
const count = (s: ReturnType<typeof setup>, sql: string, ...args: unknown[]) => s.db.prepare(sql).pluck().get(...args) as number;
const idOf = (s: ReturnType<typeof setup>, table: string, username: string) =>
  s.db.prepare(`SELECT id FROM ${table} WHERE username = ?`).pluck().get(username) as string;

function outcome(results: Array<{ status: number; body: { error?: { code: string } } }>) {
  const ok = results.filter((r) => r.status < 300).length;
  const codes = [...new Set(results.filter((r) => r.status >= 300).map((r) => `${r.status} ${r.body.error?.code}`))];
  return { ok, codes };
}

// Each case hashes ~20 passwords (scrypt) first: on a shared 2-core machine that alone can pass 5 s.
describe(`${N} concurrent attempts, one winner`, { timeout: 30_000 }, () => {
  it('take the same username', async () => {
    const s = setup({ rateLimits: MANY_BUYERS });
    const acts = [];
    for (let i = 0; i < N; i++) {
      const a = await s.start(account(i), String(800000 + i));
      const code = await s.codeFor(a, { purpose: 'register', email: `racer${i}@example.com` }, `racer${i}@example.com`);
      acts.push({ a, code, email: `racer${i}@example.com` });
    }
    const post = await listen(s);
    const results = await Promise.all(
      acts.map(({ a, code, email }) => post(`/activations/${a.id}/registration`, s.registrationBody('same_name', email, code), a.token)),
    );
    expect(outcome(results)).toEqual({ ok: 1, codes: ['409 USERNAME_TAKEN'] });
    expect(count(s, "SELECT COUNT(*) FROM billing_accounts WHERE username = 'same_name'")).toBe(1);
    expect(count(s, "SELECT COUNT(*) FROM guance_accounts WHERE username = 'same_name'")).toBe(1);
    expect(count(s, 'SELECT COUNT(*) FROM workspaces')).toBe(1);
    expect(count(s, "SELECT COUNT(*) FROM activations WHERE state = 'activated'")).toBe(1);
    // The losers rolled back whole: no half-made link or settlement either.
    expect(count(s, 'SELECT COUNT(*) FROM cloud_account_links')).toBe(1);
    expect(count(s, 'SELECT COUNT(*) FROM settlements')).toBe(1);
  }, 60_000);

  it('bind the same workspace', async () => {
    const s = setup({ rateLimits: MANY_BUYERS });
    const { act: owner } = await s.register('ws_owner', 'owner@example.com');
    const billingId = idOf(s, 'billing_accounts', 'ws_owner');
    const guanceId = idOf(s, 'guance_accounts', 'ws_owner');
    // A workspace the Billing Center account pays for directly: no marketplace settlement yet.
    const wsId = newId('ws');
    s.repos.workspaces.insert({ id: wsId, name: 'shared', site: 'cn1', language: 'en', billingAccountId: billingId }, guanceId, s.clock.now());
    const acts = [];
    for (let i = 0; i < N; i++) {
      const a = await s.start(owner.accountId, String(810000 + i));
      const code = await s.codeFor(a, { purpose: 'bind-billing-account', username: 'ws_owner' }, 'owner@example.com');
      expect((await a.call('POST', '/billing-account', { username: 'ws_owner', code })).status).toBe(200);
      acts.push(a);
      s.clock.advance(HOUR / 12); // past the resend wait, within every activation's life
    }
    const post = await listen(s);
    const results = await Promise.all(acts.map((a) => post(`/activations/${a.id}/workspace-bindings`, { workspaceId: wsId }, a.token)));
    expect(outcome(results)).toEqual({ ok: 1, codes: ['409 WORKSPACE_NOT_BINDABLE'] });
    expect(count(s, 'SELECT COUNT(*) FROM settlements WHERE workspace_id = ? AND ended_at IS NULL', wsId)).toBe(1);
  }, 60_000);

  it('link the same cloud account to different Billing Center accounts', async () => {
    const s = setup({ rateLimits: MANY_BUYERS });
    for (let i = 0; i < N; i++) {
      await s.register(`owner_${i}`, `owner${i}@example.com`, await s.start(account(100 + i), String(820000 + i)));
    }
    s.clock.advance(HOUR); // a fresh hour for the starts below
    const contested = '9999888877776666';
    const acts = [];
    for (let i = 0; i < N; i++) {
      const a = await s.start(contested, String(830000 + i));
      const code = await s.codeFor(a, { purpose: 'bind-billing-account', username: `owner_${i}` }, `owner${i}@example.com`);
      acts.push({ a, code, username: `owner_${i}` });
    }
    const post = await listen(s);
    const results = await Promise.all(acts.map(({ a, code, username }) => post(`/activations/${a.id}/billing-account`, { username, code }, a.token)));
    expect(outcome(results)).toEqual({ ok: 1, codes: ['409 CLOUD_ACCOUNT_LINKED_ELSEWHERE'] });
    expect(count(s, 'SELECT COUNT(*) FROM cloud_account_links WHERE account_id = ?', contested)).toBe(1);
    expect(count(s, "SELECT COUNT(*) FROM activations WHERE account_id = ? AND state = 'needs-workspace'", contested)).toBe(1);
  }, 60_000);

  it('proved owners replacing a link made without proof (free login, then registration): it ends once, one mail', async () => {
    const s = setup({ rateLimits: MANY_BUYERS });
    const contested = '9999888877770000';
    await s.register('squatter', 'squatter@example.com', await s.start(contested, '840000'));
    // N Login Directly links (each signed link is distinct: an extra parameter is signed too).
    const acts = [];
    for (let i = 0; i < N; i++) {
      const q = new URLSearchParams(signSpiParams(
        { action: 'verify', instanceId: '840000', timeStamp: formatBeijingTime(s.clock.now()), click: String(i) }, SPI_KEY));
      const loc = new URL((await s.app.request(`/marketplace/aliyun?${q}`)).headers.get('Location')!);
      const a = { id: loc.searchParams.get('activation')!, token: new URLSearchParams(loc.hash.slice(1)).get('token')!, accountId: contested, instanceId: '840000' };
      const call = (m: string, sub: string, body?: unknown) => s.call(m, `/activations/${a.id}${sub}`, body, a.token);
      acts.push({ ...a, call, email: `proved${i}@example.com`, code: await s.codeFor({ ...a, call }, { purpose: 'register', email: `proved${i}@example.com` }, `proved${i}@example.com`) });
    }
    const post = await listen(s);
    const results = await Promise.all(acts.map((a, i) => post(`/activations/${a.id}/registration`, s.registrationBody(`proved_${i}`, a.email, a.code), a.token)));
    // Every loser hears that the purchase pays for a workspace now, whether it checked before or
    // after the winner's commit (the checks run in one order before and inside the transaction).
    expect(outcome(results)).toEqual({ ok: 1, codes: ['409 ALREADY_ACTIVATED'] });
    expect(count(s, "SELECT COUNT(*) FROM link_endings WHERE account_id = ? AND reason = 'superseded'", contested)).toBe(1);
    expect(count(s, "SELECT COUNT(*) FROM cloud_account_links WHERE account_id = ? AND proof = 'marketplace'", contested)).toBe(1);
    expect(s.repos.outbox.to('squatter@example.com').filter((m) => m.subject.includes(contested))).toHaveLength(1);
  });
});

// better-sqlite3 runs a transaction start to end without yielding, so requests within one process
// mostly meet the friendly pre-check. Another process (or connection) can still slip between
// check and write; then the database constraint decides. This drives that path directly.
describe('when the constraint decides', () => {
  it('the repositories map each unique constraint to its 409', () => {
    const { repos, fixture } = setup();
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
