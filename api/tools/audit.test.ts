import { describe, expect, it } from 'vitest';
import { AuditRepository } from '../db/repositories/audit';
import { MANY_BUYERS, setup } from '../test-support';
import { formatAudit } from './audit';

describe('audit trail', () => {
  it('records each change of link, settlement, instance and binding with the request that caused it', async () => {
    const s = setup();
    const created = await s.app.request(`/marketplace/aliyun?${new URLSearchParams((await import('../marketplace/signature')).signSpiParams({
      action: 'createInstance', aliUid: '1234567890123456', orderBizId: '6001', productCode: 'cmgj00053362', skuId: 'payg',
    }, 'test-spi-key-0123456789'))}`);
    const createRequest = created.headers.get('X-Request-Id');
    const act = await s.start('1234567890123456', '6002');
    const code = await s.codeFor(act, { purpose: 'register', email: 'aud@example.com' }, 'aud@example.com');
    const reg = await s.app.request(`/api/v1/activations/${act.id}/registration`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${act.token}` },
      body: JSON.stringify(s.registrationBody('aud_user', 'aud@example.com', code)),
    });
    expect(reg.status).toBe(201);
    const regRequest = reg.headers.get('X-Request-Id')!;
    await s.spi({ action: 'releaseInstance', instanceId: '6002' });

    const rows = new AuditRepository(s.db).of('1234567890123456');
    const what = rows.map((r) => `${r.entity}.${r.field}: ${r.oldValue ?? '-'} -> ${r.newValue ?? '-'}`);
    expect(what).toEqual(expect.arrayContaining([
      'instance.status: - -> active',
      'link.billingAccount: - -> ' + rows.find((r) => r.entity === 'link')!.billingAccountId,
      'settlement.settlement: direct -> marketplace:1234567890123456/6002',
      'activation.state: needs-billing-account -> activated',
      'instance.status: active -> released',
      'settlement.settlement: marketplace:1234567890123456/6002 -> direct (released)',
    ]));
    expect(rows.find((r) => r.entity === 'instance' && r.entityId === '6001')!.requestId).toBe(createRequest);
    const byReg = rows.filter((r) => r.requestId === regRequest).map((r) => r.entity);
    expect(new Set(byReg)).toEqual(new Set(['link', 'settlement', 'activation']));
    // The Billing Center account's history (by username) holds the same events.
    expect(new AuditRepository(s.db).of('aud_user').length).toBe(rows.length);
    expect(formatAudit(rows)).toMatch(/instance 6002\s+status\s+active → released/);
    // Append-only.
    expect(() => s.db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
  });

  it('attributes each change to its own request when requests interleave across awaits', async () => {
    const s = setup({ rateLimits: MANY_BUYERS });
    const N = 8;
    const acts = [];
    for (let i = 0; i < N; i++) {
      const act = await s.start();
      acts.push({ act, code: await s.codeFor(act, { purpose: 'register', email: `inter${i}@example.com` }, `inter${i}@example.com`) });
    }
    // All in flight at once: each awaits scrypt before its transaction, so their steps interleave.
    const responses = await Promise.all(acts.map(({ act, code }, i) => s.app.request(`/api/v1/activations/${act.id}/registration`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${act.token}` },
      body: JSON.stringify(s.registrationBody(`inter_${i}`, `inter${i}@example.com`, code)),
    })));
    const repo = new AuditRepository(s.db);
    acts.forEach(({ act }, i) => {
      expect(responses[i]!.status).toBe(201);
      const requestId = responses[i]!.headers.get('X-Request-Id');
      const byThis = repo.of(act.accountId).filter((r) => r.entity !== 'instance');
      expect(new Set(byThis.map((r) => r.entity))).toEqual(new Set(['link', 'settlement', 'activation']));
      expect(new Set(byThis.map((r) => r.requestId))).toEqual(new Set([requestId]));
    });
    // Nothing the app wrote went unattributed.
    expect(s.db.prepare('SELECT COUNT(*) FROM audit_log WHERE request_id IS NULL').pluck().get()).toBe(0);
  });
});
