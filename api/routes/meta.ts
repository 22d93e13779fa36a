import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { ALL_SITES } from '../../shared/sites';
import type { Db } from '../db/connection';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** A readiness answer that said "ok" is given again for this long without a new query. */
export const READY_FOR_MS = 1000;

/**
 * `/api/v1/health` (readiness: it runs a query, and answers 503 when the database fails, so a load
 * balancer takes this process out) and `/api/v1/sites`. A good answer holds for READY_FOR_MS: a
 * load balancer asks every few seconds, and a flood of health checks (the query is a read
 * transaction, with its lock calls, per request: about a fifth of GET /health's cost) then costs one
 * query a second. A failing database is asked again at every request, so a recovery shows at once.
 */
export function metaRoutes(db: Db, now: () => number = Date.now) {
  // One row of the schema table: a real read through the connection, at the cost of a cached page.
  const probe = db.prepare('SELECT 1 FROM sqlite_schema LIMIT 1').pluck();
  let goodUntil = -Infinity;
  const ready = () => {
    const t = now();
    if (t < goodUntil) return true;
    try {
      const ok = probe.get() === 1;
      goodUntil = ok ? t + READY_FOR_MS : -Infinity;
      return ok;
    } catch {
      goodUntil = -Infinity;
      return false;
    }
  };
  return new Hono()
    .get('/health', (c) => (ready()
      ? c.json({ status: 'ok' as const, version: VERSION, database: 'ok' as const }, 200)
      : c.json({ status: 'unavailable' as const, version: VERSION, database: 'failing' as const }, 503)))
    .get('/sites', (c) => c.json({ sites: ALL_SITES }, 200));
}
