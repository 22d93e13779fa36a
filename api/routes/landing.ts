// `GET /activate/landing?activation=<id>`: where free login sends the browser. HTML for people,
// with a marker for the extension (marketplace/landing.ts; contract in notes/landing-contract.md).
import { Hono } from 'hono';
import type { Repositories } from '../db/repositories';
import type { ActivationService } from '../services/activations';
import { LANDING_CSP, renderLandingPage } from '../marketplace/landing';

const notFoundPage = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>Guance Activator</title></head>
<body><h1>找不到这个开通 · No such activation</h1>
<p>请回到阿里云云市场“已购买的服务”，再次点击“免登”。<br>Go back to Purchased Services on the Alibaba Cloud Marketplace and click Login Directly again.</p></body></html>`;

export function landingRoutes(deps: { repos: Repositories; activations: ActivationService; apiOrigin: string; now: () => number }) {
  return new Hono().get('/landing', (c) => {
    c.header('Content-Security-Policy', LANDING_CSP);
    const id = c.req.query('activation') ?? '';
    const act = /^[\w-]{1,80}$/.test(id) ? deps.repos.activations.get(id) : undefined;
    if (!act) return c.html(notFoundPage, 404);
    const view = deps.activations.view(act);
    return c.html(renderLandingPage({
      version: 1, activationId: act.id, accountId: act.accountId, instanceId: act.instanceId, site: act.site,
      verified: act.verified ?? false, expiresAt: view.expiresAt, apiOrigin: deps.apiOrigin,
    }, deps.now() >= act.expiresAt), 200);
  });
}
