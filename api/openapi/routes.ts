// `GET /api/v1/openapi.json` and `GET /api/v1/docs` (Scalar's reader, loaded from its CDN by the
// reader's browser; the JSON document is the contract, the page only shows it).
import { readFileSync } from 'node:fs';
import { Scalar } from '@scalar/hono-api-reference';
import { Hono } from 'hono';
import { buildOpenApiDocument } from './document';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The docs page runs Scalar's script from jsDelivr: its policy allows that and nothing else outside. */
const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'unsafe-inline' https://cdn.jsdelivr.net",
  "style-src 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.scalar.com",
  'font-src https://fonts.scalar.com https://cdn.jsdelivr.net data:',
  'img-src data: https:',
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export function openApiRoutes(publicUrl: string) {
  // Built on first request, once: the document depends only on the code, and most apps (the tests
  // make hundreds) are never asked for it.
  let doc: ReturnType<typeof buildOpenApiDocument> | undefined;
  const docsPage = Scalar({ url: '/api/v1/openapi.json', pageTitle: 'Guance Activator API' });
  return new Hono()
    .get('/openapi.json', (c) => c.json((doc ??= buildOpenApiDocument({ version: VERSION, serverUrl: publicUrl })), 200))
    .get('/docs', async (c, next) => {
      c.header('Content-Security-Policy', DOCS_CSP);
      return docsPage(c, next);
    });
}
