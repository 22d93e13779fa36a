// Issue 9 on the API: a proved activation supersedes a link made without proof, the operator's
// unlink, free login single use in any letter case, and codes bound to their activation.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApi } from '../app';
import { openDatabase } from '../db/connection';
import { createRepositories } from '../db/repositories';
import { formatBeijingTime } from '../marketplace/free-login';
import { signSpiParams } from '../marketplace/signature';
import { main as linksCli } from '../tools/links';
import { SPI_KEY, setup } from '../test-support';

type S = ReturnType<typeof setup>;

function freeLoginQuery(s: S, instanceId: string) {
  return new URLSearchParams(signSpiParams({ action: 'verify', instanceId, timeStamp: formatBeijingTime(s.clock.now()) }, SPI_KEY));
}

async function freeLogin(s: S, instanceId: string) {
  const r = await s.app.request(`/marketplace/aliyun?${freeLoginQuery(s, instanceId)}`);
  expect(r.status).toBe(302);
  const loc = new URL(r.headers.get('Location')!);
  const id = loc.searchParams.get('activation')!;
  const token = new URLSearchParams(loc.hash.slice(1)).get('token')!;
  return { id, token, call: (m: string, sub: string, body?: unknown) => s.call(m, `/activations/${id}${sub}`, body, token) };
}

const VICTIM = '2345678901234567';

describe('a proved activation supersedes a link made without proof', () => {
  it('ends the old link and its settlements when the owner links, mails the old account, audits it', async () => {
    // The sandbox let an attacker who knew the two IDs register on the victim's purchase.
    const sandbox = setup();
    const attacker = await sandbox.start(VICTIM, '7001');
    await sandbox.register('mallory', 'mallory@example.com', attacker);
    // The attacker's activation of the victim's second purchase, waiting for a workspace (the
    // first one already pays for a workspace, so only its proved owner could go on with it).
    const pending = await sandbox.start(VICTIM, '7002');
    const code = await sandbox.codeFor(pending, { purpose: 'bind-billing-account', username: 'mallory' }, 'mallory@example.com');
    expect((await pending.call('POST', '/billing-account', { username: 'mallory', code })).status).toBe(200);

    // The operator turns the default on (proof required) over the same database; the owner
    // clicks Login Directly: the marketplace proves the account. Proving alone ends nothing.
    const s = setup({ db: sandbox.db, requireVerifiedLink: true });
    const owner = await freeLogin(s, '7001');
    const view = await owner.call('GET', '');
    // The purchase pays for the attacker's workspace: the owner is shown it (a returning buyer's
    // view) and may replace the link, since it was made without proof.
    expect(view.body.activation).toMatchObject({
      proof: 'marketplace', next: 'returning', replaceableLink: true,
      returning: { workspaces: [{ name: 'mallory space', billingAccount: { username: 'mallory' } }] },
    });
    expect(s.db.prepare('SELECT count(*) FROM link_endings').pluck().get()).toBe(0);

    // The owner registers their own Billing Center account: the old link ends.
    await s.register('owner_9', 'owner9@example.com', { ...owner, accountId: VICTIM, instanceId: '7001' });
    expect(s.db.prepare('SELECT billing_account_id = (SELECT id FROM billing_accounts WHERE username = ?), proof FROM cloud_account_links WHERE account_id = ?').raw().get('owner_9', VICTIM))
      .toEqual([1, 'marketplace']);
    expect(s.db.prepare('SELECT reason, activation_id, proof FROM link_endings WHERE account_id = ?').all(VICTIM))
      .toEqual([{ reason: 'superseded', activation_id: owner.id, proof: null }]);
    expect(s.db.prepare("SELECT end_reason FROM settlements s JOIN workspaces w ON w.id = s.workspace_id WHERE w.name = 'mallory space'").pluck().all()).toEqual(['superseded']);
    const mail = s.repos.outbox.to('mallory@example.com').at(-1)!;
    expect(mail.subject).toContain(VICTIM);
    expect(mail.body).toMatch(/mallory space/);
    expect(mail.body).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    const audit = s.db.prepare("SELECT entity, new_value, request_id FROM audit_log WHERE account_id = ? AND entity IN ('link', 'settlement') ORDER BY id").all(VICTIM) as Array<Record<string, string>>;
    const ended = audit.findIndex((r) => r.entity === 'link' && r.new_value === null);
    expect(audit[ended - 1]).toMatchObject({ entity: 'settlement', new_value: 'direct (superseded)' });
    expect(audit[ended]!.request_id).toBe(audit[ended + 1]!.request_id); // ended and replaced by one request
    expect(audit[ended + 1]).toMatchObject({ entity: 'link' });

    // The attacker's pending activation settles nothing more through the victim's account.
    const ws = await pending.call('GET', '/workspaces');
    expect(ws).toMatchObject({ status: 409, body: { error: { code: 'WRONG_STATE', details: { reason: 'link-ended' } } } });

    // A proved link is never superseded: not by another proof, and not behind the code's back.
    s.clock.advance(1000); // a new Login Directly click: another signed link
    const again = await freeLogin(s, '7001');
    // That purchase now pays for the owner's workspace: a returning buyer, shown what is bound.
    expect((await again.call('GET', '')).body.activation).toMatchObject({ next: 'returning', returning: { workspaces: [{ billingAccount: { username: 'owner_9' } }] } });
    expect(s.db.prepare('SELECT proof FROM cloud_account_links WHERE account_id = ?').pluck().get(VICTIM)).toBe('marketplace');
    // Another purchase of the account, proved too: the proved link is not replaceable.
    await s.createInstance(VICTIM, '7003');
    const third = await freeLogin(s, '7003');
    expect((await third.call('GET', '')).body.activation).toMatchObject({ next: 'bind-billing-account', replaceableLink: false });
    expect(await third.call('POST', '/registration', s.registrationBody('third_1', 'third@example.com', await s.codeFor(
      { ...third, accountId: VICTIM, instanceId: '7003' }, { purpose: 'register', email: 'third@example.com' }, 'third@example.com'))))
      .toMatchObject({ status: 409, body: { error: { code: 'CLOUD_ACCOUNT_LINKED_ELSEWHERE' } } });
    const link = s.repos.links.live(VICTIM)!;
    expect(() => s.fixture(() => s.repos.tx(() => s.repos.links.end(link, { reason: 'superseded', activationId: again.id }, s.clock.now()))))
      .toThrow(/CHECK constraint failed/);
    expect(() => s.fixture(() => s.db.prepare('DELETE FROM cloud_account_links WHERE account_id = ?').run(VICTIM)))
      .toThrow(/ending recorded/);
    expect(() => s.fixture(() => s.db.prepare('UPDATE cloud_account_links SET proof = NULL WHERE account_id = ?').run(VICTIM)))
      .toThrow(/never changed/);
  });

  it('an owner who linked without proof and then proves keeps the link by binding it with its code: it becomes proved', async () => {
    const s = setup();
    const first = await s.start(VICTIM, '7011');
    await s.register('early_1', 'early@example.com', first);
    const owner = await freeLogin(s, '7011');
    const code = await s.codeFor({ ...owner, accountId: VICTIM, instanceId: '7011' }, { purpose: 'bind-billing-account', username: 'early_1' }, 'early@example.com');
    expect(await owner.call('POST', '/billing-account', { username: 'early_1', code }))
      .toMatchObject({ status: 200, body: { activation: { state: 'needs-workspace', billingAccount: { username: 'early_1' } } } });
    expect(s.db.prepare('SELECT proof FROM cloud_account_links WHERE account_id = ?').pluck().get(VICTIM)).toBe('marketplace');
    expect(s.db.prepare('SELECT count(*) FROM link_endings').pluck().get()).toBe(0);
    expect(s.db.prepare('SELECT count(*) FROM settlements WHERE ended_at IS NULL').pluck().get()).toBe(1);
    expect(s.db.prepare("SELECT new_value FROM audit_log WHERE entity = 'link' AND field = 'proof'").pluck().all()).toEqual(['marketplace']);
  });

  it('with the default (proof required), typed IDs can still bind an existing link with its owner\'s code', async () => {
    const s = setup({ requireVerifiedLink: true });
    await s.createInstance(VICTIM, '7101');
    const owner = await freeLogin(s, '7101');
    const c = await s.codeFor({ ...owner, accountId: VICTIM, instanceId: '7101' }, { purpose: 'register', email: 'o@example.com' }, 'o@example.com');
    expect((await owner.call('POST', '/registration', s.registrationBody('owner_a', 'o@example.com', c))).status).toBe(201);
    // Another purchase of that account (typed IDs of '7101' itself are a returning buyer's).
    await s.createInstance(VICTIM, '7102');
    const typed = await s.call('POST', '/activations', { accountId: VICTIM, instanceId: '7102', site: 'cn1' });
    expect(typed.body.activation).toMatchObject({ proof: null, next: 'bind-billing-account', proofs: ['marketplace'] });
  });
});

describe('holes closed', () => {
  it('free login is single use whatever the token\'s letter case', async () => {
    const s = setup();
    await s.createInstance(VICTIM, '7201');
    const q = freeLoginQuery(s, '7201');
    expect((await s.app.request(`/marketplace/aliyun?${q}`)).status).toBe(302);
    q.set('token', q.get('token')!.toUpperCase());
    const again = await s.app.request(`/marketplace/aliyun?${q}`);
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('TOKEN_REPLAYED');
  });

  it('a code works only for the activation that asked for it, and its mail names the account and what it binds', async () => {
    const s = setup();
    const a = await s.start(VICTIM, '7301');
    const b = await s.start(VICTIM, '7301');
    const code = await s.codeFor(a, { purpose: 'register', email: 'x@example.com' }, 'x@example.com');
    const body = s.lastCode('x@example.com') && s.repos.outbox.to('x@example.com').at(-1)!.body;
    expect(body).toContain(VICTIM);
    expect(body).toContain('7301');
    expect(await b.call('POST', '/registration', s.registrationBody('b_user', 'x@example.com', code)))
      .toMatchObject({ status: 422, body: { error: { code: 'CODE_INVALID' } } });
    expect((await a.call('POST', '/registration', s.registrationBody('a_user', 'x@example.com', code))).status).toBe(201);
  });

  it('bind probes count before any lookup: the second ask within a minute is 429 for any username', async () => {
    const s = setup();
    await s.register('known_1', 'known1@example.com');
    const a = await s.start();
    for (const username of ['known_1', 'nobody_1']) {
      expect((await a.call('POST', '/verification-codes', { purpose: 'bind-billing-account', username })).status).toBe(202);
      const second = await a.call('POST', '/verification-codes', { purpose: 'bind-billing-account', username });
      expect(second).toMatchObject({ status: 429, body: { error: { code: 'RATE_LIMITED' } } });
    }
  });
});

describe('the landing page', () => {
  it('says whether the activation is proved, and how (marker field proof)', async () => {
    const s = setup();
    const typed = await s.start(VICTIM, '7501');
    const page = await (await s.app.request(`/activate/landing?activation=${typed.id}`)).text();
    expect(page).toMatch(/has not proved the purchase/);
    expect(page).toContain('"verified":false,"proof":null');
    const owner = await freeLogin(s, '7501');
    const proved = await (await s.app.request(`/activate/landing?activation=${owner.id}`)).text();
    expect(proved).toMatch(/The marketplace confirmed your purchase/);
    expect(proved).toContain('"verified":true,"proof":"marketplace"');
  });
});

describe('npm run links -- unlink', () => {
  it('ends a link (proved or not), audited and mailed; refuses without a reason', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'links-cli-')), 'api.sqlite');
    // A real database file with a proved link (free login, registration).
    const live = openDatabase(path);
    const clock = { t: Date.now() };
    const { app } = createApi({ db: live, spiKey: SPI_KEY, publicUrl: 'https://activator.test', now: () => clock.t, log: () => {} });
    const q = (p: Record<string, string>) => new URLSearchParams(signSpiParams(p, SPI_KEY));
    await app.request(`/marketplace/aliyun?${q({ action: 'createInstance', aliUid: VICTIM, orderBizId: '7401', orderId: '1', productCode: 'cmgj00053362', skuId: 'payg', trial: 'false' })}`);
    const fl = await app.request(`/marketplace/aliyun?${q({ action: 'verify', instanceId: '7401', timeStamp: formatBeijingTime(clock.t) })}`);
    const loc = new URL(fl.headers.get('Location')!);
    const id = loc.searchParams.get('activation')!;
    const token = new URLSearchParams(loc.hash.slice(1)).get('token')!;
    const post = (sub: string, body: unknown) => app.request(`/api/v1/activations/${id}${sub}`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: JSON.stringify(body),
    });
    expect((await post('/verification-codes', { purpose: 'register', email: 'p@example.com' })).status).toBe(202);
    const repos = createRepositories(live);
    const code = /code is (\d{6})/.exec(repos.outbox.to('p@example.com')[0]!.body)![1]!;
    const reg = await post('/registration', { username: 'proved_1', password: 'Passw0rd!', email: 'p@example.com', code,
      company: { name: 'P', contactName: 'P' }, workspace: { name: 'Prod', language: 'en' }, agreeTerms: true });
    expect(reg.status).toBe(201);
    live.close();

    const env = { DATABASE_PATH: path, NODE_ENV: 'test' };
    const errors: string[] = [];
    const orig = console.error;
    console.error = (m: string) => errors.push(m);
    try {
      expect(await linksCli(['unlink', '--account', VICTIM], env)).toBe(2);
      expect(errors.join('\n')).toMatch(/--reason is required/);
      const out: string[] = [];
      expect(await linksCli(['unlink', '--account', VICTIM, '--reason', 'ticket 42: dispute'], env, (l) => out.push(l))).toBe(0);
      expect(out.join('\n')).toMatch(new RegExp(`unlinked ${VICTIM} from proved_1 .*audit request cli-unlink-`));
      expect(out.join('\n')).toMatch(/Prod \(cn1\): now settled directly/);
      expect(await linksCli(['unlink', '--account', VICTIM, '--reason', 'again'], env)).toBe(1);
    } finally {
      console.error = orig;
    }
    const after = openDatabase(path);
    expect(after.prepare('SELECT count(*) FROM cloud_account_links').pluck().get()).toBe(0);
    expect(after.prepare('SELECT reason, note, proof FROM link_endings').all()).toEqual([{ reason: 'unlinked', note: 'ticket 42: dispute', proof: 'marketplace' }]);
    expect(after.prepare("SELECT request_id FROM audit_log WHERE entity = 'link' ORDER BY id DESC LIMIT 1").pluck().get()).toMatch(/^cli-unlink-/);
    // The same rule as the operator console's unlink: the operators' log names who ran it, under the same request.
    const action = after.prepare("SELECT actor, action, target, reason, outcome, request_id FROM operator_actions").get() as Record<string, string>;
    expect(action).toMatchObject({ actor: expect.stringMatching(/^cli:/), action: 'unlink', target: VICTIM, reason: 'ticket 42: dispute', outcome: 'ok' });
    expect(action.request_id).toMatch(/^cli-unlink-/);
    const mail = createRepositories(after).outbox.to('p@example.com').at(-1)!;
    expect(mail.body).toContain('ticket 42: dispute');
    after.close();
  });
});
