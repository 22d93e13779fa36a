import type { Db } from '../connection';

export type InstanceStatus = 'active' | 'expired' | 'released';

export interface Instance {
  id: string;
  accountId: string;
  orderId: string | null;
  productCode: string;
  skuId: string | null;
  trial: boolean;
  template: string | null;
  status: InstanceStatus;
  expiredOn: string | null;
}

interface Row {
  id: string; account_id: string; order_id: string | null; product_code: string; sku_id: string | null;
  trial: number; template: string | null; status: InstanceStatus; expired_on: string | null;
}

const toInstance = (r: Row): Instance => ({
  id: r.id, accountId: r.account_id, orderId: r.order_id, productCode: r.product_code, skuId: r.sku_id,
  trial: r.trial === 1, template: r.template, status: r.status, expiredOn: r.expired_on,
});

export interface FrozenInfo {
  frozenAt: number | null;
  freezeEndsAt: number | null;
  releasedAt: number | null;
}

export interface SpiCall {
  action: string;
  instanceId: string | null;
  params: Record<string, string>;
  receivedAt: number;
  outcome: string;
  httpStatus: number;
}

/** Marketplace instances (their lifecycle: freeze, thaw, release) and the log of SPI calls about them. */
export class InstanceRepository {
  private readonly byId;
  private readonly insertStmt;
  private readonly updateStmt;
  private readonly logStmt;
  private readonly callsStmt;
  private readonly life;
  private readonly badSignatureStmt;

  constructor(db: Db) {
    this.byId = db.prepare<[string], Row>('SELECT * FROM instances WHERE id = ?');
    this.insertStmt = db.prepare(
      `INSERT INTO instances (id, account_id, order_id, product_code, sku_id, trial, template, status, expired_on, created_at, updated_at)
       VALUES (@id, @accountId, @orderId, @productCode, @skuId, @trial, @template, 'active', @expiredOn, @now, @now)`,
    );
    this.updateStmt = db.prepare(
      `UPDATE instances SET status = coalesce(@status, status), expired_on = coalesce(@expiredOn, expired_on),
         sku_id = coalesce(@skuId, sku_id), order_id = coalesce(@orderId, order_id), updated_at = @now WHERE id = @id`,
    );
    this.logStmt = db.prepare(
      `INSERT INTO spi_calls (action, instance_id, params, received_at, outcome, http_status)
       VALUES (@action, @instanceId, @params, @receivedAt, @outcome, @httpStatus)`,
    );
    this.callsStmt = db.prepare<[], { action: string; instance_id: string | null; params: string; received_at: number; outcome: string; http_status: number }>(
      'SELECT * FROM spi_calls ORDER BY id',
    );
    this.life = {
      frozen: db.prepare<[string], { frozen_at: number | null; freeze_ends_at: number | null; released_at: number | null }>(
        'SELECT frozen_at, freeze_ends_at, released_at FROM instances WHERE id = ?',
      ),
      freeze: db.prepare(
        `UPDATE instances SET status = 'expired', frozen_at = @now, freeze_ends_at = @endsAt, updated_at = @now
          WHERE id = @id AND status = 'active'`,
      ),
      thaw: db.prepare(
        `UPDATE instances SET status = 'active', frozen_at = NULL, freeze_ends_at = NULL,
           expired_on = coalesce(@expiredOn, expired_on), order_id = coalesce(@orderId, order_id), updated_at = @now
          WHERE id = @id AND status IN ('active', 'expired')`,
      ),
      release: db.prepare(
        `UPDATE instances SET status = 'released', released_at = @now, freeze_ends_at = NULL, updated_at = @now
          WHERE id = @id AND status <> 'released'`,
      ),
      due: db.prepare<[number], { id: string }>(
        "SELECT id FROM instances WHERE status = 'expired' AND freeze_ends_at <= ? ORDER BY freeze_ends_at LIMIT 100",
      ),
    };
    this.badSignatureStmt = db.prepare<[string, number, string | null]>(
      `INSERT INTO spi_signature_failures (day, count, last_at, last_action) VALUES (?, 1, ?, ?)
       ON CONFLICT (day) DO UPDATE SET count = count + 1, last_at = excluded.last_at, last_action = excluded.last_action`,
    );
  }

  frozenInfo(id: string): FrozenInfo | undefined {
    const r = this.life.frozen.get(id);
    return r && { frozenAt: r.frozen_at, freezeEndsAt: r.freeze_ends_at, releasedAt: r.released_at };
  }

  /** active → expired with a countdown; false when it was not active. */
  freeze(id: string, now: number, endsAt: number): boolean {
    return this.life.freeze.run({ id, now, endsAt }).changes === 1;
  }

  thaw(id: string, now: number, change: { expiredOn?: string; orderId?: string }): boolean {
    return this.life.thaw.run({ id, now, expiredOn: change.expiredOn ?? null, orderId: change.orderId ?? null }).changes === 1;
  }

  /** → released; false when it already was. */
  release(id: string, now: number): boolean {
    return this.life.release.run({ id, now }).changes === 1;
  }

  /** Expired instances whose freeze has run out. */
  dueForRelease(now: number): string[] {
    return this.life.due.all(now).map((r) => r.id);
  }

  get(id: string): Instance | undefined {
    const r = this.byId.get(id);
    return r && toInstance(r);
  }

  insert(i: Omit<Instance, 'status'>, now: number): void {
    this.insertStmt.run({ ...i, trial: i.trial ? 1 : 0, now });
  }

  update(id: string, change: { status?: InstanceStatus; expiredOn?: string; skuId?: string; orderId?: string }, now: number): void {
    this.updateStmt.run({
      id, now, status: change.status ?? null, expiredOn: change.expiredOn ?? null,
      skuId: change.skuId ?? null, orderId: change.orderId ?? null,
    });
  }

  logCall(call: SpiCall): void {
    this.logStmt.run({ ...call, params: JSON.stringify(call.params) });
  }

  /** A call refused for its signature: counted per UTC day (migration 005), its content not kept. */
  countBadSignature(at: number, action: string | undefined): void {
    const day = new Date(at).toISOString().slice(0, 10);
    this.badSignatureStmt.run(day, at, action && /^[A-Za-z]{1,64}$/.test(action) ? action : null);
  }

  calls(): SpiCall[] {
    return this.callsStmt.all().map((r) => ({
      action: r.action, instanceId: r.instance_id, params: JSON.parse(r.params) as Record<string, string>,
      receivedAt: r.received_at, outcome: r.outcome, httpStatus: r.http_status,
    }));
  }
}
