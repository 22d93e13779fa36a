// `GET /activate/landing?activation=<id>`: where free login sends the browser. HTML for people,
// with a marker for the extension (marketplace/landing.ts; contract in docs/landing-and-web-wizard.md).
import { Hono, type Context } from 'hono';
import type { Repositories } from '../db/repositories';
import type { ActivationService } from '../services/activations';
import { errorResponse } from '../lib/errors';
import { LANDING_CSP, landingMarkers, renderLandingPage, type LandingData } from '../marketplace/landing';
import { type WebBundle, WEB_BASE, WEB_CSP, webAsset, webPage } from '../web/bundle';

const notFoundPage = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>Guance Activator</title></head>
<body><h1>找不到这个开通 · No such activation</h1>
<p>请回到阿里云云市场“已购买的服务”，再次点击“免登”。<br>Go back to Purchased Services on the Alibaba Cloud Marketplace and click Login Directly again.</p></body></html>`;

/**
 * `web`: the built web wizard (web/bundle.ts). With it, the landing page is the wizard carrying the
 * same markers, `/activate` starts it from typed IDs, and `/activate/assets/*` serves its files.
 */
export function landingRoutes(deps: {
  repos: Repositories; activations: ActivationService; apiOrigin: string; now: () => number;
  web?: WebBundle;
}) {
  const { web } = deps;
  const notBuilt = (c: Context) => errorResponse(c, 'NOT_FOUND', 'The web wizard is not built on this server; use the browser extension');
  return new Hono()
    .get('/landing', (c) => {
      const id = c.req.query('activation') ?? '';
      const act = /^[\w-]{1,80}$/.test(id) ? deps.repos.activations.get(id) : undefined;
      const view = act && deps.activations.view(act);
      const data: LandingData | undefined = act && view && {
        version: 1, activationId: act.id, accountId: act.accountId, instanceId: act.instanceId, site: act.site,
        verified: view.proof != null || (act.verified ?? false), proof: view.proof ?? null, expiresAt: view.expiresAt, apiOrigin: deps.apiOrigin,
      };
      if (web) {
        c.header('Content-Security-Policy', WEB_CSP);
        return data ? c.html(webPage(web, landingMarkers(data)), 200) : c.html(webPage(web, ''), 404);
      }
      c.header('Content-Security-Policy', LANDING_CSP);
      if (!act || !data) return c.html(notFoundPage, 404);
      return c.html(renderLandingPage(data, deps.now() >= act.expiresAt), 200);
    })
    .get('/', (c) => {
      if (!web) return notBuilt(c);
      c.header('Content-Security-Policy', WEB_CSP);
      return c.html(webPage(web, ''), 200);
    })
    .get('/assets/*', async (c) => {
      const file = web && await webAsset(web, c.req.path.slice(`${WEB_BASE}assets/`.length));
      if (!file) return web ? errorResponse(c, 'NOT_FOUND', 'No such file') : notBuilt(c);
      // Built file names carry a content hash: a cache may keep them.
      return c.body(new Uint8Array(file.body), 200, { 'Content-Type': file.type, 'Cache-Control': 'public, max-age=31536000, immutable' });
    });
}
