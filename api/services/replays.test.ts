// The marketplace's lifecycle calls carry no time stamp and are retried for hours: each is applied
// by its own facts (the end date it implies, the order it carries), so a replay changes nothing.
import { describe, expect, it } from 'vitest';
import { setup } from '../test-support';
import { formatBeijingTime } from '../marketplace/free-login';

const DAY = 24 * 3600_000;
const status = (s: ReturnType<typeof setup>, id: string) => s.repos.instances.get(id)!.status;
const outcomes = (s: ReturnType<typeof setup>) => s.repos.instances.calls().map((c) => `${c.action}:${c.outcome}`);

describe('lifecycle replays', () => {
  it('an expiredInstance replayed after a renewal freezes nothing; a renewal replayed after the next expiry thaws nothing', async () => {
    const s = setup();
    const { act } = await s.register('replay_1', 'replay1@example.com');
    const id = act.instanceId;
    const expiry = await s.spi({ action: 'expiredInstance', instanceId: id });
    expect(expiry.body).toEqual({ success: true });
    expect(status(s, id)).toBe('expired');
    // Renewed for a month.
    const renewal = { action: 'renewInstance', instanceId: id, orderId: 'o-1', expiredOn: formatBeijingTime(s.clock.now() + 30 * DAY) };
    await s.spi(renewal);
    expect(status(s, id)).toBe('active');
    const mailsBefore = s.repos.outbox.to('replay1@example.com').length;

    // The first expiry, retried by the marketplace a day later: the instance now ends in 29 days.
    s.clock.advance(DAY);
    expect((await s.spi({ action: 'expiredInstance', instanceId: id })).body).toEqual({ success: true });
    expect(status(s, id)).toBe('active');
    expect(s.repos.outbox.to('replay1@example.com')).toHaveLength(mailsBefore);

    // The month passes; the real expiry freezes.
    s.clock.advance(30 * DAY);
    await s.spi({ action: 'expiredInstance', instanceId: id });
    expect(status(s, id)).toBe('expired');
    // The old renewal replayed: same order, and its end date is in the past. Still frozen.
    expect((await s.spi(renewal)).body).toEqual({ success: true });
    expect(status(s, id)).toBe('expired');
    // A new order under an old date changes nothing either.
    await s.spi({ ...renewal, orderId: 'o-2' });
    expect(status(s, id)).toBe('expired');
    // A real renewal thaws.
    await s.spi({ ...renewal, orderId: 'o-3', expiredOn: formatBeijingTime(s.clock.now() + 365 * DAY) });
    expect(status(s, id)).toBe('active');
    expect(outcomes(s).slice(-6)).toEqual([
      'renewInstance:ok', 'expiredInstance:replayed', 'expiredInstance:ok', 'renewInstance:replayed', 'renewInstance:replayed', 'renewInstance:ok',
    ]);
  });

  it('an upgrade replayed after a later one keeps the later SKU', async () => {
    const s = setup();
    await s.createInstance('1234567890123456', '6101');
    await s.spi({ action: 'upgradeInstance', instanceId: '6101', skuId: 'pro', orderId: 'u-1' });
    await s.spi({ action: 'upgradeInstance', instanceId: '6101', skuId: 'enterprise', orderId: 'u-2' });
    const replay = await s.spi({ action: 'upgradeInstance', instanceId: '6101', skuId: 'pro', orderId: 'u-1' });
    expect(replay.body).toEqual({ success: true });
    expect(s.repos.instances.get('6101')!.skuId).toBe('enterprise');
    expect(outcomes(s).at(-1)).toBe('upgradeInstance:replayed');
  });

  it('orderPay records a payment once per requestId, refuses another account, and waits for its instance', async () => {
    const s = setup();
    const pay = { action: 'orderPay', requestId: '469363e82a2847838bfcaeed436da272', aliUid: '1234567890123456', orderBizId: '6201', orderId: '900123', productCode: 'cmgj00053362', skuId: 'payg' };
    // Ahead of its createInstance: kept, answered so the marketplace retries, applied on arrival.
    expect((await s.spi(pay)).status).toBe(404);
    await s.createInstance('1234567890123456', '6201');
    expect(s.repos.spiFacts.payment(pay.requestId)).toMatchObject({ instanceId: '6201', orderId: '900123', accountId: '1234567890123456' });
    for (let i = 0; i < 3; i++) expect(await s.spi(pay)).toMatchObject({ status: 200, body: { success: true } });
    expect(s.db.prepare('SELECT count(*) FROM payments').pluck().get()).toBe(1);
    expect(outcomes(s).slice(-3)).toEqual(['orderPay:replayed', 'orderPay:replayed', 'orderPay:replayed']);
    const other = await s.spi({ ...pay, requestId: 'r-2', aliUid: '6543210987654321' });
    expect([other.status, other.body.error.code]).toEqual([409, 'CONFLICT']);
    expect(await s.spi({ ...pay, requestId: '' })).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
  });
});
