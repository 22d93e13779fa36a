import { describe, expect, it } from 'vitest';
import { setup } from '../test-support';

const DAY = 24 * 3600_000;

async function activated() {
  const s = setup();
  const { act } = await s.register('life_user', 'life@example.com');
  const ws = s.db.prepare('SELECT workspace_id FROM settlements').pluck().get() as string;
  return { s, act, ws };
}

const liveSettlements = (s: ReturnType<typeof setup>, instanceId: string) =>
  s.db.prepare('SELECT COUNT(*) FROM settlements WHERE instance_id = ? AND ended_at IS NULL').pluck().get(instanceId) as number;
const mailTo = (s: ReturnType<typeof setup>, address: string) => s.repos.outbox.to(address).map((m) => m.subject);

describe('expiredInstance, renewInstance, releaseInstance', () => {
  it('freezes the workspaces for 14 days, refuses new activations saying to renew, and a renewal lifts it', async () => {
    const { s, act } = await activated();
    expect((await s.spi({ action: 'expiredInstance', instanceId: act.instanceId })).body).toEqual({ success: true });
    expect(s.repos.instances.get(act.instanceId)!.status).toBe('expired');
    expect(liveSettlements(s, act.instanceId)).toBe(1); // frozen, still settled through the marketplace
    expect(mailTo(s, 'life@example.com').some((m) => /expired/.test(m))).toBe(true);

    const refused = await s.call('POST', '/activations', { accountId: act.accountId, instanceId: act.instanceId, site: 'cn1' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('INSTANCE_NOT_ACTIVE');
    expect(refused.body.error.message).toMatch(/Renew/);
    expect(refused.body.error.details).toMatchObject({ status: 'expired', action: 'renew' });

    // a repeated expiredInstance does not restart the countdown
    const endsAt = s.db.prepare('SELECT freeze_ends_at FROM instances WHERE id = ?').pluck().get(act.instanceId);
    s.clock.advance(DAY);
    await s.spi({ action: 'expiredInstance', instanceId: act.instanceId });
    expect(s.db.prepare('SELECT freeze_ends_at FROM instances WHERE id = ?').pluck().get(act.instanceId)).toBe(endsAt);

    s.clock.advance(12 * DAY);
    expect((await s.spi({ action: 'renewInstance', instanceId: act.instanceId, orderId: '77', expiredOn: '2027-01-01 00:00:00' })).body).toEqual({ success: true });
    const inst = s.repos.instances.get(act.instanceId)!;
    expect([inst.status, inst.expiredOn]).toEqual(['active', '2027-01-01 00:00:00']);
    expect(liveSettlements(s, act.instanceId)).toBe(1);
    expect((await s.call('POST', '/activations', { accountId: act.accountId, instanceId: act.instanceId, site: 'cn1' })).status).toBe(201);
    // and the countdown is gone: 14 days later nothing is released
    s.clock.advance(20 * DAY);
    expect((await s.call('POST', '/activations', { accountId: act.accountId, instanceId: act.instanceId, site: 'cn1' })).status).toBe(201);
  });

  it('at the end of the countdown moves the workspaces to Billing Center settlement, found on read', async () => {
    const { s, act, ws } = await activated();
    await s.spi({ action: 'expiredInstance', instanceId: act.instanceId });
    s.clock.advance(14 * DAY - 1000);
    expect(liveSettlements(s, act.instanceId)).toBe(1);
    s.clock.advance(1000);
    // No timer ran: the read itself sweeps.
    const refused = await s.call('POST', '/activations', { accountId: act.accountId, instanceId: act.instanceId, site: 'cn1' });
    expect(refused.body.error).toMatchObject({ code: 'INSTANCE_NOT_ACTIVE', details: { status: 'released', action: 'buy-again' } });
    expect(liveSettlements(s, act.instanceId)).toBe(0);
    expect(s.db.prepare('SELECT end_reason FROM settlements WHERE workspace_id = ?').pluck().get(ws)).toBe('freeze-ended');
    expect(mailTo(s, 'life@example.com').some((m) => /Billing Center settlement/.test(m))).toBe(true);
    // a renewal after the end is refused: the workspaces have already moved
    expect((await s.spi({ action: 'renewInstance', instanceId: act.instanceId, expiredOn: '2027-01-01 00:00:00' })).status).toBe(409);
  });

  it('the periodic sweep releases due instances without any request', async () => {
    const { s, act } = await activated();
    await s.spi({ action: 'expiredInstance', instanceId: act.instanceId });
    s.clock.advance(15 * DAY);
    expect(s.sweep()).toBe(1);
    expect(s.repos.instances.get(act.instanceId)!.status).toBe('released');
    expect(s.sweep()).toBe(0);
    const audit = s.db.prepare("SELECT request_id FROM audit_log WHERE entity = 'settlement' AND new_value LIKE 'direct%'").pluck().all() as string[];
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatch(/^sweep-/);
  });

  it('releaseInstance ends the settlements at once, makes the workspace bindable elsewhere, mails once, and is idempotent', async () => {
    const { s, act, ws } = await activated();
    const r1 = await s.spi({ action: 'releaseInstance', instanceId: act.instanceId, isRefund: 'false' });
    expect(r1.body).toEqual({ success: true });
    expect(liveSettlements(s, act.instanceId)).toBe(0);
    const mails = mailTo(s, 'life@example.com').filter((m) => /Billing Center settlement/.test(m)).length;
    expect(mails).toBe(1);
    const auditRows = s.db.prepare('SELECT COUNT(*) FROM audit_log').pluck().get();
    for (const action of ['releaseInstance', 'expiredInstance']) {
      expect((await s.spi({ action, instanceId: act.instanceId })).body).toEqual({ success: true });
    }
    expect(s.db.prepare('SELECT COUNT(*) FROM audit_log').pluck().get()).toBe(auditRows);
    expect(mailTo(s, 'life@example.com').filter((m) => /Billing Center settlement/.test(m)).length).toBe(1);

    // The same Billing Center account, through a new purchase, can bind the workspace again.
    const next = await s.start(act.accountId, '424242');
    const code = await s.codeFor(next, { purpose: 'bind-billing-account', username: 'life_user' }, 'life@example.com');
    expect((await next.call('POST', '/billing-account', { username: 'life_user', code })).status).toBe(200);
    const list = await next.call('GET', '/workspaces');
    expect(list.body.workspaces).toEqual([expect.objectContaining({ id: ws, bindable: true, reason: null })]);
    expect((await next.call('POST', '/workspace-bindings', { workspaceId: ws })).status).toBe(200);
  });

  it('upgradeInstance records the new SKU, in the audit trail too', async () => {
    const { s, act } = await activated();
    expect((await s.spi({ action: 'upgradeInstance', instanceId: act.instanceId, skuId: 'pro' })).body).toEqual({ success: true });
    expect(s.repos.instances.get(act.instanceId)!.skuId).toBe('pro');
    expect(s.db.prepare("SELECT old_value || '>' || new_value FROM audit_log WHERE field = 'sku'").pluck().all()).toEqual(['payg>pro']);
  });
});

describe('calls out of order or twice', () => {
  it('records a call for an unknown instance, answers so the marketplace retries, and applies it once the instance arrives', async () => {
    const s = setup();
    const early = await s.spi({ action: 'releaseInstance', instanceId: '31337' });
    expect(early.status).toBe(404);
    expect(early.body.error.code).toBe('INSTANCE_NOT_FOUND');
    await s.spi({ action: 'releaseInstance', instanceId: '31337' }); // the marketplace's retry
    expect(s.db.prepare('SELECT action, attempts, resolved_at FROM spi_pending').all()).toEqual([
      { action: 'releaseInstance', attempts: 2, resolved_at: null },
    ]);
    const created = await s.createInstance('1234567890123456', '31337');
    expect(created.body.instanceId).toBe('31337');
    expect(s.repos.instances.get('31337')!.status).toBe('released');
    expect(s.db.prepare('SELECT outcome FROM spi_pending').pluck().get()).toBe('ok');
    // the marketplace's next retry is answered as done
    expect((await s.spi({ action: 'releaseInstance', instanceId: '31337' })).body).toEqual({ success: true });
  });

  it('a fault on our side: createInstance answers instanceId "0" and other calls 503, both kept and applied later', async () => {
    const s = setup();
    // A disk that refuses writes to this one instance, for a while.
    s.db.exec("CREATE TEMP TRIGGER boom BEFORE INSERT ON instances WHEN NEW.id = '666' BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END");
    const first = await s.createInstance('1234567890123456', '666');
    expect([first.status, first.body]).toEqual([200, { instanceId: '0' }]);
    expect(s.db.prepare("SELECT action FROM spi_pending WHERE instance_id = '666' AND resolved_at IS NULL").pluck().all()).toEqual(['createInstance']);
    s.db.exec('DROP TRIGGER temp.boom');
    const retry = await s.createInstance('1234567890123456', '666');
    expect(retry.body.instanceId).toBe('666');
    expect(s.db.prepare("SELECT COUNT(*) FROM spi_pending WHERE resolved_at IS NULL").pluck().get()).toBe(0);

    s.db.exec("CREATE TEMP TRIGGER boom2 BEFORE UPDATE ON instances BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END");
    const up = await s.spi({ action: 'upgradeInstance', instanceId: '666', skuId: 'pro' });
    expect([up.status, up.body.error.code]).toEqual([503, 'SERVICE_UNAVAILABLE']);
    s.db.exec('DROP TRIGGER temp.boom2');
    expect((await s.spi({ action: 'upgradeInstance', instanceId: '666', skuId: 'pro' })).body).toEqual({ success: true });
    expect(s.repos.instances.get('666')!.skuId).toBe('pro');
    expect(s.db.prepare('SELECT action, outcome FROM spi_pending WHERE resolved_at IS NOT NULL ORDER BY id').all())
      .toEqual([{ action: 'createInstance', outcome: 'ok' }, { action: 'upgradeInstance', outcome: 'ok' }]);
    expect(s.db.prepare('SELECT COUNT(*) FROM spi_pending WHERE resolved_at IS NULL').pluck().get()).toBe(0);
  });

  it('createInstance twice gives the same answer and one instance', async () => {
    const s = setup();
    const a = await s.createInstance('1234567890123456', '5001');
    const b = await s.createInstance('1234567890123456', '5001');
    expect(b.body).toEqual(a.body);
    expect(s.db.prepare("SELECT COUNT(*) FROM instances WHERE id = '5001'").pluck().get()).toBe(1);
  });
});
