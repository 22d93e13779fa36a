import { describe, expect, it } from 'vitest';
import { setup } from '../test-support';
import { createApi } from '../app';
import { openDatabase } from '../db/connection';
import { OperatorRepository } from './repositories/operators';
import { addOperator, ConsoleClient, OPERATOR } from './test-support';

const PUBLIC = new Set(['/operator/sign-in', '/operator/sign-in/code', '/operator/sign-in/verify', '/operator/assets/console.css']);

// Most tests sign in with an emailed code: a password check is a scrypt hash, and these run beside
// the rest of the suite on a small machine. The password path has its own tests.
async function world() {
  const s = setup();
  await addOperator(s.db, s.clock.now(), OPERATOR.email, null);
  const { act } = await s.register('alice_01', 'alice@example.com');
  const frozen = await s.start('6543210987654321', '5550002');
  await s.spi({ action: 'expiredInstance', instanceId: '5550002' });
  // A call ahead of its instance: kept, pending.
  await s.spi({ action: 'renewInstance', instanceId: '7770001', expiredOn: '2027-01-01 00:00:00' });
  // A call with a bad signature: only counted.
  await s.app.request('/marketplace/aliyun?action=createInstance&token=bad');
  const client = new ConsoleClient(s.app, undefined, s.db);
  return { s, act, frozen, client };
}

describe('operator console: access', { timeout: 30_000 }, () => {
  it('no operator page is reachable without a session (every route)', async () => {
    const { s } = await world();
    const routes = s.app.routes.filter((r) => r.path.startsWith('/operator') && r.method !== 'ALL' && !PUBLIC.has(r.path));
    expect(routes.length).toBeGreaterThan(15);
    for (const r of routes) {
      const path = r.path.replace(':accountId', '8621395023309366').replace(':id', '5550002');
      const res = await s.app.request(path, {
        method: r.method,
        headers: r.method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://activator.test' } : {},
        body: r.method === 'POST' ? 'reason=because&confirm=yes&days=3&mode=lift' : undefined,
      });
      const text = await res.text();
      if (r.method === 'GET') {
        expect(res.status, `${r.method} ${path}`).toBe(303);
        expect(res.headers.get('Location'), path).toMatch(/^\/operator\/sign-in\?next=/);
      } else {
        expect(res.status, `${r.method} ${path}`).toBe(401);
      }
      expect(text, `${r.method} ${path}`).not.toMatch(/alice|6543210987654321/);
    }
    // Nothing was done by those posts.
    expect(s.db.prepare("SELECT count(*) FROM operator_actions WHERE outcome = 'ok'").pluck().get()).toBe(0);
    expect(s.db.prepare('SELECT count(*) FROM cloud_account_links').pluck().get()).toBe(1);
  });

  it('a password sign-in sets an HttpOnly SameSite=Strict cookie; Secure and __Host- outside loopback', async () => {
    const { s } = await world();
    const onLoopback = setup({ publicUrl: 'http://127.0.0.1' });
    await addOperator(onLoopback.db, onLoopback.clock.now());
    const local = new ConsoleClient(onLoopback.app, 'http://127.0.0.1');
    const r = await local.signIn();
    const cookie = r.headers.getSetCookie().find((c) => c.startsWith('op_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toMatch(/Secure/);

    await addOperator(s.db, s.clock.now(), 'pw@vendor.test', OPERATOR.password);
    const remote = new ConsoleClient(s.app, 'https://activator.test');
    const r2 = await remote.signIn('pw@vendor.test');
    const c2 = r2.headers.getSetCookie().find((c) => c.startsWith('__Host-op_session='))!;
    expect(c2).toMatch(/Secure/);
    expect(c2).toMatch(/Path=\//);
    expect(c2).toMatch(/HttpOnly/);
    const page = await remote.get('/operator/links');
    expect(page.status).toBe(200);
    expect(page.text).toContain('alice_01');
    // Only the token's hash is stored.
    const token = remote.jar.get('__Host-op_session')!;
    expect(s.db.prepare('SELECT count(*) FROM operator_sessions WHERE token_hash = ?').pluck().get(token)).toBe(0);
  });

  it('a wrong password stays on the sign-in page, says nothing about who exists, and is recorded for a real operator', async () => {
    const { s } = await world();
    const c = new ConsoleClient(s.app);
    await c.get('/operator/sign-in');
    const wrong = await c.post('/operator/sign-in', { email: OPERATOR.email, password: 'nope nope' });
    const unknown = await c.post('/operator/sign-in', { email: 'nobody@vendor.test', password: 'nope nope' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.text).toContain('id="password-form"');
    expect(wrong.text.replace(/value="[^"]*"/g, '')).toBe(unknown.text.replace(/value="[^"]*"/g, '').replace('nobody@vendor.test', OPERATOR.email));
    expect(s.db.prepare("SELECT actor, action, outcome FROM operator_actions WHERE action = 'sign-in'").all())
      .toEqual([{ actor: OPERATOR.email, action: 'sign-in', outcome: 'INVALID_CREDENTIALS' }]);
    expect(c.jar.has('__Host-op_session')).toBe(false);
  });

  it('signs in with an emailed code, once; an unknown address gets the same page and no mail', async () => {
    const { s } = await world();
    await addOperator(s.db, s.clock.now(), 'codes@vendor.test', null);
    const c = new ConsoleClient(s.app);
    await c.get('/operator/sign-in');
    const before = s.db.prepare('SELECT count(*) FROM outbox').pluck().get() as number;
    const none = await c.post('/operator/sign-in/code', { email: 'nobody@vendor.test' });
    expect(none.status).toBe(200);
    expect(none.text).toContain('id="code-form"');
    expect(s.db.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(before);
    const sent = await c.post('/operator/sign-in/code', { email: 'Codes@Vendor.test' });
    expect(sent.text).toContain('id="code-form"');
    const body = s.repos.outbox.to('codes@vendor.test').at(-1)!.body;
    const code = /is (\d{6})/.exec(body)![1]!;
    const bad = await c.post('/operator/sign-in/verify', { email: 'codes@vendor.test', code: code === '000000' ? '111111' : '000000' });
    expect(bad.status).toBe(422);
    const ok = await c.post('/operator/sign-in/verify', { email: 'codes@vendor.test', code });
    expect(ok.status).toBe(303);
    expect((await c.get('/operator/instances')).text).toContain('codes@vendor.test');
    // The code is used up.
    const other = new ConsoleClient(s.app);
    await other.get('/operator/sign-in');
    const again = await other.post('/operator/sign-in/verify', { email: 'codes@vendor.test', code });
    expect(again.status).toBe(422);
    // No password: a password sign-in is refused like a wrong one.
    const pw = await new ConsoleClient(s.app);
    await pw.get('/operator/sign-in');
    expect((await pw.post('/operator/sign-in', { email: 'codes@vendor.test', password: '' })).status).toBe(400);
  });

  it('a session ends after the idle time, and at sign-out', async () => {
    const { s, client } = await world();
    await client.signIn();
    s.clock.advance(29 * 60_000);
    expect((await client.get('/operator/instances')).status).toBe(200);
    s.clock.advance(29 * 60_000);
    expect((await client.get('/operator/instances')).status).toBe(200);
    s.clock.advance(31 * 60_000);
    const idle = await client.get('/operator/instances');
    expect(idle.status).toBe(303);
    await client.signIn();
    const out = await client.post('/operator/sign-out', {});
    expect(out.status).toBe(303);
    expect((await client.get('/operator/instances')).status).toBe(303);
  });

  it('refuses a form without the session CSRF token, with a wrong one, or from another origin', async () => {
    const { s, client } = await world();
    await client.signIn();
    const path = '/operator/links/' + s.db.prepare('SELECT account_id FROM cloud_account_links').pluck().get() + '/unlink';
    const fields = { reason: 'buyer asked', confirm: 'yes' };
    expect((await client.post(path, fields, { csrf: null })).status).toBe(403);
    expect((await client.post(path, fields, { csrf: 'x'.repeat(43) })).status).toBe(403);
    expect((await client.post(path, fields, { headers: { origin: 'https://evil.example' } })).status).toBe(403);
    expect((await client.post(path, fields, { headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    // The sign-in forms need the pre-session token too (login CSRF).
    const fresh = new ConsoleClient(s.app);
    expect((await fresh.post('/operator/sign-in', { email: OPERATOR.email, password: OPERATOR.password }, { csrf: null })).status).toBe(403);
    expect(s.db.prepare('SELECT count(*) FROM cloud_account_links').pluck().get()).toBe(1);
  });

  it('OPERATOR_EMAILS is synced at start: removed addresses lose their sessions; CLI ones stay', async () => {
    const db = openDatabase(':memory:');
    const deps = { db, spiKey: 'test-spi-key-0123456789', log: () => {} };
    createApi({ ...deps, operatorEmails: ['a@vendor.test', 'b@vendor.test'] });
    const repo = new OperatorRepository(db);
    repo.upsert('cli@vendor.test', 'cli', Date.now());
    createApi({ ...deps, operatorEmails: ['a@vendor.test'] });
    const state = Object.fromEntries(repo.list().map((o) => [o.email, o.disabledAt === null]));
    expect(state).toEqual({ 'a@vendor.test': true, 'b@vendor.test': false, 'cli@vendor.test': true });
  });
});

describe('operator console: views', { timeout: 30_000 }, () => {
  it('shows each view on seeded data, in English and Chinese, paged by keyset', async () => {
    const { s, act, client } = await world();
    await client.signIn();
    const inst = await client.get('/operator/instances?status=expired');
    expect(inst.text).toContain('5550002');
    expect(inst.text).not.toContain(`>${act.instanceId}<`);
    expect(inst.text).toMatch(/14 d 0 h left/);
    const all = await client.get('/operator/instances');
    expect(all.text).toContain('alice_01 space');
    const zh = await client.get('/operator/instances?lang=zh');
    expect(zh.text).toContain('已到期（冻结中）');
    // The language is remembered.
    expect((await client.get('/operator/links')).text).toContain('账号关联');
    await client.get('/operator/links?lang=en');

    const funnel = await client.get('/operator/activations?days=7');
    expect(funnel.text).toContain('<svg');
    expect(funnel.text).toMatch(/<td>2026-01-15<\/td><td>2<\/td><td>1<\/td><td>1<\/td><td>1<\/td>/);

    const calls = await client.get('/operator/calls?failed=1');
    expect(calls.text).toContain('INSTANCE_NOT_FOUND');
    expect(calls.text).not.toMatch(/<td>ok<\/td>/);
    expect(calls.text).toMatch(/<td>2026-01-15<\/td><td>1<\/td><td>createInstance<\/td>/);
    const pending = await client.get('/operator/pending');
    expect(pending.text).toContain('7770001');
    const mail = await client.get(`/operator/mail?recipient=${encodeURIComponent('ALICE@example.com')}`);
    expect(mail.text).toContain('alice@example.com');
    const audit = await client.get(`/operator/audit?account=${act.accountId}`);
    expect(audit.text).toContain('billingAccount');
    const byUsername = await client.get('/operator/audit?account=alice_01');
    expect(byUsername.text).toContain(act.accountId);
    const links = await client.get('/operator/links');
    expect(links.text).toContain('proof-none');

    // Keyset paging: 120 SPI calls make three pages of 50, 50 and the rest.
    for (let i = 0; i < 120; i++) await s.spi({ action: 'expiredInstance', instanceId: '5550002' });
    const p1 = await client.get('/operator/calls?action=expiredInstance');
    const next = /href="([^"]+)" rel="next"/.exec(p1.text)![1]!.replaceAll('&amp;', '&');
    const p2 = await client.get(next);
    const ids = (t: string) => [...t.matchAll(/<tr[^>]*><td>(\d+)<\/td><td>2026/g)].map((m) => Number(m[1]));
    expect(ids(p1.text)).toHaveLength(50);
    expect(ids(p2.text)).toHaveLength(50);
    expect(Math.min(...ids(p1.text))).toBeGreaterThan(Math.max(...ids(p2.text)));
  });

  it('a bad filter is a 400 page naming the field, not a 500', async () => {
    const { client } = await world();
    await client.signIn();
    const r = await client.get('/operator/instances?account=abc');
    expect(r.status).toBe(400);
    expect(r.text).toContain('account');
    expect((await client.get('/operator/calls?after=-1')).status).toBe(400);
    expect((await client.get('/operator/instances/12x')).status).toBe(400);
    expect((await client.get('/operator/instances/999')).status).toBe(404);
  });
});

describe('operator console: actions', { timeout: 30_000 }, () => {
  it('unlinks a cloud account after confirmation, audited with the operator and the reason', async () => {
    const { s, act, client } = await world();
    await client.signIn();
    const path = `/operator/links/${act.accountId}/unlink`;
    const { first, second } = await client.confirmed(path, { reason: 'claimed by the wrong company' });
    expect(first.text).toContain('id="confirm-form"');
    expect(second.status).toBe(200);
    expect(s.db.prepare('SELECT count(*) FROM cloud_account_links').pluck().get()).toBe(0);
    const row = s.db.prepare("SELECT actor, reason, outcome, request_id FROM operator_actions WHERE action = 'unlink'").get() as Record<string, string>;
    expect(row).toMatchObject({ actor: OPERATOR.email, reason: 'claimed by the wrong company', outcome: 'ok' });
    // The trigger's row carries the same request id: the audit view ties them together.
    const audit = await client.get(`/operator/audit?request=${row.request_id}`);
    expect(audit.text).toContain('claimed by the wrong company');
    expect(audit.text).toMatch(/billingAccount/);
    // The owner-proof rule's ending: kept in link_endings with the reason, shown among the ended links.
    expect(s.db.prepare('SELECT reason, note, proof FROM link_endings').all()).toEqual([{ reason: 'unlinked', note: 'claimed by the wrong company', proof: null }]);
    const links = await client.get('/operator/links?lang=en');
    expect(links.text).toMatch(/id="ended-links"[\s\S]*unlinked by an operator[\s\S]*claimed by the wrong company/);
    // Again: refused (no link), and that attempt is recorded too.
    const again = await client.post(path, { reason: 'again', confirm: 'yes' });
    expect(again.status).toBe(404);
  });

  it('the links view shows the proof recorded on each link', async () => {
    const { s, act, client } = await world();
    await client.signIn();
    s.fixture(() => s.db.prepare("UPDATE cloud_account_links SET proof = 'alibaba-sign-in' WHERE account_id = ?").run(act.accountId));
    const links = await client.get('/operator/links?lang=en');
    expect(links.text).toContain('proof-alibaba-sign-in');
    expect(links.text).not.toContain('proof-none');
  });

  it('a reason is required', async () => {
    const { s, act, client } = await world();
    await client.signIn();
    const r = await client.post(`/operator/links/${act.accountId}/unlink`, { reason: ' ', confirm: 'yes' });
    expect(r.status).toBe(400);
    expect(r.text).toContain('reason');
    expect(s.db.prepare('SELECT count(*) FROM cloud_account_links').pluck().get()).toBe(1);
  });

  it('resends a failed message through the outbox, never one that carried a code', async () => {
    const sent: string[] = [];
    const s = setup({ mailer: { send: async (m) => { sent.push(`${m.to}|${m.subject}|${m.text}`); } } });
    await addOperator(s.db, s.clock.now(), OPERATOR.email, null);
    const id = s.fixture(() => Number(s.db.prepare(`INSERT INTO outbox (recipient, subject, body, status, attempts, last_error, created_at)
      VALUES ('x@example.com', 'Hello', 'Body', 'failed', 10, 'connection refused', 1) RETURNING id`).pluck().get()));
    const codeMail = s.fixture(() => Number(s.db.prepare(`INSERT INTO outbox (recipient, subject, body, secret_expires_at, status, attempts, created_at)
      VALUES ('y@example.com', 'Your code', 'Your code is {{secret}}', 2, 'expired', 1, 1) RETURNING id`).pluck().get()));
    const c = new ConsoleClient(s.app, undefined, s.db);
    // This app's transport is the test's: the sign-in code is delivered there through the outbox.
    await c.get('/operator/sign-in');
    await c.post('/operator/sign-in/code', { email: OPERATOR.email });
    const code = /is (\d{6})/.exec(sent.pop()!.split('|')[2]!)![1]!;
    expect((await c.post('/operator/sign-in/verify', { email: OPERATOR.email, code })).status).toBe(303);
    const list = await c.get('/operator/mail');
    expect(list.text).toContain(`/operator/mail/${id}/resend`);
    expect(list.text).not.toContain(`/operator/mail/${codeMail}/resend`);
    const { first, second } = await c.confirmed(`/operator/mail/${id}/resend`);
    expect(first.text).toContain('x@example.com');
    expect(second.status).toBe(200);
    expect(sent).toEqual(['x@example.com|Hello|Body']);
    expect(s.repos.outbox.get(id)).toMatchObject({ status: 'sent', attempts: 11 });
    // A code is never sent late, whoever asks.
    expect((await c.confirmed(`/operator/mail/${codeMail}/resend`)).second.status).toBe(409);
    expect(s.repos.outbox.get(codeMail)!.status).toBe('expired');
    expect(s.db.prepare("SELECT outcome FROM operator_actions WHERE action = 'resend-mail' ORDER BY id").pluck().all()).toEqual(['ok', 'WRONG_STATE']);
  });

  it('applies a kept marketplace call again once its instance exists', async () => {
    const { s, client } = await world();
    await client.signIn();
    const id = s.db.prepare("SELECT id FROM spi_pending WHERE instance_id = '7770001'").pluck().get() as number;
    // Still unknown: counted as another attempt, left open.
    const early = await client.confirmed(`/operator/pending/${id}/apply`);
    expect(early.second.text).toContain('INSTANCE_NOT_FOUND');
    expect(s.db.prepare('SELECT attempts, resolved_at FROM spi_pending WHERE id = ?').get(id)).toEqual({ attempts: 2, resolved_at: null });
    // The instance arrives with its createInstance (which applies kept calls itself); here, to show the
    // console's path, it is inserted by hand first.
    s.fixture(() => s.repos.instances.insert({ id: '7770001', accountId: '1111222233334444', orderId: null, productCode: 'p', skuId: null, trial: false, template: null, expiredOn: null }, s.clock.now()));
    const { second } = await client.confirmed(`/operator/pending/${id}/apply`);
    expect(second.text).toContain('→ ok');
    expect(s.db.prepare("SELECT expired_on FROM instances WHERE id = '7770001'").pluck().get()).toBe('2027-01-01 00:00:00');
    expect(s.db.prepare('SELECT outcome FROM spi_pending WHERE id = ?').pluck().get(id)).toBe('ok');
    expect((await client.post(`/operator/pending/${id}/apply`, { confirm: 'yes' })).status).toBe(409);
    expect(s.db.prepare("SELECT outcome FROM operator_actions WHERE action = 'apply-pending' ORDER BY id").pluck().all())
      .toEqual(['INSTANCE_NOT_FOUND', 'ok', 'WRONG_STATE']);
  });

  it('extends a freeze and ends one (lift or release), each confirmed and audited', async () => {
    const { s, client } = await world();
    await client.signIn();
    const endsAt = () => s.db.prepare("SELECT freeze_ends_at FROM instances WHERE id = '5550002'").pluck().get() as number;
    const before = endsAt();
    const ext = await client.confirmed('/operator/instances/5550002/freeze/extend', { days: '5', reason: 'payment in progress' });
    expect(ext.first.text).toContain('id="confirm-form"');
    expect(endsAt() - before).toBe(5 * 86_400_000);
    const extended = s.db.prepare("SELECT request_id FROM operator_actions WHERE action = 'extend-freeze'").pluck().get();
    expect(s.db.prepare("SELECT request_id FROM audit_log WHERE entity_id = '5550002' AND field = 'frozenUntil' ORDER BY id DESC").pluck().get()).toBe(extended);
    const lift = await client.confirmed('/operator/instances/5550002/freeze/end', { mode: 'lift', reason: 'renewed offline' });
    expect(lift.second.status).toBe(200);
    expect(s.db.prepare("SELECT status FROM instances WHERE id = '5550002'").pluck().get()).toBe('active');
    // Not frozen any more: refused.
    expect((await client.post('/operator/instances/5550002/freeze/end', { mode: 'release', reason: 'x'.repeat(5), confirm: 'yes' })).status).toBe(409);
    await s.spi({ action: 'expiredInstance', instanceId: '5550002' });
    await client.confirmed('/operator/instances/5550002/freeze/end', { mode: 'release', reason: 'buyer asked to stop' });
    expect(s.db.prepare("SELECT status FROM instances WHERE id = '5550002'").pluck().get()).toBe('released');
    expect(s.db.prepare('SELECT action, outcome FROM operator_actions WHERE actor = ? ORDER BY id').all(OPERATOR.email).map((r: any) => `${r.action}:${r.outcome}`))
      .toEqual(['sign-in-code-sent:ok', 'sign-in:ok', 'extend-freeze:ok', 'end-freeze-lift:ok', 'end-freeze-release:WRONG_STATE', 'end-freeze-release:ok']);
  });
});

describe('operator console: funnel', { timeout: 30_000 }, () => {
  it('counts where buyers stop once their activations expire, and keeps closed days as counted', async () => {
    const { s, client } = await world();
    await client.signIn();
    const row = async () => /<td>2026-01-15<\/td>((?:<td>\d+<\/td>){6})/.exec((await client.get('/operator/activations?days=7')).text)![1]!
      .match(/\d+/g)!.map(Number);
    // started, Billing Center bound, workspace bound, activated, stopped before BC, stopped before workspace
    expect(await row()).toEqual([2, 1, 1, 1, 0, 0]);
    s.clock.advance(3 * 86_400_000);
    await client.signIn(); // the session idled out meanwhile
    expect(await row()).toEqual([2, 1, 1, 1, 1, 0]);
    // Closed: served from what was counted, and still the same.
    expect(await row()).toEqual([2, 1, 1, 1, 1, 0]);
  });
});
