// A returning buyer (the instance pays for a workspace already) is shown what is bound, never sent
// into binding again; binding another workspace is an explicit request. Only a proved activation
// (free login) learns what is bound: anyone may know the two IDs.
import { describe, expect, it } from 'vitest';
import { randomDigits, setup } from '../test-support';

type S = ReturnType<typeof setup>;

/** A purchase activated by registration (alice, one workspace), and a second, unlinked cloud account's purchase. */
async function activated(s: S) {
  // Through Login Directly, as buyers do by default, so the link is proved: a link made without
  // proof is one its proved owner may replace by registering (services/owner-proof.test.ts).
  const accountId = randomDigits(16);
  const instanceId = randomDigits(9);
  await s.createInstance(accountId, instanceId);
  const { act } = await s.register('alice_01', 'alice@example.com', await s.freeLogin(instanceId));
  return act;
}

const workspaceBody = (name: string, email: string, code: string, over: Record<string, unknown> = {}) => ({
  name, language: 'en', agreeTerms: true, guanceAccount: { kind: 'existing', email, code }, ...over,
});

describe('returning buyers', () => {
  it('free login on an activated instance shows what is bound and offers no binding by default', async () => {
    const s = setup();
    const first = await activated(s);
    const again = await s.freeLogin(first.instanceId);
    const { status, body } = await again.call('GET', '');
    expect(status).toBe(200);
    expect(body.activation).toMatchObject({
      state: 'needs-billing-account', verified: true, next: 'returning', paths: ['bind-billing-account'],
      returning: {
        workspaces: [{
          name: 'alice_01 space', site: 'cn1', language: 'zh', loginUrl: expect.stringMatching(/^https:\/\//),
          billingAccount: { username: 'alice_01' },
          guanceAccount: { username: 'alice_01', email: 'a***e@example.com' },
        }],
      },
    });
    // Registering again is refused outright: it would bind a second workspace at once.
    const code = await s.codeFor(again, { purpose: 'register', email: 'alice2@example.com' }, 'alice2@example.com');
    const r = await again.call('POST', '/registration', s.registrationBody('alice_02', 'alice2@example.com', code));
    expect(r).toMatchObject({ status: 409, body: { error: { code: 'ALREADY_ACTIVATED', details: { field: 'instanceId' } } } });
    expect(r.body.error.details.issues).toEqual([{ path: 'instanceId', message: expect.any(String) }]);
    expect(s.db.prepare('SELECT count(*) FROM workspaces').pluck().get()).toBe(1);
  });

  it('an unproved activation of an activated instance learns only that it is activated, and can do nothing', async () => {
    const s = setup();
    const first = await activated(s);
    const r = await s.call('POST', '/activations', { accountId: first.accountId, instanceId: first.instanceId, site: 'cn1' });
    expect(r.status).toBe(201);
    expect(r.body.activation).toMatchObject({ next: 'returning', paths: [], returning: null, verified: false, billingAccount: null, workspace: null });
    const text = JSON.stringify(r.body);
    for (const secret of ['alice', 'alice_01 space', 'ws_']) expect(text).not.toContain(secret);
    const id = r.body.activation.id as string;
    const as = (method: string, sub: string, body?: unknown) => s.call(method, `/activations/${id}${sub}`, body, r.body.token);
    expect(await as('POST', '/verification-codes', { purpose: 'bind-billing-account', username: 'alice_01' }))
      .toMatchObject({ status: 403, body: { error: { code: 'VERIFICATION_REQUIRED', details: { field: 'instanceId', reason: 'already-activated' } } } });
    expect(await as('POST', '/billing-account', { username: 'alice_01', code: '123456' }))
      .toMatchObject({ status: 403, body: { error: { code: 'VERIFICATION_REQUIRED' } } });
    expect(await as('POST', '/verification-codes/check', { purpose: 'bind-billing-account', username: 'alice_01', code: '123456' }))
      .toMatchObject({ status: 403, body: { error: { code: 'VERIFICATION_REQUIRED' } } });
    // No mail went to the owner on the stranger's behalf.
    expect(s.repos.outbox.to('alice@example.com').filter((m) => /code/.test(m.body))).toHaveLength(1);
  });

  it('a proved returning buyer adds another workspace only by saying so', async () => {
    const s = setup();
    const first = await activated(s);
    const again = await s.freeLogin(first.instanceId);
    const billingCode = await s.codeFor(again, { purpose: 'bind-billing-account', username: 'alice_01' }, 'alice@example.com');
    const bound = await again.call('POST', '/billing-account', { username: 'alice_01', code: billingCode });
    expect(bound).toMatchObject({ status: 200, body: { activation: { state: 'needs-workspace', next: 'returning', paths: ['create-workspace', 'bind-workspace'] } } });

    const wsCode = await s.codeFor(again, { purpose: 'guance-account', email: 'alice@example.com' }, 'alice@example.com');
    const refused = await again.call('POST', '/workspaces', workspaceBody('Second', 'alice@example.com', wsCode));
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'ALREADY_ACTIVATED', details: { field: 'instanceId' } } } });
    expect(refused.body.error.message).toMatch(/another/);
    // The refusal left the code usable.
    const made = await again.call('POST', '/workspaces', workspaceBody('Second', 'alice@example.com', wsCode, { anotherWorkspace: true }));
    expect(made).toMatchObject({ status: 201, body: { activation: { state: 'activated', next: 'done', workspace: { name: 'Second' } } } });

    const third = await s.freeLogin(first.instanceId);
    const view = (await third.call('GET', '')).body.activation;
    expect(view.returning.workspaces.map((w: { name: string }) => w.name)).toEqual(['alice_01 space', 'Second']);
  });

  it('binding an existing workspace to an activated instance also needs anotherWorkspace', async () => {
    const s = setup();
    const first = await activated(s);
    // A workspace of alice's that nothing pays for: made through a second purchase that was then released.
    const other = await s.start(first.accountId, '4440001');
    const c1 = await s.codeFor(other, { purpose: 'bind-billing-account', username: 'alice_01' }, 'alice@example.com');
    expect((await other.call('POST', '/billing-account', { username: 'alice_01', code: c1 })).status).toBe(200);
    const c2 = await s.codeFor(other, { purpose: 'guance-account', email: 'alice@example.com' }, 'alice@example.com');
    expect((await other.call('POST', '/workspaces', workspaceBody('Spare', 'alice@example.com', c2))).status).toBe(201);
    await s.spi({ action: 'releaseInstance', instanceId: '4440001', isRefund: 'false' });
    const spare = s.db.prepare("SELECT id FROM workspaces WHERE name = 'Spare'").pluck().get() as string;

    const again = await s.freeLogin(first.instanceId);
    const c3 = await s.codeFor(again, { purpose: 'bind-billing-account', username: 'alice_01' }, 'alice@example.com');
    expect((await again.call('POST', '/billing-account', { username: 'alice_01', code: c3 })).status).toBe(200);
    expect(await again.call('POST', '/workspace-bindings', { workspaceId: spare }))
      .toMatchObject({ status: 409, body: { error: { code: 'ALREADY_ACTIVATED' } } });
    expect(await again.call('POST', '/workspace-bindings', { workspaceId: spare, anotherWorkspace: true }))
      .toMatchObject({ status: 200, body: { activation: { state: 'activated', workspace: { id: spare } } } });
  });

  it('two activations of one fresh instance: the second to finish is refused instead of binding a second workspace', async () => {
    const s = setup();
    await s.register('bob_01', 'bob@example.com');
    const accountId = randomDigits(16);
    // bob's cloud account gets its own purchase; both activations of it reach the workspace step.
    const linked = await s.start(accountId, '4440002');
    const code = await s.codeFor(linked, { purpose: 'register', email: 'carol@example.com' }, 'carol@example.com');
    expect((await linked.call('POST', '/registration', s.registrationBody('carol_01', 'carol@example.com', code))).status).toBe(201);
    await s.createInstance(accountId, '4440003');
    const a = await s.start(accountId, '4440003');
    const b = await s.start(accountId, '4440003');
    for (const act of [a, b]) {
      const c = await s.codeFor(act, { purpose: 'bind-billing-account', username: 'carol_01' }, 'carol@example.com');
      expect((await act.call('POST', '/billing-account', { username: 'carol_01', code: c })).status).toBe(200);
      s.clock.advance(61_000);
    }
    // Both hold their Guance account code before either creates (b for a new Guance account).
    const ca = await s.codeFor(a, { purpose: 'guance-account', email: 'carol@example.com' }, 'carol@example.com');
    const cb = await s.codeFor(b, { purpose: 'guance-account', email: 'dave@example.com' }, 'dave@example.com');
    expect((await a.call('POST', '/workspaces', workspaceBody('A', 'carol@example.com', ca))).status).toBe(201);
    const newAccount = (code: string) => ({
      kind: 'new', username: 'dave_01', password: 'correct horse 42', passwordConfirm: 'correct horse 42', email: 'dave@example.com', code,
    });
    expect(await b.call('POST', '/workspaces', workspaceBody('B', '', '', { guanceAccount: newAccount(cb) })))
      .toMatchObject({ status: 409, body: { error: { code: 'ALREADY_ACTIVATED' } } });
    // b was not proved: saying "another" does not help it.
    expect(await b.call('POST', '/workspaces', workspaceBody('B', '', '', { guanceAccount: newAccount(cb), anotherWorkspace: true })))
      .toMatchObject({ status: 403, body: { error: { code: 'VERIFICATION_REQUIRED' } } });
    expect(s.db.prepare("SELECT count(*) FROM guance_accounts WHERE username = 'dave_01'").pluck().get()).toBe(0);
    expect(s.db.prepare("SELECT count(*) FROM settlements WHERE instance_id = '4440003' AND ended_at IS NULL").pluck().get()).toBe(1);
  });
});

describe('returning buyers under concurrency', () => {
  it('two activations creating at once on one instance: exactly one workspace is settled', async () => {
    const s = setup();
    const { act } = await s.register('ivy_01', 'ivy@example.com');
    await s.createInstance(act.accountId, '4440050');
    const acts = [await s.start(act.accountId, '4440050'), await s.start(act.accountId, '4440050')];
    const bodies: unknown[] = [];
    for (const [i, a] of acts.entries()) {
      const c = await s.codeFor(a, { purpose: 'bind-billing-account', username: 'ivy_01' }, 'ivy@example.com');
      expect((await a.call('POST', '/billing-account', { username: 'ivy_01', code: c })).status).toBe(200);
      s.clock.advance(61_000);
      const email = `ivy${i}@example.com`;
      const code = await s.codeFor(a, { purpose: 'guance-account', email }, email);
      // A new Guance account: its password is hashed between the first check and the transaction.
      bodies.push(workspaceBody(`W${i}`, '', '', {
        guanceAccount: { kind: 'new', username: `ivy_g${i}`, password: 'correct horse 42', passwordConfirm: 'correct horse 42', email, code },
      }));
    }
    const results = await Promise.all(acts.map((a, i) => a.call('POST', '/workspaces', bodies[i])));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(results.find((r) => r.status === 409)!.body.error.code).toBe('ALREADY_ACTIVATED');
    expect(s.db.prepare("SELECT count(*) FROM settlements WHERE instance_id = '4440050' AND ended_at IS NULL").pluck().get()).toBe(1);
  });
});

describe('which paths an activation offers', () => {
  it('register and bind for a cloud account without a link; only bind once it has one', async () => {
    const s = setup();
    const fresh = await s.start();
    expect((await fresh.call('GET', '')).body.activation).toMatchObject({ next: 'register', paths: ['register', 'bind-billing-account'] });
    const { act } = await s.register('dora_01', 'dora@example.com', fresh);
    await s.createInstance(act.accountId, '4440010');
    const second = await s.start(act.accountId, '4440010');
    const view = (await second.call('GET', '')).body.activation;
    expect(view).toMatchObject({ next: 'bind-billing-account', paths: ['bind-billing-account'], returning: null });
    expect((await s.call('GET', `/activations/${act.id}`, undefined, act.token)).body.activation).toMatchObject({ next: 'done', paths: [] });
  });
});

describe('cloud-account errors name their field', () => {
  it('as one field issue, the shape of VALIDATION_FAILED', async () => {
    const s = setup();
    await s.createInstance('1234567890123456', '4440020');
    const mismatch = await s.call('POST', '/activations', { accountId: '6543210987654321', instanceId: '4440020', site: 'cn1' });
    expect(mismatch.body.error).toMatchObject({
      code: 'INSTANCE_ACCOUNT_MISMATCH', details: { field: 'instanceId', issues: [{ path: 'instanceId', message: expect.any(String) }] },
    });
    const unknown = await s.call('POST', '/activations', { accountId: '6543210987654321', instanceId: '4449999', site: 'cn1' });
    expect(unknown.body.error).toMatchObject({ code: 'INSTANCE_NOT_FOUND', details: { issues: [{ path: 'instanceId' }] } });
    await s.spi({ action: 'expiredInstance', instanceId: '4440020' });
    const expired = await s.call('POST', '/activations', { accountId: '1234567890123456', instanceId: '4440020', site: 'cn1' });
    expect(expired.body.error).toMatchObject({ code: 'INSTANCE_NOT_ACTIVE', details: { status: 'expired', issues: [{ path: 'instanceId' }] } });

    // Registering a cloud account that is linked already: the error is on the cloud account.
    const { act } = await s.register('erin_01', 'erin@example.com');
    await s.createInstance(act.accountId, '4440021');
    const linked = await s.start(act.accountId, '4440021');
    const code = await s.codeFor(linked, { purpose: 'register', email: 'erin2@example.com' }, 'erin2@example.com');
    const r = await linked.call('POST', '/registration', s.registrationBody('erin_02', 'erin2@example.com', code));
    expect(r.body.error).toMatchObject({ code: 'CLOUD_ACCOUNT_LINKED_ELSEWHERE', details: { field: 'accountId', issues: [{ path: 'accountId' }] } });
  });
});

describe('IDs as people paste them', () => {
  it('start accepts spaces and full-width digits and keeps the clean IDs', async () => {
    const s = setup();
    await s.createInstance('1234567890123456', '4440030');
    const r = await s.call('POST', '/activations', { accountId: ' 1234 5678 9012 3456 ', instanceId: '４４４００３０\n', site: 'cn1' });
    expect(r).toMatchObject({ status: 201, body: { activation: { accountId: '1234567890123456', instanceId: '4440030' } } });
  });
});

describe('POST /activations/:id/verification-codes/check', () => {
  it('confirms a code without using it; a wrong one answers like the step would, and counts', async () => {
    const s = setup();
    const a = await s.start();
    const code = await s.codeFor(a, { purpose: 'register', email: 'fay@example.com' }, 'fay@example.com');
    const wrong = code === '000000' ? '000001' : '000000';
    expect(await a.call('POST', '/verification-codes/check', { purpose: 'register', email: 'fay@example.com', code: wrong }))
      .toMatchObject({ status: 422, body: { error: { code: 'CODE_INVALID', details: { field: 'code', attemptsLeft: 4 } } } });
    const ok = await s.app.request(`/api/v1/activations/${a.id}/verification-codes/check`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${a.token}` },
      body: JSON.stringify({ purpose: 'register', email: 'FAY@example.com', code }),
    });
    expect([ok.status, await ok.text()]).toEqual([204, '']);
    // Still usable by the step, and the wrong try above counted there.
    const wrongAtStep = await a.call('POST', '/registration', s.registrationBody('fay_01', 'fay@example.com', wrong));
    expect(wrongAtStep).toMatchObject({ status: 422, body: { error: { details: { attemptsLeft: 3 } } } });
    expect((await a.call('POST', '/registration', s.registrationBody('fay_01', 'fay@example.com', code))).status).toBe(201);
    // Used now: checking it again says so.
    expect((await a.call('POST', '/verification-codes/check', { purpose: 'register', email: 'fay@example.com', code })).body.error.code)
      .toBe('WRONG_STATE');
  });

  it('after five wrong checks the code is dead, at the check and at the step', async () => {
    const s = setup();
    const a = await s.start();
    const code = await s.codeFor(a, { purpose: 'register', email: 'gus@example.com' }, 'gus@example.com');
    const wrong = code === '000000' ? '000001' : '000000';
    for (let i = 0; i < 5; i++) {
      expect((await a.call('POST', '/verification-codes/check', { purpose: 'register', email: 'gus@example.com', code: wrong })).status).toBe(422);
    }
    expect(await a.call('POST', '/verification-codes/check', { purpose: 'register', email: 'gus@example.com', code }))
      .toMatchObject({ status: 429, body: { error: { code: 'TOO_MANY_ATTEMPTS' } } });
    expect(await a.call('POST', '/registration', s.registrationBody('gus_01', 'gus@example.com', code)))
      .toMatchObject({ status: 429, body: { error: { code: 'TOO_MANY_ATTEMPTS' } } });
  });

  it('checks Billing Center and Guance account codes in their own steps only', async () => {
    const s = setup();
    const { act } = await s.register('hal_01', 'hal@example.com');
    await s.createInstance(act.accountId, '4440040');
    const b = await s.start(act.accountId, '4440040');
    expect(await b.call('POST', '/verification-codes/check', { purpose: 'guance-account', email: 'hal@example.com', code: '123456' }))
      .toMatchObject({ status: 409, body: { error: { code: 'WRONG_STATE' } } });
    expect(await b.call('POST', '/verification-codes/check', { purpose: 'bind-billing-account', username: 'hal_01', code: '123456' }))
      // The bind step's uniform refusal: no code sent, unknown username and wrong code answer alike.
      .toMatchObject({ status: 422, body: { error: { code: 'CODE_INVALID', details: { field: 'code' } } } });
    const code = await s.codeFor(b, { purpose: 'bind-billing-account', username: 'hal_01' }, 'hal@example.com');
    const ok = await s.app.request(`/api/v1/activations/${b.id}/verification-codes/check`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${b.token}` },
      body: JSON.stringify({ purpose: 'bind-billing-account', username: 'hal_01', code }),
    });
    expect(ok.status).toBe(204);
    expect((await b.call('POST', '/billing-account', { username: 'hal_01', code })).status).toBe(200);
    expect(await b.call('POST', '/verification-codes/check', { purpose: 'register', email: 'x@example.com' }))
      .toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED', details: [{ path: 'code' }] } } });
  });
});
