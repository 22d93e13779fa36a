// The HTTP guard rails every answer of the API passes through: a request id, an access log with
// secrets masked, security headers, CORS for the extension and configured origins only, a refusal
// of cross-site writes from web pages, and a 64 KB cap on request bodies.
import type { ServerResponse } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { EXTENSION_ORIGINS } from '../../shared/extension-id';
import { originOf } from '../../shared/origin';
import { errorResponse } from '../lib/errors';
import { redactUrl } from './redact';

export const MAX_BODY_BYTES = 64 * 1024;

export interface HttpGuardOptions {
  /** ALLOWED_ORIGINS from the configuration; the extension's own origins are always added. */
  allowedOrigins: readonly string[];
  /** PUBLIC_URL: pages the API serves itself (the landing page) are same-origin. */
  publicUrl?: string;
  /** Where access-log lines (one JSON object each) go; nothing is logged when absent. */
  log?: (line: string) => void;
  /** The client's address as the proxy setting decides (TRUST_PROXY), for the access log. */
  clientAddress?: (c: Context) => string;
  maxBodyBytes?: number;
}

export function allowedOriginSet(opts: Pick<HttpGuardOptions, 'allowedOrigins' | 'publicUrl'>): Set<string> {
  const set = new Set<string>(EXTENSION_ORIGINS);
  for (const o of opts.allowedOrigins) if (o && o !== '*' && o !== 'null') set.add(o.replace(/\/+$/, ''));
  const own = originOf(opts.publicUrl);
  if (own) set.add(own);
  return set;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * What hono/secure-headers sets by default, with our CSP (JSON answers load nothing; the landing
 * page sets its own, narrower one), and no-store: answers carry tokens and personal data.
 */
const STATIC_HEADERS: ReadonlyArray<[string, string]> = [
  ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Origin-Agent-Cluster', '?1'],
  ['Referrer-Policy', 'no-referrer'],
  ['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-DNS-Prefetch-Control', 'off'],
  ['X-Download-Options', 'noopen'],
  ['X-Frame-Options', 'SAMEORIGIN'],
  ['X-Permitted-Cross-Domain-Policies', 'none'],
  ['X-XSS-Protection', '0'],
  ['Cache-Control', 'no-store'],
];

/**
 * Middleware in the order they must run. Mount with `app.use('*', ...httpGuards(opts))` before the
 * routes, so that even a 404 or a refused body carries the headers and a request id.
 */
export function httpGuards(opts: HttpGuardOptions): MiddlewareHandler[] {
  const allowed = allowedOriginSet(opts);
  const maxSize = opts.maxBodyBytes ?? MAX_BODY_BYTES;
  return [
    async (c, next) => {
      // Our own id only: a client-chosen id would let a caller forge what the audit trail points at.
      const id = crypto.randomUUID();
      c.set('requestId', id);
      // Under @hono/node-server, the id and the security headers below go straight on Node's
      // response: a header the handler sets still wins (writeHead merges over them), and Hono
      // builds no Headers object for a dozen values (that costs more than a small JSON answer).
      const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
      if (outgoing) {
        outgoing.setHeader('X-Request-Id', id);
        for (const [k, v] of STATIC_HEADERS) outgoing.setHeader(k, v);
      } else {
        c.header('X-Request-Id', id);
        for (const [k, v] of STATIC_HEADERS) c.header(k, v);
      }
      const started = performance.now();
      await next();
      if (opts.log) {
        const url = c.req.url;
        const pathStart = url.indexOf('/', url.indexOf('//') + 2);
        // pino's shape (level 30 = info), so these lines and the server's other logs read alike.
        opts.log(JSON.stringify({
          level: 30, time: Date.now(), msg: 'request', reqId: c.get('requestId'), method: c.req.method,
          url: redactUrl(pathStart < 0 ? '/' : url.slice(pathStart)), status: c.res.status,
          ms: Math.round((performance.now() - started) * 10) / 10, client: opts.clientAddress?.(c),
        }));
      }
    },
    onlyWithOrigin(cors({
      origin: (origin) => (allowed.has(origin) ? origin : null),
      // Every method a route answers: PATCH changes the site of an activation.
      allowMethods: ['GET', 'POST', 'PATCH', 'OPTIONS'],
      allowHeaders: ['Content-Type', 'Authorization'],
      exposeHeaders: ['Retry-After', 'X-Request-Id'],
      maxAge: 600,
    })),
    async (c, next) => {
      // A web page can send a "simple" cross-site POST without a preflight; CORS only hides the
      // answer. Writes from a web origin we do not know are refused before they run. Browser
      // extensions other than ours need host permissions the user granted, so they are not web
      // pages; Firefox gives each install its own moz-extension:// origin, which no list can hold.
      const origin = c.req.header('Origin');
      if (!SAFE_METHODS.has(c.req.method) && origin && /^https?:/i.test(origin) && !allowed.has(origin)) {
        return errorResponse(c, 'ORIGIN_NOT_ALLOWED', 'Requests from this origin are not allowed');
      }
      await next();
    },
    bodyLimitFromHeaders(maxSize),
  ];
}

/**
 * CORS only concerns requests that carry an Origin. Hono's cors middleware touches `c.res` before
 * the handler runs, which makes @hono/node-server build a full web-stream Response for every answer
 * (a third of the cost of a small JSON answer here); requests without an Origin (the extension's
 * background, the marketplace, curl) skip it. Every answer is `no-store`, so no cache needs `Vary`.
 */
function onlyWithOrigin(mw: MiddlewareHandler): MiddlewareHandler {
  return (c, next) => (c.req.header('Origin') === undefined ? next() : mw(c, next));
}

/**
 * Hono's bodyLimit reads `c.req.raw.body` first, which makes @hono/node-server build a full
 * Request (streams, AbortSignal) for every request, GETs included: half the throughput of a
 * simple GET. A declared Content-Length is decided from the header alone; only bodies without
 * one (chunked) go through the streaming counter.
 */
function bodyLimitFromHeaders(maxSize: number): MiddlewareHandler {
  const tooLarge = (c: Context) => errorResponse(c, 'PAYLOAD_TOO_LARGE', `A request body is at most ${maxSize} bytes`);
  const streaming = bodyLimit({ maxSize, onError: tooLarge });
  return async (c, next) => {
    const length = c.req.header('Content-Length');
    const chunked = c.req.header('Transfer-Encoding') !== undefined;
    if (length !== undefined && !chunked) return Number(length) > maxSize ? tooLarge(c) : next();
    if (!chunked && (c.req.method === 'GET' || c.req.method === 'HEAD')) return next();
    return streaming(c, next);
  };
}

/**
 * The client's address. Behind a reverse proxy every request comes from the proxy, so with
 * `trustedProxies` > 0 the address is taken from X-Forwarded-For, counting that many hops from the
 * right (entries further left are whatever the client chose to send).
 */
export function clientAddress(c: Context, trustedProxies = 0): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  const direct = env?.incoming?.socket?.remoteAddress ?? 'unknown';
  if (trustedProxies <= 0) return direct;
  const chain = (c.req.header('X-Forwarded-For') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return chain[chain.length - trustedProxies] ?? chain[0] ?? direct;
}

declare module 'hono' {
  interface ContextVariableMap {
    /** Set by httpGuards for every request: the audit trail and the access log name it. */
    requestId: string;
  }
}
