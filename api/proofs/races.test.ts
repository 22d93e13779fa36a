// Races through a real listening server: 20 concurrent attempts at something only one may have.
// Exactly one succeeds, the others get the 409 that names the conflict, and the database holds one.
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { newId } from '../lib/crypto';
import { formatBeijingTime } from '../marketplace/free-login';
import { signSpiParams } from '../marketplace/signature';
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
  });

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
  });

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
  });

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
    expect(outcome(results)).toEqual({ ok: 1, codes: ['409 CLOUD_ACCOUNT_LINKED_ELSEWHERE'] });
    expect(count(s, "SELECT COUNT(*) FROM link_endings WHERE account_id = ? AND reason = 'superseded'", contested)).toBe(1);
    expect(count(s, "SELECT COUNT(*) FROM cloud_account_links WHERE account_id = ? AND proof = 'marketplace'", contested)).toBe(1);
    expect(s.repos.outbox.to('squatter@example.com').filter((m) => m.subject.includes(contested))).toHaveLength(1);
  });
});
