import { Hono, type Context } from 'hono';
import { html } from 'hono/html';
import type { AuditContext } from '../db/audit-context';
import { ApiError } from '../lib/errors';
import type { MarketplaceService } from '../services/marketplace';
import { LANDING_CSP } from './landing';
import { safeParseSpiCall } from './schemas';
import { ambiguousParam, verifySpiSignature } from './signature';

/** A person's browser (free login) gets a page; a program gets the §7 JSON. */
const wantsHtml = (c: Context) => /text\/html/i.test(c.req.header('Accept') ?? '');

const ADVICE: Record<string, [string, string]> = {
  TOKEN_REPLAYED: ['这个登录链接已经用过了。', 'This login link was used already.'],
  CODE_EXPIRED: ['这个登录链接已过期。', 'This login link has expired.'],
  BAD_SIGNATURE: ['这个登录链接无效。', 'This login link is not valid.'],
  INSTANCE_NOT_FOUND: ['我们还没有收到这个实例的开通信息，请稍候一分钟。', 'We have not heard of this instance from the marketplace yet; wait a minute.'],
  INSTANCE_NOT_ACTIVE: ['这个实例已到期或已释放：请先在云市场续费，或重新购买。', 'This instance has expired or was released: renew it in the marketplace first, or buy again.'],
};

function errorPage(c: Context, status: number, code: string, message: string) {
  const [zh, en] = ADVICE[code] ?? ['无法完成免登。', 'Free login could not be completed.'];
  c.header('Content-Security-Policy', LANDING_CSP);
  return c.html(html`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><title>Guance Activator</title></head>
<body><h1>${zh}<br>${en}</h1><p>${message}</p>
<p>请回到阿里云云市场“已购买的服务”，再次点击“免登”。<br>Go back to Purchased Services on the Alibaba Cloud Marketplace and click Login Directly again.</p>
<p><small>${code}</small></p></body></html>`, status as 400);
}

/**
 * `GET /marketplace/aliyun`: the Alibaba Cloud Marketplace SPI endpoint (DESIGN §5), and
 * `GET /marketplace/aliyun/login`: the free-login URL we gave as `authUrl` (action `verify` implied).
 */
export function marketplaceRoutes(svc: MarketplaceService, spiKey: string, audit: (c: Context) => AuditContext) {
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
    // Nothing is written for a call we cannot prove came from the marketplace.
    if (!verifySpiSignature(params, spiKey)) {
      if (isVerify && wantsHtml(c)) return errorPage(c, 403, 'BAD_SIGNATURE', 'The token does not match the parameters');
      throw new ApiError('BAD_SIGNATURE', 'The token does not match the parameters');
    }
    const signed = isLogin && params.action === undefined ? { ...params, action: 'verify' } : params;
    // Each action's parameters are parsed here, at the edge; a call that does not parse is still logged.
    const parsed = safeParseSpiCall(signed);
    const answer = parsed.ok ? svc.handle(parsed.call, audit(c)) : svc.refuse(signed, parsed.error, audit(c));
    if (answer.location) return c.redirect(answer.location, 302);
    if (isVerify && answer.status >= 400 && wantsHtml(c)) {
      const err = (answer.body as { error: { code: string; message: string } }).error;
      return errorPage(c, answer.status, err.code, err.message);
    }
    return c.json(answer.body as Record<string, unknown>, answer.status as 200);
  };
  return new Hono().get('/aliyun', handler).get('/aliyun/login', handler);
}
