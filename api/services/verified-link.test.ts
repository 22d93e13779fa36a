// REQUIRE_VERIFIED_LINK: the operator's switch that lets only a marketplace-verified activation
// (free login) give a cloud account its first Billing Center link.
import { describe, expect, it } from 'vitest';
import { formatBeijingTime } from '../marketplace/free-login';
import { signSpiParams } from '../marketplace/signature';
import { SPI_KEY, setup } from '../test-support';

type S = ReturnType<typeof setup>;

/** What the browser does after Login Directly: follow the signed link, keep the fragment's token. */
async function freeLogin(s: S, instanceId: string) {
  const q = new URLSearchParams(signSpiParams({ action: 'verify', instanceId, timeStamp: formatBeijingTime(s.clock.now()) }, SPI_KEY));
  const r = await s.app.request(`/marketplace/aliyun?${q}`);
  expect(r.status).toBe(302);
  const loc = new URL(r.headers.get('Location')!);
  const id = loc.searchParams.get('activation')!;
  const token = new URLSearchParams(loc.hash.slice(1)).get('token')!;
  return { id, token, accountId: '', instanceId, call: (method: string, sub: string, body?: unknown) => s.call(method, `/activations/${id}${sub}`, body, token) };
}

const count = (s: S, table: string) => (s.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('REQUIRE_VERIFIED_LINK', () => {
  // Issue 9 changed this: typed IDs start an activation (201) that says a proof is needed, and
  // which proofs there are, instead of a 403 at the first step; no code is sent until it is proved.
  it('starts from typed IDs on an account that has no link yet, and says a proof is needed and which', async () => {
    const s = setup({ requireVerifiedLink: true });
    await s.createInstance('1234567890123456', '8001');
    const r = await s.call('POST', '/activations', { accountId: '1234567890123456', instanceId: '8001', site: 'cn1' });
    expect(r.status).toBe(201);
    expect(r.body.activation).toMatchObject({ next: 'prove', proof: null, proofs: ['marketplace'], verified: false });
    const call = (m: string, sub: string, body?: unknown) => s.call(m, `/activations/${r.body.activation.id}${sub}`, body, r.body.token);
    const send = await call('POST', '/verification-codes', { purpose: 'register', email: 'typed@example.com' });
    expect(send).toMatchObject({ status: 403, body: { error: { code: 'VERIFICATION_REQUIRED', details: { proofs: ['marketplace'] } } } });
    expect(send.body.error.message).toMatch(/Login Directly/);
    expect(s.repos.outbox.to('typed@example.com')).toEqual([]);
  });

  it('lets a verified activation register and link; afterwards typed IDs may start and bind with the owner’s code', async () => {
    const s = setup({ requireVerifiedLink: true });
    await s.createInstance('1234567890123456', '8002');
    const verified = await freeLogin(s, '8002');
    const code = await s.codeFor(verified, { purpose: 'register', email: 'owner@example.com' }, 'owner@example.com');
    const reg = await verified.call('POST', '/registration', s.registrationBody('owner_1', 'owner@example.com', code));
    expect(reg.status).toBe(201);
    expect(reg.body.activation.state).toBe('activated');

    // The link exists: a second instance of the same account starts from typed IDs, and the
    // Billing Center account is bound only with the code mailed to its owner.
    await s.createInstance('1234567890123456', '8003');
    const typed = await s.call('POST', '/activations', { accountId: '1234567890123456', instanceId: '8003', site: 'cn1' });
    expect(typed.status).toBe(201);
    expect(typed.body.activation).toMatchObject({ verified: false, next: 'bind-billing-account' });
    const act = { id: typed.body.activation.id, token: typed.body.token };
    const call = (m: string, sub: string, body?: unknown) => s.call(m, `/activations/${act.id}${sub}`, body, act.token);
    expect((await call('POST', '/verification-codes', { purpose: 'bind-billing-account', username: 'owner_1' })).status).toBe(202);
    const bound = await call('POST', '/billing-account', { username: 'owner_1', code: s.lastCode('owner@example.com') });
    expect(bound.status).toBe(200);
    expect(bound.body.activation.state).toBe('needs-workspace');
  });

  it('an unverified activation that was started before the switch cannot make a first link either', async () => {
    const open = setup();
    const act = await open.start('1234567890123456', '8004');
    // Same database, now served with the switch on (an operator turning it on with activations in flight).
    const { createApi } = await import('../app');
    const strict = createApi({ db: open.db, spiKey: SPI_KEY, publicUrl: 'https://activator.test', now: open.clock.now, log: () => {}, requireVerifiedLink: true }).app;
    const code = await open.codeFor(act, { purpose: 'register', email: 'late@example.com' }, 'late@example.com');
    const r = await strict.request(`/api/v1/activations/${act.id}/registration`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${act.token}` },
      body: JSON.stringify(open.registrationBody('late_1', 'late@example.com', code)),
    });
    expect(r.status).toBe(403);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('VERIFICATION_REQUIRED');
    expect(count(open, 'cloud_account_links')).toBe(0);
  });

  it('is off by default: typed IDs register and link, as the marketplace flow without free login needs', async () => {
    const s = setup();
    const { res } = await s.register('plain_1', 'plain@example.com');
    expect(res.body.activation.state).toBe('activated');
    expect(count(s, 'cloud_account_links')).toBe(1);
  });
});
