import { describe, expect, it } from 'vitest';
import { ALL_SITES } from '../../shared/sites';
import { PASSWORD, setup } from '../test-support';
import { READY_FOR_MS } from './meta';

const ACCOUNT = '1234567890123456';
const OTHER = '6543210987654321';

describe('meta routes', () => {
  it('GET /health and /sites', async () => {
    const { call } = setup();
    expect(await call('GET', '/health')).toMatchObject({ status: 200, body: { status: 'ok', version: expect.any(String) } });
    const sites = await call('GET', '/sites');
    expect(sites.status).toBe(200);
    expect(sites.body.sites).toEqual(ALL_SITES);
    expect(sites.body.sites.find((s: { code: string }) => s.code === 'cn1')).toMatchObject({
      name: 'China 1 (Hangzhou)', provider: 'aliyun', consoleUrl: 'https://console.guance.com/', loginUrl: 'https://auth.guance.com/login/pwd',
    });
  });

  it('GET /health is a readiness check: it queries the database and answers 503 when that fails', async () => {
    const { call, db, clock } = setup();
    expect(await call('GET', '/health')).toMatchObject({ status: 200, body: { status: 'ok', database: 'ok' } });
    db.close();
    // A good answer holds for a second (a flood of health checks costs one query a second)…
    clock.advance(READY_FOR_MS - 1);
    expect((await call('GET', '/health')).status).toBe(200);
    // …then the query runs again, and fails.
    clock.advance(1);
    expect(await call('GET', '/health')).toMatchObject({ status: 503, body: { status: 'unavailable', database: 'failing' } });
    // A failing database is asked at every request.
    expect((await call('GET', '/health')).status).toBe(503);
  });
});

describe('POST /activations', () => {
  it('starts at needs-billing-account with a random id and a bearer token stored only as a hash', async () => {
    const { call, createInstance, db } = setup();
    await createInstance(ACCOUNT, '4242');
    const r = await call('POST', '/activations', { accountId: ACCOUNT, instanceId: '4242', site: 'us1' });
    expect(r.status).toBe(201);
    expect(r.body.activation).toMatchObject({
      accountId: ACCOUNT, instanceId: '4242', site: 'us1', state: 'needs-billing-account', billingAccount: null, workspace: null, loginUrl: null,
      expiresAt: '2026-01-16T08:00:00.000Z',
    });
    expect(r.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const second = await call('POST', '/activations', { accountId: ACCOUNT, instanceId: '4242', site: 'us1' });
    expect(second.body.activation.id).not.toBe(r.body.activation.id);
    expect(r.body.activation.id).toMatch(/^act_[0-9a-f]{32}$/);
    const stored = db.prepare('SELECT token_hash FROM activations WHERE id = ?').pluck().get(r.body.activation.id) as string;
    expect(stored).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(db.prepare('SELECT * FROM activations').all())).not.toContain(r.body.token);
  });

  it('refuses unknown instances, another account\'s instance, inactive instances and bad fields', async () => {
    const { call, createInstance, spi } = setup();
    await createInstance(ACCOUNT, '1');
    expect(await call('POST', '/activations', { accountId: ACCOUNT, instanceId: '2', site: 'cn1' }))
      .toMatchObject({ status: 404, body: { error: { code: 'INSTANCE_NOT_FOUND' } } });
    expect(await call('POST', '/activations', { accountId: OTHER, instanceId: '1', site: 'cn1' }))
      .toMatchObject({ status: 403, body: { error: { code: 'INSTANCE_ACCOUNT_MISMATCH' } } });
    await spi({ action: 'expiredInstance', instanceId: '1' });
    expect(await call('POST', '/activations', { accountId: ACCOUNT, instanceId: '1', site: 'cn1' }))
      .toMatchObject({ status: 409, body: { error: { code: 'INSTANCE_NOT_ACTIVE', details: { status: 'expired' } } } });
    const bad = await call('POST', '/activations', { accountId: '123', instanceId: '1'.repeat(21), site: 'mars' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['accountId', 'instanceId', 'site']);
  });
});

describe('bearer token', () => {
  it('is needed for every /activations/:id route, for that activation only, and expires after 24 h', async () => {
    const { start, call, clock } = setup();
    const a = await start();
    const b = await start();
    const routes: [string, string, unknown?][] = [
      ['GET', ''], ['POST', '/verification-codes', { purpose: 'register', email: 'x@y.io' }], ['POST', '/registration', {}],
      ['POST', '/billing-account', {}], ['GET', '/workspaces'], ['POST', '/workspaces', {}], ['POST', '/workspace-bindings', {}],
    ];
    for (const [m, sub, body] of routes) {
      for (const token of [undefined, 'nonsense', b.token]) {
        const r = await call(m, `/activations/${a.id}${sub}`, body, token);
        expect(r.status, `${m} ${sub} with ${token}`).toBe(401);
        expect(r.body.error.code).toBe('UNAUTHORIZED');
      }
    }
    expect((await call('GET', '/activations/act_unknown', undefined, a.token)).status).toBe(401);
    expect((await a.call('GET', '')).status).toBe(200);
    clock.advance(24 * 3600_000);
    expect(await a.call('GET', '')).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED', details: { reason: 'expired' } } } });
  });
});

describe('verification codes', () => {
  it('sends a 6-digit code to the masked address and stores only a hash', async () => {
    const { start, lastCode, db } = setup();
    const a = await start();
    const r = await a.call('POST', '/verification-codes', { purpose: 'register', email: 'Alice@Example.com' });
    expect(r).toMatchObject({ status: 202, body: { sentTo: 'a***e@example.com', expiresInSeconds: 600, resendInSeconds: 60 } });
    const code = lastCode('alice@example.com');
    expect(code).toMatch(/^\d{6}$/);
    const row = db.prepare('SELECT * FROM verification_codes').get() as Record<string, unknown>;
    expect(JSON.stringify(row)).not.toContain(code);
  });

  it('waits 60 s between sends (429 RATE_LIMITED with Retry-After), then replaces the code', async () => {
    const { start, clock, lastCode, registrationBody } = setup();
    const a = await start();
    await a.call('POST', '/verification-codes', { purpose: 'register', email: 'bob@example.com' });
    const first = lastCode('bob@example.com');
    clock.advance(45_000);
    const again = await a.call('POST', '/verification-codes', { purpose: 'register', email: 'bob@example.com' });
    expect(again).toMatchObject({ status: 429, body: { error: { code: 'RATE_LIMITED', details: { retryAfterSeconds: 15 } } } });
    expect(again.headers.get('Retry-After')).toBe('15');
    clock.advance(15_000);
    expect((await a.call('POST', '/verification-codes', { purpose: 'register', email: 'bob@example.com' })).status).toBe(202);
    const second = lastCode('bob@example.com');
    // The old code is dead once replaced (unless the new one happens to be equal).
    if (first !== second) {
      const r = await a.call('POST', '/registration', registrationBody('bob', 'bob@example.com', first));
      expect(r.body.error.code).toBe('CODE_INVALID');
    }
    expect((await a.call('POST', '/registration', registrationBody('bob', 'bob@example.com', second))).status).toBe(201);
  });

  it('wrong → 422 CODE_INVALID; after 5 wrong tries the code is dead (429 TOO_MANY_ATTEMPTS)', async () => {
    const { start, lastCode, registrationBody } = setup();
    const a = await start();
    await a.call('POST', '/verification-codes', { purpose: 'register', email: 'carol@example.com' });
    const code = lastCode('carol@example.com');
    const wrong = code === '000000' ? '000001' : '000000';
    for (let i = 4; i >= 0; i--) {
      const r = await a.call('POST', '/registration', registrationBody('carol', 'carol@example.com', wrong));
      expect(r).toMatchObject({ status: 422, body: { error: { code: 'CODE_INVALID', details: { attemptsLeft: i } } } });
    }
    const r = await a.call('POST', '/registration', registrationBody('carol', 'carol@example.com', code));
    expect(r).toMatchObject({ status: 429, body: { error: { code: 'TOO_MANY_ATTEMPTS' } } });
  });

  it('expires after 10 minutes (410 CODE_EXPIRED)', async () => {
    const { start, lastCode, registrationBody, clock } = setup();
    const a = await start();
    await a.call('POST', '/verification-codes', { purpose: 'register', email: 'dan@example.com' });
    clock.advance(10 * 60_000);
    const r = await a.call('POST', '/registration', registrationBody('dan', 'dan@example.com', lastCode('dan@example.com')));
    expect(r).toMatchObject({ status: 410, body: { error: { code: 'CODE_EXPIRED' } } });
  });

  it('a code for one purpose or address does not open another', async () => {
    const { start, lastCode, registrationBody } = setup();
    const a = await start();
    await a.call('POST', '/verification-codes', { purpose: 'register', email: 'erin@example.com' });
    const r = await a.call('POST', '/registration', registrationBody('erin', 'other@example.com', lastCode('erin@example.com')));
    expect(r.body.error.code).toBe('CODE_INVALID');
  });

  it('refuses: register with a taken email, unknown Billing Center username, wrong state, bad body', async () => {
    const { start, register, db } = setup();
    await register('frank', 'frank@example.com');
    const a = await start();
    // Issue 9: no answer says whether an address or a username exists. A taken address gets its
    // code (only its mailbox's reader learns at registration that it is taken); an unknown
    // username gets the same answer as a known one, and no mail goes anywhere.
    expect(await a.call('POST', '/verification-codes', { purpose: 'register', email: 'FRANK@example.com' }))
      .toMatchObject({ status: 202 });
    const mails = db.prepare('SELECT count(*) FROM outbox').pluck().get();
    expect(await a.call('POST', '/verification-codes', { purpose: 'bind-billing-account', username: 'nobody' }))
      .toMatchObject({ status: 202, body: { sentTo: 'nobody', expiresInSeconds: 600, resendInSeconds: 60 } });
    expect(db.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(mails);
    expect(await a.call('POST', '/verification-codes', { purpose: 'guance-account', email: 'g@example.com' }))
      .toMatchObject({ status: 409, body: { error: { code: 'WRONG_STATE' } } });
    expect(await a.call('POST', '/verification-codes', { purpose: 'register' }))
      .toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED', details: [{ path: 'email' }] } } });
    expect(await a.call('POST', '/verification-codes', { purpose: 'lunch', email: 'g@example.com' }))
      .toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
  });
});

describe('registration (no Billing Center account)', () => {
  it('creates a Guance and a Billing Center account, a workspace on the site, the link and the settlement', async () => {
    const { start, register, db, call } = setup();
    const a = await start(ACCOUNT, '5001', 'eu1');
    const { res } = await register('grace', 'Grace@Example.com', a);
    expect(res.body.activation).toMatchObject({
      state: 'activated', billingAccount: { username: 'grace' },
      workspace: { name: 'grace space', site: 'eu1', language: 'zh' }, loginUrl: 'https://eu1-auth.guance.one/login/pwd',
    });
    expect((await a.call('GET', '')).body.activation).toEqual(res.body.activation);
    expect(db.prepare('SELECT account_id FROM cloud_account_links').pluck().all()).toEqual([ACCOUNT]);
    expect(db.prepare('SELECT account_id, instance_id, ended_at FROM settlements').all())
      .toEqual([{ account_id: ACCOUNT, instance_id: '5001', ended_at: null }]);
    const hashes = db.prepare('SELECT password_hash FROM billing_accounts UNION ALL SELECT password_hash FROM guance_accounts').pluck().all() as string[];
    for (const h of hashes) {
      expect(h).toMatch(/^scrypt\$/);
      expect(h).not.toContain(PASSWORD);
    }
    // The same username and password log in to the Guance account.
    const s = await call('POST', '/sessions', { login: 'grace', password: PASSWORD });
    expect(s).toMatchObject({ status: 200, body: { account: { username: 'grace', email: 'grace@example.com' } } });
    expect(s.body.workspaces).toEqual([{ ...res.body.activation.workspace, loginUrl: 'https://eu1-auth.guance.one/login/pwd' }]);
    // Done: a second registration on it is out of order.
    expect((await a.call('POST', '/registration', {})).status).toBe(400);
    const again = await a.call('POST', '/registration', setup().registrationBody('grace2', 'g2@example.com', '123456'));
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'WRONG_STATE' } } });
  });

  it('refuses taken usernames (any case) and emails, a linked cloud account, and invalid fields', async () => {
    const { start, register, codeFor, registrationBody } = setup();
    await register('heidi', 'heidi@example.com', await start(ACCOUNT));
    const a = await start(OTHER);
    const code = await codeFor(a, { purpose: 'register', email: 'ivan@example.com' }, 'ivan@example.com');
    expect(await a.call('POST', '/registration', registrationBody('HEIDI', 'ivan@example.com', code)))
      .toMatchObject({ status: 409, body: { error: { code: 'USERNAME_TAKEN' } } });
    // Names are checked only after a valid code for the address (issue 9): without one, a taken
    // address is refused like any other; its mailbox's reader is told it is taken.
    expect(await a.call('POST', '/registration', registrationBody('ivan', 'heidi@example.com', code)))
      .toMatchObject({ status: 422, body: { error: { code: 'CODE_INVALID' } } });
    const heidiCode = await codeFor(a, { purpose: 'register', email: 'heidi@example.com' }, 'heidi@example.com');
    expect(await a.call('POST', '/registration', registrationBody('ivan', 'heidi@example.com', heidiCode)))
      .toMatchObject({ status: 409, body: { error: { code: 'EMAIL_TAKEN' } } });
    const bad = await a.call('POST', '/registration', {
      ...registrationBody('x', 'not-an-email', '12'), password: 'short', agreeTerms: false, company: { name: '', contactName: 'c' },
      workspace: { name: 'W', language: 'fr' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(
      ['agreeTerms', 'code', 'company.name', 'email', 'password', 'username', 'workspace.language'].sort().flatMap((p) => (p === 'password' ? [p, p] : [p])),
    );
    // The code survived the refusals above and still works.
    expect((await a.call('POST', '/registration', registrationBody('ivan', 'ivan@example.com', code))).status).toBe(201);

    // A cloud account that is already linked cannot register another Billing Center account.
    const b = await start(ACCOUNT);
    const c2 = await codeFor(b, { purpose: 'register', email: 'judy@example.com' }, 'judy@example.com');
    expect(await b.call('POST', '/registration', registrationBody('judy', 'judy@example.com', c2)))
      .toMatchObject({ status: 409, body: { error: { code: 'CLOUD_ACCOUNT_LINKED_ELSEWHERE' } } });
  });

  it('refuses once the instance is no longer active', async () => {
    const { start, codeFor, registrationBody, spi } = setup();
    const a = await start();
    const code = await codeFor(a, { purpose: 'register', email: 'k@example.com' }, 'k@example.com');
    await spi({ action: 'releaseInstance', instanceId: a.instanceId });
    expect(await a.call('POST', '/registration', registrationBody('kate', 'k@example.com', code)))
      .toMatchObject({ status: 409, body: { error: { code: 'INSTANCE_NOT_ACTIVE' } } });
  });
});

/** A Billing Center account "mallory" with one workspace, registered from cloud account `owner`. */
async function withBillingAccount(ctx: ReturnType<typeof setup>, owner = OTHER) {
  const first = await ctx.start(owner);
  const { res } = await ctx.register('mallory', 'mallory@example.com', first);
  return { workspaceId: res.body.activation.workspace.id as string };
}

describe('PATCH /activations/:id (the site of the workspace still to be created)', () => {
  it('changes the site before a workspace is bound, and the new workspace is created there', async () => {
    const ctx = setup();
    await withBillingAccount(ctx, ACCOUNT);
    const a = await ctx.start(ACCOUNT);
    expect(await a.call('PATCH', '', { site: 'eu1' })).toMatchObject({ status: 200, body: { activation: { site: 'eu1', state: 'needs-billing-account' } } });
    const code = await ctx.codeFor(a, { purpose: 'bind-billing-account', username: 'mallory' }, 'mallory@example.com');
    expect((await a.call('POST', '/billing-account', { username: 'mallory', code })).body.activation.site).toBe('eu1');
    // Still open on the workspace step.
    expect(await a.call('PATCH', '', { site: 'ap1' })).toMatchObject({ status: 200, body: { activation: { site: 'ap1', state: 'needs-workspace' } } });
    ctx.clock.advance(61_000);
    const gcode = await ctx.codeFor(a, { purpose: 'guance-account', email: 'mallory@example.com' }, 'mallory@example.com');
    const made = await a.call('POST', '/workspaces', { name: 'Singapore', language: 'en', agreeTerms: true, guanceAccount: { kind: 'existing', email: 'mallory@example.com', code: gcode } });
    expect(made).toMatchObject({ status: 201, body: { activation: { state: 'activated', site: 'ap1', workspace: { site: 'ap1' } } } });
    // Bound: the workspace's site can never change, so neither can the activation's.
    expect(await a.call('PATCH', '', { site: 'cn1' })).toMatchObject({ status: 409, body: { error: { code: 'WRONG_STATE' } } });
    expect((await a.call('GET', '')).body.activation.site).toBe('ap1');
  });

  it('refuses bad bodies, other fields, a missing or foreign token', async () => {
    const ctx = setup();
    const a = await ctx.start(ACCOUNT);
    const b = await ctx.start(OTHER);
    expect(await a.call('PATCH', '', { site: 'mars' })).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(await a.call('PATCH', '', {})).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(await a.call('PATCH', '', { site: 'us1', accountId: OTHER })).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(await ctx.call('PATCH', `/activations/${a.id}`, { site: 'us1' })).toMatchObject({ status: 401 });
    expect(await ctx.call('PATCH', `/activations/${a.id}`, { site: 'us1' }, b.token)).toMatchObject({ status: 401 });
    expect((await a.call('GET', '')).body.activation.site).toBe('cn1');
  });
});

describe('what comes next (Activation.next)', () => {
  it('register for a cloud account with no link; bind-billing-account once linked, without saying to whom', async () => {
    const ctx = setup();
    const fresh = await ctx.start(ACCOUNT);
    expect((await fresh.call('GET', '')).body.activation).toMatchObject({ state: 'needs-billing-account', next: 'register', billingAccount: null });
    await ctx.register('quinn_secret', 'quinn@example.com', fresh);
    expect((await fresh.call('GET', '')).body.activation).toMatchObject({ state: 'activated', next: 'done' });

    // Anyone who knows the two IDs of a second instance learns that a link exists, and nothing more.
    await ctx.createInstance(ACCOUNT, '77001');
    const started = await ctx.call('POST', '/activations', { accountId: ACCOUNT, instanceId: '77001', site: 'cn1' });
    expect(started.status).toBe(201);
    expect(started.body.activation).toMatchObject({ state: 'needs-billing-account', next: 'bind-billing-account', billingAccount: null });
    expect(JSON.stringify(started.body)).not.toMatch(/quinn/i);
    const act = { id: started.body.activation.id as string, token: started.body.token as string };
    const seen = await ctx.call('GET', `/activations/${act.id}`, undefined, act.token);
    expect(seen.body.activation.next).toBe('bind-billing-account');
    expect(JSON.stringify(seen.body)).not.toMatch(/quinn/i);

    // After binding it: the workspace step.
    const code = await ctx.codeFor({ ...act, accountId: ACCOUNT, instanceId: '77001', call: (m: string, sub: string, b?: unknown) => ctx.call(m, `/activations/${act.id}${sub}`, b, act.token) },
      { purpose: 'bind-billing-account', username: 'quinn_secret' }, 'quinn@example.com');
    const bound = await ctx.call('POST', `/activations/${act.id}/billing-account`, { username: 'quinn_secret', code }, act.token);
    expect(bound.body.activation).toMatchObject({ state: 'needs-workspace', next: 'workspace' });
  });
});

describe('binding an existing Billing Center account', () => {
  it('binds with the code sent to that account\'s email: needs-workspace', async () => {
    const ctx = setup();
    await ctx.register('nina', 'nina@example.com'); // links some random other cloud account
    const a = await ctx.start(ACCOUNT);
    const send = await a.call('POST', '/verification-codes', { purpose: 'bind-billing-account', username: 'nina' });
    // The same answer whatever the username (issue 9): it names the username, not the address.
    expect(send).toMatchObject({ status: 202, body: { sentTo: 'nina' } });
    const r = await a.call('POST', '/billing-account', { username: 'nina', code: ctx.lastCode('nina@example.com') });
    expect(r).toMatchObject({ status: 200, body: { activation: { state: 'needs-workspace', billingAccount: { username: 'nina' }, workspace: null } } });
    expect(await a.call('POST', '/billing-account', { username: 'nina', code: '123456' }))
      .toMatchObject({ status: 409, body: { error: { code: 'WRONG_STATE' } } });
  });

  it('refuses an unknown username, a wrong code, and a cloud account linked to another Billing Center account', async () => {
    const ctx = setup();
    await withBillingAccount(ctx, ACCOUNT); // ACCOUNT is linked to mallory
    await ctx.register('oscar', 'oscar@example.com');
    const a = await ctx.start(ACCOUNT);
    // Issue 9: unknown, linked elsewhere and linked here answer alike, in status and shape.
    const unknown = await a.call('POST', '/billing-account', { username: 'nobody', code: '123456' });
    expect(unknown).toMatchObject({ status: 422, body: { error: { code: 'CODE_INVALID', details: { field: 'code' } } } });
    const asked = await a.call('POST', '/verification-codes', { purpose: 'bind-billing-account', username: 'oscar' });
    expect(asked).toMatchObject({ status: 202, body: { sentTo: 'oscar' } });
    expect(ctx.repos.outbox.to('oscar@example.com').filter((m) => /code is/.test(m.body))).toHaveLength(1); // only its registration's
    const elsewhere = await a.call('POST', '/billing-account', { username: 'oscar', code: '123456' });
    // The linked account itself still has to prove control with a code.
    const here = await a.call('POST', '/billing-account', { username: 'mallory', code: '123456' });
    expect(elsewhere.status).toBe(unknown.status);
    expect(here.status).toBe(unknown.status);
    expect(elsewhere.body).toEqual(unknown.body);
    expect(here.body).toEqual(unknown.body);
    const code = await ctx.codeFor(a, { purpose: 'bind-billing-account', username: 'mallory' }, 'mallory@example.com');
    expect(ctx.repos.outbox.to('mallory@example.com').at(-1)!.body).toContain(ACCOUNT); // the mail names what it binds
    const wrong = code === '999999' ? '999998' : '999999';
    expect(await a.call('POST', '/billing-account', { username: 'mallory', code: wrong })).toEqual({ ...unknown, headers: expect.anything() });
    expect(await a.call('POST', '/billing-account', { username: 'mallory', code }))
      .toMatchObject({ status: 200, body: { activation: { state: 'needs-workspace', billingAccount: { username: 'mallory' } } } });
  });
});

async function boundActivation(ctx: ReturnType<typeof setup>, account: string, site = 'cn1') {
  const a = await ctx.start(account, undefined, site);
  const code = await ctx.codeFor(a, { purpose: 'bind-billing-account', username: 'mallory' }, 'mallory@example.com');
  ctx.clock.advance(61_000); // the next code for the same address may be sent
  const r = await a.call('POST', '/billing-account', { username: 'mallory', code });
  if (r.status !== 200) throw new Error(JSON.stringify(r.body));
  return a;
}

describe('workspaces', () => {
  it('lists the Billing Center account\'s workspaces, marked bindable or why not', async () => {
    const ctx = setup();
    const { workspaceId } = await withBillingAccount(ctx, ACCOUNT);
    const a = await boundActivation(ctx, ACCOUNT);
    expect(await a.call('GET', '/workspaces')).toMatchObject({
      status: 200, body: { workspaces: [{ id: workspaceId, name: 'mallory space', site: 'cn1', language: 'zh', bindable: false, reason: 'already-bound-here' }] },
    });
    // Another cloud account linked to the same Billing Center account sees it as settled by another account.
    ctx.fixture(() => ctx.repos.accounts.insertLink(OTHER, ctx.repos.accounts.billingByUsername('mallory')!.id, 0));
    const b = await boundActivation(ctx, OTHER);
    expect((await b.call('GET', '/workspaces')).body.workspaces[0]).toMatchObject({ bindable: false, reason: 'settled-by-other-account' });
    const fresh = await ctx.start('1111222233334444');
    expect(await fresh.call('GET', '/workspaces')).toMatchObject({ status: 409, body: { error: { code: 'WRONG_STATE' } } });
  });

  it('marks a workspace frozen by an expired instance, for its own cloud account and for another', async () => {
    const ctx = setup();
    const first = await ctx.start(ACCOUNT);
    const { res } = await ctx.register('mallory', 'mallory@example.com', first);
    const workspaceId = res.body.activation.workspace.id as string;
    expect((await ctx.spi({ action: 'expiredInstance', instanceId: first.instanceId })).status).toBe(200);
    const a = await boundActivation(ctx, ACCOUNT);
    const [ws] = (await a.call('GET', '/workspaces')).body.workspaces;
    expect(ws).toMatchObject({ id: workspaceId, bindable: false, reason: 'frozen', frozenUntil: '2026-01-29T08:00:00.000Z' });
    expect(await a.call('POST', '/workspace-bindings', { workspaceId }))
      .toMatchObject({ status: 409, body: { error: { code: 'WORKSPACE_NOT_BINDABLE', details: { reason: 'frozen' } } } });
    ctx.fixture(() => ctx.repos.accounts.insertLink(OTHER, ctx.repos.accounts.billingByUsername('mallory')!.id, 0));
    const b = await boundActivation(ctx, OTHER);
    expect((await b.call('GET', '/workspaces')).body.workspaces[0]).toMatchObject({ bindable: false, reason: 'frozen' });
    // Renewed: the freeze is lifted and the usual reason is back.
    await ctx.spi({ action: 'renewInstance', instanceId: first.instanceId, orderId: '1', expiredOn: '2031-01-01 00:00:00' });
    expect((await a.call('GET', '/workspaces')).body.workspaces[0]).toMatchObject({ bindable: false, reason: 'already-bound-here' });
    expect((await a.call('GET', '/workspaces')).body.workspaces[0].frozenUntil).toBeUndefined();
  });

  it('creates a workspace with an existing Guance account (email + code)', async () => {
    const ctx = setup();
    await withBillingAccount(ctx, ACCOUNT);
    const a = await boundActivation(ctx, ACCOUNT, 'ap1');
    const code = await ctx.codeFor(a, { purpose: 'guance-account', email: 'mallory@example.com' }, 'mallory@example.com');
    const r = await a.call('POST', '/workspaces', {
      name: 'Staging', language: 'en', agreeTerms: true, guanceAccount: { kind: 'existing', email: 'MALLORY@example.com', code },
    });
    expect(r).toMatchObject({
      status: 201,
      body: { activation: { state: 'activated', workspace: { name: 'Staging', site: 'ap1', language: 'en' }, loginUrl: 'https://ap1-auth.guance.one/login/pwd' } },
    });
    const s = await ctx.call('POST', '/sessions', { login: 'mallory@example.com', password: PASSWORD });
    expect(s.body.workspaces.map((w: { name: string }) => w.name)).toEqual(['mallory space', 'Staging']);
    expect(await a.call('POST', '/workspaces', { name: 'Again', language: 'en', agreeTerms: true, guanceAccount: { kind: 'existing', email: 'mallory@example.com', code } }))
      .toMatchObject({ status: 409, body: { error: { code: 'WRONG_STATE' } } });
  });

  it('creates a workspace with a new Guance account', async () => {
    const ctx = setup();
    await withBillingAccount(ctx, ACCOUNT);
    const a = await boundActivation(ctx, ACCOUNT);
    const code = await ctx.codeFor(a, { purpose: 'guance-account', email: 'peggy@example.com' }, 'peggy@example.com');
    const body = (over: Record<string, unknown>) => ({
      name: 'Peggy WS', language: 'zh', agreeTerms: true,
      guanceAccount: { kind: 'new', username: 'peggy', password: 'peggy-pass-1', passwordConfirm: 'peggy-pass-1', email: 'peggy@example.com', code, phone: '+86 138-0000-0000', ...over },
    });
    const mismatch = await a.call('POST', '/workspaces', body({ passwordConfirm: 'other-pass-1' }));
    expect(mismatch).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED', details: [{ path: 'guanceAccount.passwordConfirm' }] } } });
    expect(await a.call('POST', '/workspaces', body({ username: 'mallory' })))
      .toMatchObject({ status: 409, body: { error: { code: 'USERNAME_TAKEN' } } });
    const noTerms = await a.call('POST', '/workspaces', { ...body({}), agreeTerms: false });
    expect(noTerms.body.error.details).toEqual([{ path: 'agreeTerms', message: expect.any(String) }]);
    const r = await a.call('POST', '/workspaces', body({}));
    expect(r).toMatchObject({ status: 201, body: { activation: { state: 'activated', workspace: { name: 'Peggy WS', site: 'cn1' } } } });
    const s = await ctx.call('POST', '/sessions', { login: 'peggy', password: 'peggy-pass-1' });
    expect(s.body.workspaces).toHaveLength(1);
  });

  it('refuses an unknown Guance account email, and a taken email for a new one', async () => {
    const ctx = setup();
    await withBillingAccount(ctx, ACCOUNT);
    const a = await boundActivation(ctx, ACCOUNT);
    // Issue 9: without a valid code for the address nothing is said about it; with one (its
    // mailbox's reader), that it has no account or is taken.
    const existing = (email: string, code: string) => ({ name: 'X', language: 'zh', agreeTerms: true, guanceAccount: { kind: 'existing', email, code } });
    const fresh = (email: string, code: string) => ({
      name: 'X', language: 'zh', agreeTerms: true,
      guanceAccount: { kind: 'new', username: 'newbie', password: 'abcdefg1', passwordConfirm: 'abcdefg1', email, code },
    });
    expect(await a.call('POST', '/workspaces', existing('nobody@example.com', '123456')))
      .toMatchObject({ status: 422, body: { error: { code: 'CODE_INVALID' } } });
    expect(await a.call('POST', '/workspaces', fresh('mallory@example.com', '123456')))
      .toMatchObject({ status: 422, body: { error: { code: 'CODE_INVALID' } } });
    const nobody = await ctx.codeFor(a, { purpose: 'guance-account', email: 'nobody@example.com' }, 'nobody@example.com');
    expect(await a.call('POST', '/workspaces', existing('nobody@example.com', nobody)))
      .toMatchObject({ status: 404, body: { error: { code: 'GUANCE_ACCOUNT_NOT_FOUND' } } });
    const taken = await ctx.codeFor(a, { purpose: 'guance-account', email: 'mallory@example.com' }, 'mallory@example.com');
    expect(await a.call('POST', '/workspaces', fresh('mallory@example.com', taken)))
      .toMatchObject({ status: 409, body: { error: { code: 'EMAIL_TAKEN' } } });
  });

  it('binds an existing unsettled workspace; a settled one is not bindable', async () => {
    const ctx = setup();
    const { workspaceId } = await withBillingAccount(ctx, ACCOUNT);
    // A second workspace, settled by ACCOUNT through a second activation, then freed (as a release would).
    const a = await boundActivation(ctx, ACCOUNT);
    expect(await a.call('POST', '/workspace-bindings', { workspaceId }))
      .toMatchObject({ status: 409, body: { error: { code: 'WORKSPACE_NOT_BINDABLE', details: { reason: 'already-bound-here' } } } });
    expect(await a.call('POST', '/workspace-bindings', { workspaceId: 'ws_nope' }))
      .toMatchObject({ status: 404, body: { error: { code: 'WORKSPACE_NOT_FOUND' } } });
    ctx.fixture(() => ctx.db.prepare('UPDATE settlements SET ended_at = started_at WHERE workspace_id = ?').run(workspaceId));
    expect((await a.call('GET', '/workspaces')).body.workspaces[0]).toMatchObject({ id: workspaceId, bindable: true, reason: null });
    const r = await a.call('POST', '/workspace-bindings', { workspaceId });
    expect(r).toMatchObject({ status: 200, body: { activation: { state: 'activated', workspace: { id: workspaceId }, loginUrl: 'https://auth.guance.com/login/pwd' } } });
    expect(await a.call('POST', '/workspace-bindings', { workspaceId }))
      .toMatchObject({ status: 409, body: { error: { code: 'WRONG_STATE' } } });
  });

  it('does not let an activation bind a workspace of another Billing Center account', async () => {
    const ctx = setup();
    const { workspaceId } = await withBillingAccount(ctx, OTHER);
    ctx.fixture(() => ctx.db.prepare('UPDATE settlements SET ended_at = started_at').run());
    await ctx.register('quinn', 'quinn@example.com');
    const a = await ctx.start(ACCOUNT);
    const code = await ctx.codeFor(a, { purpose: 'bind-billing-account', username: 'quinn' }, 'quinn@example.com');
    await a.call('POST', '/billing-account', { username: 'quinn', code });
    expect(await a.call('POST', '/workspace-bindings', { workspaceId }))
      .toMatchObject({ status: 404, body: { error: { code: 'WORKSPACE_NOT_FOUND' } } });
  });
});

describe('POST /sessions', () => {
  it('401 INVALID_CREDENTIALS for a wrong password or an unknown login, with the same message', async () => {
    const { register, call } = setup();
    await register('rita', 'rita@example.com');
    const wrongPw = await call('POST', '/sessions', { login: 'rita', password: 'nope-nope-1' });
    const unknown = await call('POST', '/sessions', { login: 'nobody', password: PASSWORD });
    expect(wrongPw).toMatchObject({ status: 401, body: { error: { code: 'INVALID_CREDENTIALS' } } });
    expect(unknown.body).toEqual(wrongPw.body);
    expect((await call('POST', '/sessions', { login: 'RITA@example.com', password: PASSWORD })).status).toBe(200);
    expect((await call('POST', '/sessions', { login: '', password: '' })).status).toBe(400);
  });
});

describe('answers match the shared schemas the extension checks them with', () => {
  it('start, activation, workspaces, session, health', async () => {
    const { StartActivationResponse, ActivationResponse, WorkspaceListResponse, SessionResponse, HealthResponse, SendCodeResponse } =
      await import('../../shared/schemas');
    const ctx = setup();
    HealthResponse.parse((await ctx.call('GET', '/health')).body);
    await ctx.createInstance(ACCOUNT, '77');
    const started = await ctx.call('POST', '/activations', { accountId: ACCOUNT, instanceId: '77', site: 'cn4' });
    StartActivationResponse.parse(started.body);
    const { id } = started.body.activation;
    const token = started.body.token as string;
    SendCodeResponse.parse((await ctx.call('POST', `/activations/${id}/verification-codes`, { purpose: 'register', email: 'z@example.com' }, token)).body);
    const reg = await ctx.call('POST', `/activations/${id}/registration`, ctx.registrationBody('zoe', 'z@example.com', ctx.lastCode('z@example.com')), token);
    ActivationResponse.parse(reg.body);
    WorkspaceListResponse.parse((await ctx.call('GET', `/activations/${id}/workspaces`, undefined, token)).body);
    SessionResponse.parse((await ctx.call('POST', '/sessions', { login: 'zoe', password: PASSWORD })).body);
  });
});
