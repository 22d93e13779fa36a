import { Hono, type Context } from 'hono';
import type { AuditContext } from '../db/audit-context';
import { ApiError } from '../lib/errors';
import type { MarketplaceService } from '../services/marketplace';
import { freeLoginFailure } from './free-login-outcome';
import { type WebBundle, WEB_CSP, webPage } from '../web/bundle';
import { freeLoginOutcomeBlock, pageLang, renderFreeLoginFailure } from './free-login-page';
import { LANDING_CSP } from './landing';
import { safeParseSpiCall } from './schemas';
import { ambiguousParam, verifySpiSignature } from './signature';

/** A person's browser (free login) gets a page; a program gets the §7 JSON. */
const wantsHtml = (c: Context) => /text\/html/i.test(c.req.header('Accept') ?? '');

/** A refused free login, for a person: the outcome rendered in their language (free-login-page.ts). */
function errorPage(c: Context, web: WebBundle | undefined, status: number, code: string, details?: unknown) {
  const outcome = freeLoginFailure({ status, body: { error: { code, details } } });
  if (web) {
    // The web wizard renders it, and can go on from there.
    c.header('Content-Security-Policy', WEB_CSP);
    return c.html(webPage(web, freeLoginOutcomeBlock(outcome)), status as 400);
  }
  c.header('Content-Security-Policy', LANDING_CSP);
  return c.html(renderFreeLoginFailure(outcome, pageLang(c.req.header('Accept-Language'))), status as 400);
}

/**
 * `GET /marketplace/aliyun`: the Alibaba Cloud Marketplace SPI endpoint (signed GET calls, JSON answers), and
 * `GET /marketplace/aliyun/login`: the free-login URL we gave as `authUrl` (action `verify` implied).
 */
export function marketplaceRoutes(svc: MarketplaceService, spiKey: string, audit: (c: Context) => AuditContext, web?: WebBundle) {
  const handler = (c: Context) => {
    const params: Record<string, string> = {};
    for (const [k, v] of new URL(c.req.url).searchParams) {
      // A repeated name makes the signed string ambiguous: refuse rather than guess.
      if (Object.hasOwn(params, k)) throw new ApiError('BAD_REQUEST', `Parameter ${k} is repeated`);
      params[k] = v;
    }
    const ambiguous = ambiguousParam(params);
    if (ambiguous !== undefined) {
      throw new ApiError('BAD_REQUEST', `Parameter ${ambiguous} holds & or =, which the signature cannot tell from more parameters`);
    }
    const isLogin = c.req.path.replace(/\/+$/, '').endsWith('/login');
    const isVerify = isLogin || params.action === 'verify';
    // Nothing is kept of a call we cannot prove came from the marketplace: it is only counted.
    if (!verifySpiSignature(params, spiKey)) {
      svc.recordBadSignature(params.action);
      if (isVerify && wantsHtml(c)) return errorPage(c, web, 403, 'BAD_SIGNATURE');
      throw new ApiError('BAD_SIGNATURE', 'The token does not match the parameters');
    }
    const signed = isLogin && params.action === undefined ? { ...params, action: 'verify' } : params;
    // Each action's parameters are parsed here, at the edge; a call that does not parse is still logged.
    const parsed = safeParseSpiCall(signed);
    const answer = parsed.ok ? svc.handle(parsed.call, audit(c)) : svc.refuse(signed, parsed.error, audit(c));
    if (answer.location) return c.redirect(answer.location, 302);
    if (isVerify && answer.status >= 400 && wantsHtml(c)) {
      const err = (answer.body as { error: { code: string; details?: unknown } }).error;
      return errorPage(c, web, answer.status, err.code, err.details);
    }
    return c.json(answer.body as Record<string, unknown>, answer.status as 200);
  };
  return new Hono().get('/aliyun', handler).get('/aliyun/login', handler);
}
