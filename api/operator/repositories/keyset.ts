// Keyset paging over prepared statements. A filtered list is one of a few fixed SQL texts (each
// filter adds one constant condition), so SQLite plans every combination with its own index
// instead of one plan full of `@x IS NULL OR …`. Pages read `limit + 1` rows: the extra one only
// says whether there is a next page, whose cursor is the last row shown.
import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/connection';

export const PAGE_SIZE = 50;

export interface Page<T> {
  rows: T[];
  /** The cursor of the next page; null on the last one. */
  next: string | null;
}

export interface KeysetQuery<F extends string> {
  /** `SELECT … FROM … ` up to (not including) WHERE. */
  select: string;
  /** One constant condition per filter, using the named parameter of the same name. */
  filters: Record<F, string>;
  /** The keyset condition on `@after`, e.g. `s.id < @after`. */
  after: string;
  /** e.g. `s.id DESC`: must match the keyset condition. */
  order: string;
}

export class KeysetList<F extends string, Row extends Record<string, unknown>> {
  private readonly cache = new Map<string, Statement<Record<string, unknown>, Row>>();

  constructor(private readonly db: Db, private readonly q: KeysetQuery<F>, private readonly cursorOf: (r: Row) => string | number) {}

  page(filters: Partial<Record<F, string | number | undefined>>, after: string | number | undefined, limit = PAGE_SIZE): Page<Row> {
    const active = (Object.keys(this.q.filters) as F[]).filter((f) => filters[f] !== undefined && filters[f] !== '');
    const key = `${active.join(',')}|${after === undefined ? '' : 'after'}`;
    let stmt = this.cache.get(key);
    if (!stmt) {
      const where = [...active.map((f) => this.q.filters[f]), ...(after === undefined ? [] : [this.q.after])];
      stmt = this.db.prepare<Record<string, unknown>, Row>(
        `${this.q.select} ${where.length ? `WHERE ${where.map((w) => `(${w})`).join(' AND ')}` : ''} ORDER BY ${this.q.order} LIMIT @limit`,
      );
      this.cache.set(key, stmt);
    }
    const params: Record<string, unknown> = { limit: limit + 1 };
    for (const f of active) params[f] = filters[f];
    if (after !== undefined) params.after = after;
    const rows = stmt.all(params);
    const more = rows.length > limit;
    if (more) rows.length = limit;
    return { rows, next: more ? String(this.cursorOf(rows[rows.length - 1]!)) : null };
  }
}
