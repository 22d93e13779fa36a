import type { Db } from '../connection';

export interface PendingCall {
  id: number;
  action: string;
  instanceId: string;
  params: Record<string, string>;
}

/** The same parameters always give the same text (sorted names, no token). */
function canonical(params: Record<string, string>): string {
  const { token: _t, ...rest } = params;
  return JSON.stringify(Object.fromEntries(Object.entries(rest).sort(([a], [b]) => (a < b ? -1 : 1))));
}

/** SPI calls about an instance not created yet (spi_pending), applied when it arrives. */
export class PendingCallRepository {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      put: db.prepare(
        `INSERT INTO spi_pending (action, instance_id, params, received_at) VALUES (@action, @instanceId, @params, @now)
         ON CONFLICT (action, instance_id, params) DO UPDATE SET attempts = attempts + 1`,
      ),
      open: db.prepare<[string], { id: number; action: string; instance_id: string; params: string }>(
        'SELECT id, action, instance_id, params FROM spi_pending WHERE instance_id = ? AND resolved_at IS NULL ORDER BY id',
      ),
      byId: db.prepare<[number], { id: number; action: string; instance_id: string; params: string; resolved_at: number | null }>(
        'SELECT id, action, instance_id, params, resolved_at FROM spi_pending WHERE id = ?',
      ),
      retried: db.prepare<[number]>('UPDATE spi_pending SET attempts = attempts + 1 WHERE id = ? AND resolved_at IS NULL'),
      resolve: db.prepare('UPDATE spi_pending SET resolved_at = ?, outcome = ? WHERE id = ?'),
      resolveSame: db.prepare(
        `UPDATE spi_pending SET resolved_at = @now, outcome = 'ok'
          WHERE action = @action AND instance_id = @instanceId AND params = @params AND resolved_at IS NULL`,
      ),
    };
  }

  record(action: string, instanceId: string, params: Record<string, string>, now: number): void {
    this.s.put.run({ action, instanceId, params: canonical(params), now });
  }

  /** The marketplace's retry of a kept call went through: the kept one is done too. */
  resolveSame(action: string, instanceId: string, params: Record<string, string>, now: number): void {
    this.s.resolveSame.run({ action, instanceId, params: canonical(params), now });
  }

  openFor(instanceId: string): PendingCall[] {
    return this.s.open.all(instanceId).map((r) => ({
      id: r.id, action: r.action, instanceId: r.instance_id, params: JSON.parse(r.params) as Record<string, string>,
    }));
  }

  /** One kept call, resolved or not. */
  get(id: number): (PendingCall & { resolvedAt: number | null }) | undefined {
    const r = this.s.byId.get(id);
    return r && { id: r.id, action: r.action, instanceId: r.instance_id, params: JSON.parse(r.params) as Record<string, string>, resolvedAt: r.resolved_at };
  }

  /** Another attempt at a kept call that still cannot be applied. */
  countAttempt(id: number): void {
    this.s.retried.run(id);
  }

  resolve(id: number, now: number, outcome: string): void {
    this.s.resolve.run(now, outcome, id);
  }
}
