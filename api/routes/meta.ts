import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { ALL_SITES } from '../../shared/sites';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** `/api/v1/health` and `/api/v1/sites`. */
export function metaRoutes() {
  return new Hono()
    .get('/health', (c) => c.json({ status: 'ok' as const, version: VERSION }, 200))
    .get('/sites', (c) => c.json({ sites: ALL_SITES }, 200));
}
