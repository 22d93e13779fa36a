// The HTTP guard rails every answer of the API passes through: a request id, an access log with
// secrets masked, security headers, CORS for the extension and configured origins only, a refusal
// of cross-site writes from web pages, and a 64 KB cap on request bodies.
import { type IncomingMessage, type OutgoingHttpHeader, type OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { Hono, type Context, type ExecutionContext, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { EXTENSION_ORIGINS } from '../../shared/extension-id';
import { originOf } from '../../shared/origin';
import { errorAnswer, errorResponse } from '../lib/errors';
import { redactUrl } from './redact';

export const MAX_BODY_BYTES = 64 * 1024;

export interface HttpGuardOptions {
  /** ALLOWED_ORIGINS from the configuration; the extension's own origins are always added. */
  allowedOrigins: readonly string[];
  /** PUBLIC_URL: pages the API serves itself (the landing page) are same-origin. */
  publicUrl?: string;
  /** Where access-log lines (one JSON object each) go; nothing is logged when absent. */
  log?: (line: string) => void;
  /** The client's address as the proxy setting decides (TRUST_PROXY), for the access log: from X-Forwarded-For and the socket. */
  clientAddressOf?: (forwardedFor: string | undefined, env: GuardedEnv) => string;
  maxBodyBytes?: number;
  /** Group commit (db/group-commit.ts): an answer leaves only once the writes it may depend on are committed. */
  durable?: { mark(): number; durableSince(mark: number): boolean | Promise<boolean> };
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
 * The headers every answer carries: what a JSON API needs (OWASP's REST set): no framing, nothing
 * to sniff or run, no cross-origin reads of the answer, HTTPS only, no-store (answers carry tokens
 * and personal data).
 */
const API_HEADERS: ReadonlyArray<[string, string]> = [
  ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'SAMEORIGIN'],
  ['Cache-Control', 'no-store'],
];

/**
 * …and what hono/secure-headers adds for documents, on everything that is not the JSON API (the
 * landing page, the web wizard, the operator console, the API docs page set their own CSP). Only
 * a browser rendering a page acts on these; each answer of the API proper is smaller without them
 * (about a quarter of GET /health's cost went to writing a dozen headers no client reads).
 */
const PAGE_HEADERS: ReadonlyArray<[string, string]> = [
  ...API_HEADERS,
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Origin-Agent-Cluster', '?1'],
  ['Referrer-Policy', 'no-referrer'],
  ['X-DNS-Prefetch-Control', 'off'],
  ['X-Download-Options', 'noopen'],
  ['X-Permitted-Cross-Domain-Policies', 'none'],
  ['X-XSS-Protection', '0'],
];

const OWN_NAMES = new Set(['x-request-id', ...PAGE_HEADERS.map(([k]) => k.toLowerCase())]);

/**
 * Node's response, with the guards' headers (the request id, the security set) written in the same
 * step as the handler's: the HTTP server is created with it (http-server.ts), and the guards only
 * say which headers this answer gets. Setting them one by one on the response before the handler
 * ran made Node keep a second table of headers and validate each of them twice; they were the
 * largest part of what the guards cost a small answer (bench/api.bench.ts). A header the handler
 * set wins over ours, as before.
 */
export class GuardedResponse extends ServerResponse {
  /** This answer's request id and header set, from the guards; written by the first writeHead. */
  guardId: string | undefined = undefined;
  guardHeaders: ReadonlyArray<readonly [string, string]> | undefined = undefined;

  override writeHead(
    statusCode: number,
    reasonOrHeaders?: string | OutgoingHttpHeaders | OutgoingHttpHeader[],
    maybeHeaders?: OutgoingHttpHeaders | OutgoingHttpHeader[],
  ): this {
    const id = this.guardId;
    const own = this.guardHeaders;
    const reason = typeof reasonOrHeaders === 'string' ? reasonOrHeaders : undefined;
    const given = typeof reasonOrHeaders === 'string' ? maybeHeaders : reasonOrHeaders;
    if (id === undefined || !own || this.headersSent) return super.writeHead(statusCode, reason, given);
    this.guardId = undefined;
    this.guardHeaders = undefined;
    if (Array.isArray(given) || this.getHeaderNames().length > 0) {
      // Headers set one by one already (or given as a list): ours join those not set, and Node's
      // writeHead then sets the given ones over them.
      if (!this.hasHeader('X-Request-Id')) this.setHeader('X-Request-Id', id);
      for (const [k, v] of own) if (!this.hasHeader(k)) this.setHeader(k, v);
      return super.writeHead(statusCode, reason, given);
    }
    // The common case: one flat list, ours first, none the handler also gave.
    let overridden: Set<string> | undefined;
    if (given) {
      for (const k in given) {
        const lower = k.toLowerCase();
        if (OWN_NAMES.has(lower)) (overridden ??= new Set()).add(lower);
      }
    }
    const flat: OutgoingHttpHeader[] = [];
    if (!overridden?.has('x-request-id')) flat.push('X-Request-Id', id);
    for (const [k, v] of own) if (!overridden?.has(k.toLowerCase())) flat.push(k, v);
    if (given) {
      for (const k in given) {
        const v = given[k];
        if (v !== undefined) flat.push(k, v as OutgoingHttpHeader);
      }
    }
    return super.writeHead(statusCode, reason, flat);
  }
}

/** The JSON API: /api/v1/… but its docs page. */
export function isJsonApiPath(path: string): boolean {
  return path.startsWith('/api/v1/') && !path.startsWith('/api/v1/docs');
}

/** What the guards hand down to the routes: the request id, beside @hono/node-server's own env. */
export interface GuardedEnv {
  requestId?: string;
  incoming?: IncomingMessage;
  outgoing?: ServerResponse;
}

/** The request id the guards gave this request (the audit trail and the access log name it). */
export function requestIdOf(c: Context): string {
  return (c.env as GuardedEnv | undefined)?.requestId ?? '';
}

type Fetch = (req: Request, env?: unknown, ctx?: ExecutionContext) => Response | Promise<Response>;

/**
 * Puts the guards around `app.fetch` (and so `app.request`), so that every answer, a 404 or a
 * refused body included, carries the headers and a request id.
 *
 * Not Hono middleware on the common path: any `app.use` makes Hono run every request through its
 * async compose (a promise and a microtask per layer), and those layers were most of what GET
 * /health cost. A request without an Origin and with a declared length (the extension's background
 * reading, the marketplace, load balancers, curl) is checked here in plain code and goes straight
 * to the routes; one with an Origin (CORS, the cross-site write check) or a body of unknown length
 * (counted as it streams) goes through hono/cors and hono/body-limit as before.
 */
export function withGuards<A extends { fetch: Fetch }>(app: A, opts: HttpGuardOptions): A {
  const allowed = allowedOriginSet(opts);
  const maxSize = opts.maxBodyBytes ?? MAX_BODY_BYTES;
  const inner = app.fetch;
  const tooLarge = () => errorAnswer('PAYLOAD_TOO_LARGE', tooLargeMessage(maxSize));
  const slow = new Hono<{ Bindings: GuardedEnv }>()
    .use('*', onlyWithOrigin(cors({
      origin: (origin) => (allowed.has(origin) ? origin : null),
      // Every method a route answers: PATCH changes the site of an activation.
      allowMethods: ['GET', 'POST', 'PATCH', 'OPTIONS'],
      allowHeaders: ['Content-Type', 'Authorization'],
      exposeHeaders: ['Retry-After', 'X-Request-Id'],
      maxAge: 600,
    })))
    .use('*', async (c, next) => {
      // A web page can send a "simple" cross-site POST without a preflight; CORS only hides the
      // answer. Writes from a web origin we do not know are refused before they run. Browser
      // extensions other than ours need host permissions the user granted, so they are not web
      // pages; Firefox gives each install its own moz-extension:// origin, which no list can hold.
      const origin = c.req.header('Origin');
      if (!SAFE_METHODS.has(c.req.method) && origin && /^https?:/i.test(origin) && !allowed.has(origin)) {
        return errorResponse(c, 'ORIGIN_NOT_ALLOWED', 'Requests from this origin are not allowed');
      }
      await next();
    })
    .use('*', bodyLimitFromHeaders(maxSize))
    .all('*', (c) => inner(c.req.raw, c.env));

  const guarded: Fetch = (req, env) => {
    // Our own id only: a client-chosen id would let a caller forge what the audit trail points at.
    const id = crypto.randomUUID();
    const e: GuardedEnv = (env as GuardedEnv | undefined) ?? {};
    e.requestId = id;
    const started = performance.now();
    const routing = routingHeaders(e.incoming?.rawHeaders, req);
    const url = req.url;
    const pathStart = url.indexOf('/', url.indexOf('//') + 2);
    const pathAndQuery = pathStart < 0 ? '/' : url.slice(pathStart);
    const q = pathAndQuery.indexOf('?');
    const headers = isJsonApiPath(q < 0 ? pathAndQuery : pathAndQuery.slice(0, q)) ? API_HEADERS : PAGE_HEADERS;
    // Under the HTTP server the id and the security headers are written with the handler's own
    // (GuardedResponse); on any other Node response they are set on it now (a header the handler
    // sets still wins: writeHead merges over them). Elsewhere (app.request in tests) they are added
    // to the answer. No Headers object is built for a dozen values.
    const out = e.outgoing;
    if (out instanceof GuardedResponse) {
      out.guardId = id;
      out.guardHeaders = headers;
    } else if (out) {
      out.setHeader('X-Request-Id', id);
      for (const [k, v] of headers) out.setHeader(k, v);
    }
    const g = new GuardedRequest(opts, id, req, e, started, pathAndQuery, headers, routing.forwardedFor, opts.durable?.mark() ?? 0);
    const { length, chunked, origin } = routing;
    let answer: Response | Promise<Response>;
    if (origin || chunked || (length === undefined && req.method !== 'GET' && req.method !== 'HEAD')) {
      answer = slow.fetch(req, e);
    } else if (length !== undefined && Number(length) > maxSize) {
      answer = tooLarge();
    } else {
      try {
        answer = inner(req, e);
      } catch (err) {
        answer = Promise.reject(err);
      }
    }
    return answer instanceof Promise ? answer.then((res) => g.settle(res)) : g.settle(answer);
  };
  app.fetch = guarded;
  return app;
}

const notSaved = () => errorAnswer('SERVICE_UNAVAILABLE', 'The change could not be saved; try again');

/**
 * One request on its way through the guards: what its answer and its access line need. A class,
 * not closures made per request: the server runs under tsx, whose esbuild keeps function names by
 * wrapping every named closure in a call that defines its name, once per request each.
 */
class GuardedRequest {
  constructor(
    private readonly opts: HttpGuardOptions,
    private readonly id: string,
    private readonly req: Request,
    private readonly env: GuardedEnv,
    private readonly started: number,
    private readonly pathAndQuery: string,
    private readonly headers: ReadonlyArray<readonly [string, string]>,
    private readonly forwardedFor: string | undefined,
    /** Group commit: where this request started (HttpGuardOptions.durable). */
    private readonly mark: number,
  ) {}

  /** The answer, once the writes it may depend on are durable; a 503 when they could not be saved. */
  settle(res: Response): Response | Promise<Response> {
    const d = this.opts.durable?.durableSince(this.mark) ?? true;
    if (d === true) return this.finish(res);
    return d === false ? this.finish(notSaved()) : d.then((ok) => this.finish(ok ? res : notSaved()));
  }

  private finish(answer: Response): Response {
    const { id, opts } = this;
    let res = answer;
    if (!this.env.outgoing) {
      // Static constructors (Response.redirect, a fetched answer) give immutable headers.
      try {
        res.headers.set('X-Request-Id', id);
      } catch {
        res = new Response(res.body, res);
        res.headers.set('X-Request-Id', id);
      }
      for (const [k, v] of this.headers) if (!res.headers.has(k)) res.headers.set(k, v);
    }
    if (opts.log) {
      // pino's shape (level 30 = info), so these lines and the server's other logs read alike.
      // Written out rather than JSON.stringify of an object (one per request): only the URL and
      // the client address are the client's text, and only they need quoting (a method is an
      // HTTP token: letters, digits and a few marks, never a quote or a backslash).
      const ms = Math.round((performance.now() - this.started) * 10) / 10;
      const client = opts.clientAddressOf?.(this.forwardedFor, this.env);
      opts.log(`{"level":30,"time":${Date.now()},"msg":"request","reqId":"${id}","method":"${this.req.method}",` +
        `"url":${JSON.stringify(redactUrl(this.pathAndQuery))},"status":${res.status},"ms":${ms}${client === undefined ? '' : `,"client":${JSON.stringify(client)}`}}`);
    }
    return res;
  }
}

/**
 * The headers that decide a request's path through the guards (and the client address of its
 * access line), in one pass over Node's raw list: lookups by name, each lower-casing and scanning
 * it, cost more. From the Request where there is no Node request (app.request in tests).
 */
function routingHeaders(raw: string[] | undefined, req: Request) {
  if (!raw) {
    const h = (name: string) => req.headers.get(name) ?? undefined;
    return { length: h('content-length'), chunked: h('transfer-encoding') !== undefined, origin: h('origin') !== undefined, forwardedFor: h('x-forwarded-for') };
  }
  let length: string | undefined;
  let forwardedFor: string | undefined;
  let chunked = false;
  let origin = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    // Only names of these lengths can be one of them: most are never lower-cased.
    const n = name.length;
    if (n === 14 && name.toLowerCase() === 'content-length') length = raw[i + 1];
    else if (n === 17 && name.toLowerCase() === 'transfer-encoding') chunked = true;
    else if (n === 6 && name.toLowerCase() === 'origin') origin = true;
    // Several X-Forwarded-For lines are one list, in order (as Node joins them).
    else if (n === 15 && name.toLowerCase() === 'x-forwarded-for') forwardedFor = forwardedFor === undefined ? raw[i + 1] : `${forwardedFor}, ${raw[i + 1]}`;
  }
  return { length, chunked, origin, forwardedFor };
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

/** The 413's message, the same from the guards' header check and from the streaming counter. */
const tooLargeMessage = (maxSize: number) => `A request body is at most ${maxSize} bytes`;

/**
 * Hono's bodyLimit reads `c.req.raw.body` first, which makes @hono/node-server build a full
 * Request (streams, AbortSignal) for every request, GETs included: half the throughput of a
 * simple GET. A declared Content-Length is decided from the header alone; only bodies without
 * one (chunked) go through the streaming counter.
 */
function bodyLimitFromHeaders(maxSize: number): MiddlewareHandler {
  const tooLarge = (c: Context) => errorResponse(c, 'PAYLOAD_TOO_LARGE', tooLargeMessage(maxSize));
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
  return clientAddressOf(c.req.header('X-Forwarded-For'), c.env as GuardedEnv | undefined, trustedProxies);
}

/** The same from the X-Forwarded-For header and @hono/node-server's env (the guards have no Context). */
export function clientAddressOf(forwardedFor: string | undefined, env: GuardedEnv | undefined, trustedProxies = 0): string {
  const direct = env?.incoming?.socket?.remoteAddress ?? 'unknown';
  if (trustedProxies <= 0 || !forwardedFor) return direct;
  const chain = forwardedFor
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return chain[chain.length - trustedProxies] ?? chain[0] ?? direct;
}
