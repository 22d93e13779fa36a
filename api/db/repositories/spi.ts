import type { Db } from '../connection';

export interface Payment {
  requestId: string;
  instanceId: string;
  accountId: string;
  orderId: string;
  productCode: string;
  skuId: string | null;
  paidAt: number;
}

/** What the marketplace's calls already did: orders applied to an instance, payments received. */
export class SpiFactsRepository {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      applyOrder: db.prepare(
        'INSERT INTO spi_orders (instance_id, action, order_id, applied_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      orderApplied: db.prepare<[string, string, string], { n: number }>(
        'SELECT 1 AS n FROM spi_orders WHERE instance_id = ? AND action = ? AND order_id = ?',
      ),
      addPayment: db.prepare(
        `INSERT INTO payments (request_id, instance_id, account_id, order_id, product_code, sku_id, paid_at)
         VALUES (@requestId, @instanceId, @accountId, @orderId, @productCode, @skuId, @paidAt) ON CONFLICT DO NOTHING`,
      ),
      payment: db.prepare<[string], { request_id: string; instance_id: string; account_id: string; order_id: string; product_code: string; sku_id: string | null; paid_at: number }>(
        'SELECT * FROM payments WHERE request_id = ?',
      ),
    };
  }

  /** Records that `orderId` was applied by `action`; false when it already was. */
  applyOrder(instanceId: string, action: string, orderId: string, now: number): boolean {
    return this.s.applyOrder.run(instanceId, action, orderId, now).changes === 1;
  }

  orderApplied(instanceId: string, action: string, orderId: string): boolean {
    return this.s.orderApplied.get(instanceId, action, orderId) !== undefined;
  }

  /** Records a payment; false when its request id was recorded before (a retry). */
  addPayment(p: Payment): boolean {
    return this.s.addPayment.run(p).changes === 1;
  }

  payment(requestId: string): Payment | undefined {
    const r = this.s.payment.get(requestId);
    return r && {
      requestId: r.request_id, instanceId: r.instance_id, accountId: r.account_id, orderId: r.order_id,
      productCode: r.product_code, skuId: r.sku_id, paidAt: r.paid_at,
    };
  }
}
