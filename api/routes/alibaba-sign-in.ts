// `GET /activate/alibaba-sign-in/callback`: where Alibaba Cloud sends a browser tab back after
// Sign in with Alibaba Cloud started from the API's own pages. It completes only in the browser
// that started it (the cookie set by POST …/alibaba-sign-in), then shows the landing page.
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie } from 'hono/cookie';
import { html } from 'hono/html';
import type { AuditContext } from '../db/audit-context';
import { ApiError } from '../lib/errors';
import { LANDING_CSP, LANDING_PATH } from '../marketplace/landing';
import { BROWSER_COOKIE, WEB_CALLBACK_PATH, type AlibabaSignInService } from '../services/alibaba-sign-in';

export function signInPages(signIn: AlibabaSignInService | undefined, audit: (c: Context) => AuditContext, publicUrl: string) {
  return new Hono().get('/alibaba-sign-in/callback', async (c) => {
    c.header('Content-Security-Policy', LANDING_CSP);
    c.header('Referrer-Policy', 'no-referrer');
    try {
      if (!signIn) throw new ApiError('NOT_FOUND', 'Sign in with Alibaba Cloud is not configured on this API');
      // The URL as the provider was told it (PUBLIC_URL), not as a proxy in front of us rewrote it.
      const url = `${publicUrl}${WEB_CALLBACK_PATH}${new URL(c.req.url).search}`;
      const act = await signIn.complete(url, audit(c), { browserCookie: getCookie(c, BROWSER_COOKIE) });
      deleteCookie(c, BROWSER_COOKIE, { path: WEB_CALLBACK_PATH });
      return c.redirect(`${LANDING_PATH}?${new URLSearchParams({ activation: act.id })}`, 303);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      return c.html(html`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><title>Guance Activator</title></head>
<body><h1>阿里云登录未能证明账号归属<br>Signing in with Alibaba Cloud did not prove the account</h1><p>${e.message}</p>
<p>请回到开通向导重新登录，或在云市场“已购买的服务”中点击“免登”。<br>Go back to the activation wizard and sign in again, or click Login Directly in the marketplace's Purchased Services.</p>
<p><small>${e.code}</small></p></body></html>`, e.status as 400);
    }
  });
}
