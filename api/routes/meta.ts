import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { ALL_SITES } from '../../shared/sites';
import type { Db } from '../db/connection';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * `/api/v1/health` (readiness: it runs a query, and answers 503 when the database fails, so a load
 * balancer takes this process out) and `/api/v1/sites`.
 */
export function metaRoutes(db: Db) {
  // One row of the schema table: a real read through the connection, at the cost of a cached page.
  const probe = db.prepare('SELECT 1 FROM sqlite_schema LIMIT 1').pluck();
  const ready = () => {
    try {
      return probe.get() === 1;
    } catch {
      return false;
    }
  };
  return new Hono()
    .get('/health', (c) => (ready()
      ? c.json({ status: 'ok' as const, version: VERSION, database: 'ok' as const }, 200)
      : c.json({ status: 'unavailable' as const, version: VERSION, database: 'failing' as const }, 503)))
    .get('/sites', (c) => c.json({ sites: ALL_SITES }, 200));
}
