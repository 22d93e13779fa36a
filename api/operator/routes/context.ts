// What every console route shares: the page context (language, session), rendering, the session
// and CSRF cookies, and the checks a form must pass before anything runs.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { OperatorSession } from '../repositories/operators';
import { pickLang, translator } from '../views/i18n';
import type { ViewCtx } from '../views/layout';

/** The console's pages load nothing but their own stylesheet, and post forms only to themselves. */
export const CONSOLE_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'";

const LANG_COOKIE = 'op_lang';

export type Env = { Variables: { requestId: string; operator: OperatorSession | undefined } };

/** Over plain HTTP on this machine a Secure cookie would be dropped; everywhere else it is Secure. */
export function isLoopbackRequest(c: Context): boolean {
  const url = new URL(c.req.url);
  return url.protocol === 'http:' && /^(127(\.\d{1,3}){3}|localhost|\[::1\])$/i.test(url.hostname);
}

/** `__Host-` names bind the cookie to this exact origin, path / and Secure (browsers enforce it). */
export function cookieName(c: Context, base: 'session' | 'pre'): string {
  return isLoopbackRequest(c) ? `op_${base}` : `__Host-op_${base}`;
}

export function setConsoleCookie(c: Context, base: 'session' | 'pre', value: string, maxAgeSeconds: number): void {
  setCookie(c, cookieName(c, base), value, {
    httpOnly: true, sameSite: 'Strict', path: '/', secure: !isLoopbackRequest(c), maxAge: maxAgeSeconds,
  });
}

export function clearConsoleCookie(c: Context, base: 'session' | 'pre'): void {
  deleteCookie(c, cookieName(c, base), { path: '/', secure: !isLoopbackRequest(c) });
}

export const readConsoleCookie = (c: Context, base: 'session' | 'pre') => getCookie(c, cookieName(c, base));

/** The sign-in forms' token (double submit: a cookie and the same value in the form). */
export function preSessionToken(c: Context): string {
  const have = readConsoleCookie(c, 'pre');
  if (have && /^[\w-]{43}$/.test(have)) return have;
  const fresh = randomBytes(32).toString('base64url');
  setConsoleCookie(c, 'pre', fresh, 3600);
  return fresh;
}

export function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function viewCtx(c: Context<Env>, now: number): ViewCtx {
  const url = new URL(c.req.url);
  const fromQuery = url.searchParams.get('lang') ?? undefined;
  const lang = pickLang(fromQuery, getCookie(c, LANG_COOKIE), c.req.header('Accept-Language'));
  if (fromQuery === lang && getCookie(c, LANG_COOKIE) !== lang) {
    setCookie(c, LANG_COOKIE, lang, { path: '/operator', sameSite: 'Strict', httpOnly: true, secure: !isLoopbackRequest(c), maxAge: 365 * 86400 });
  }
  const query = new URLSearchParams(url.searchParams);
  query.delete('lang');
  const op = c.get('operator');
  return {
    t: translator(lang), lang, path: url.pathname, query, now,
    session: op ? { email: op.email, csrf: op.csrfToken } : undefined,
  };
}

export function render(c: Context, el: HtmlEscapedString | Promise<HtmlEscapedString>, status = 200) {
  c.header('Content-Security-Policy', CONSOLE_CSP);
  return Promise.resolve(el).then((html) => c.html(`<!doctype html>${html}`, status as 200));
}

/** Where to go after signing in: only a path of this console, never another site. */
export function safeNext(next: string | undefined): string {
  return next && /^\/operator\/[\w\-/?=&.%]*$/.test(next) && !next.includes('//') ? next : '/operator/instances';
}
