import { createHmac } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ErrorCode } from '../shared/errors';
import type { Db } from './db/connection';
import { GroupCommit } from './db/group-commit';
import { createRepositories } from './db/repositories';
import { ApiError, errorResponse, tooManyRequests } from './lib/errors';
import type { Mailer } from './mail/mailer';
import { MailOutbox, type DeliveryPolicy } from './mail/outbox';
import { marketplaceRoutes } from './marketplace/route';
import { operatorConsole } from './operator';
import { activationRoutes } from './routes/activations';
import { metaRoutes } from './routes/meta';
import { openApiRoutes } from './openapi/routes';
import { sessionRoutes } from './routes/sessions';
import { createMiddleware } from 'hono/factory';
import type { SiteCode } from '../shared/sites';
import type { AuditContext } from './db/audit-context';
import { landingRoutes } from './routes/landing';
import { clientAddress, clientAddressOf, requestIdOf, withGuards } from './security/http';
import { redactText } from './security/redact';
import { RateLimiter, type RateLimitConfig } from './security/rate-limit';
import { EXTENSION_ID } from '../shared/extension-id';
import { signInPages } from './routes/alibaba-sign-in';
import { AlibabaSignInService, SIGN_IN_TTL_MS, WEB_CALLBACK_PATH } from './services/alibaba-sign-in';
import { ActivationService } from './services/activations';
import { LinkService } from './services/links';
import { CodeService } from './services/codes';
import { FreeLoginService } from './services/free-login';
import type { WebBundle } from './web/bundle';
import { LifecycleService } from './services/lifecycle';
import { MarketplaceService } from './services/marketplace';
import { SessionService } from './services/sessions';

export interface AppDeps {
  db: Db;
  /** The vendor secret shared with the Alibaba Cloud Marketplace. */
  spiKey: string;
  /** Where this API is reachable from outside (free-login URLs given to the marketplace). */
  publicUrl?: string;
  /**
   * The transport the outbox delivers through (SMTP in production). Without one, mail stays
   * pending in the outbox table (tests read it there).
   */
  mailer?: Mailer;
  /** Overrides of the outbox's retry policy (mail/outbox.ts). */
  delivery?: Partial<DeliveryPolicy>;
  /** The clock; tests move it instead of sleeping. */
  now?: () => number;
  /** Web origins allowed to call /api/v1 besides the extension's own (security/http.ts). */
  allowedOrigins?: string[];
  /** Where access-log lines go (secrets masked); none when absent. */
  accessLog?: (line: string) => void;
  /** Key for hashing verification codes; derived from the SPI key when not given. */
  codeSecret?: string;
  log?: (line: string) => void;
  /** Overrides of the default limits (security/rate-limit.ts). */
  rateLimits?: Partial<RateLimitConfig>;
  /** Reverse proxies in front of the API whose X-Forwarded-For is believed (TRUST_PROXY); 0 = none. */
  trustProxy?: number;
  /**
   * REQUIRE_VERIFIED_LINK: the IDs typed or read in the browser are claims; with this on, a cloud
   * account gets its first Billing Center link only through an activation the marketplace verified.
   */
  requireVerifiedLink?: boolean;
  /** The site of activations started by free login (the marketplace does not say). */
  freeLoginSite?: SiteCode;
  /**
   * Sign in with Alibaba Cloud (ALIYUN_OAUTH_CLIENT_ID/SECRET, ALIYUN_OIDC_ISSUER); without it only
   * free login proves. Accepted redirect URIs: the extension's launchWebAuthFlow one, PUBLIC_URL's
   * own callback page, and `extraRedirectUris`.
   */
  alibabaSignIn?: { issuer: string; clientId: string; clientSecret: string; extraRedirectUris?: string[]; fetch?: typeof fetch };
  /** The built web wizard (WEB_WIZARD_DIR, web/bundle.ts); without it the API serves its own pages. */
  web?: WebBundle;
  /** OPERATOR_EMAILS: who may sign in to the operator console (synced at start when given). */
  operatorEmails?: string[];
  /** Operator console sessions end after this long without a request (default 30 minutes). */
  operatorIdleMs?: number;
  /**
   * One commit per turn of the event loop for every request's writes, answers held until it
   * (db/group-commit.ts). The server turns it on; tests of single requests see no difference.
   */
  groupCommit?: boolean;
}

/** Where launchWebAuthFlow sends the extension back (`browser.identity.getRedirectURL('alibaba-sign-in')`). */
export const EXTENSION_REDIRECT_URI = `https://${EXTENSION_ID}.chromiumapp.org/alibaba-sign-in`;




/**
 * The app, the upkeep the server runs on a timer (releases due, stale counters and tokens dropped,
 * expired codes out of the outbox) and the outbox, whose worker the server starts and stops.
 */
export function createApi(deps: AppDeps) {
  const now = deps.now ?? Date.now;
  // Whatever the app logs (errors with their stacks included) passes the redactor first.
  const rawLog = deps.log ?? console.log;
  const log = (line: string) => rawLog(redactText(line));
  const group = deps.groupCommit ? new GroupCommit(deps.db, log) : undefined;
  const repos = createRepositories(deps.db, group);
  const outbox = new MailOutbox(repos.outbox, deps.mailer, now, log, deps.delivery, () => group?.committed() ?? Promise.resolve());
  const codeSecret = deps.codeSecret ?? createHmac('sha256', deps.spiKey).update('verification-codes').digest('hex');
  const limiter = new RateLimiter(deps.db, now, deps.rateLimits);
  const lifecycle = new LifecycleService(repos, outbox, now);
  const codes = new CodeService(repos, outbox, codeSecret, now, limiter, log);
  const links = new LinkService(repos, outbox, now);
  const publicUrl = (deps.publicUrl ?? 'http://127.0.0.1:8787').replace(/\/+$/, '');
  const activations = new ActivationService(repos, codes, now, lifecycle, {
    // Secure by default: only the sandbox turns this off (REQUIRE_VERIFIED_LINK=false).
    requireVerifiedLink: deps.requireVerifiedLink ?? true,
    proofs: deps.alibabaSignIn ? ['alibaba-sign-in', 'marketplace'] : ['marketplace'],
  }, links, limiter);
  const signIn = deps.alibabaSignIn && new AlibabaSignInService(repos, activations, {
    issuer: deps.alibabaSignIn.issuer, clientId: deps.alibabaSignIn.clientId, clientSecret: deps.alibabaSignIn.clientSecret,
    redirectUris: [EXTENSION_REDIRECT_URI, `${publicUrl}${WEB_CALLBACK_PATH}`, ...(deps.alibabaSignIn.extraRedirectUris ?? [])],
    fetch: deps.alibabaSignIn.fetch,
  }, now, log);
  const sessions = new SessionService(repos, limiter);
  const freeLogin = new FreeLoginService(repos, lifecycle, activations, publicUrl, deps.freeLoginSite ?? 'cn1', now);
  const marketplace = new MarketplaceService(repos, publicUrl, now, lifecycle, freeLogin, log);

  const admit = (bucket: 'activationStartsPerClient' | 'loginsPerClient', what: string, c: Context) => {
    const d = limiter.consume({ bucket, key: clientAddress(c, deps.trustProxy ?? 0) });
    if (!d.ok) {
      throw tooManyRequests('RATE_LIMITED', `Too many ${what} from your address; try again in ${d.retryAfterSeconds} s`,
        d.retryAfterSeconds);
    }
  };
  // A start counts inside its own transaction (one commit for both); a login before its password hash.
  const admitStart = (c: Context) => () => admit('activationStartsPerClient', 'activations started', c);
  const loginLimit = createMiddleware(async (c, next) => {
    admit('loginsPerClient', 'logins', c);
    await next();
  });

  // Each write is attributed, in the audit trail, to the request that made it: routes hand this to
  // the services, which enter it around their synchronous transactions (db/audit-context.ts).
  const auditOf = (c: Context): AuditContext => ({ requestId: requestIdOf(c), now });

  const api = new Hono()
    .route('/', metaRoutes(deps.db, now))
    .route('/activations', activationRoutes(activations, auditOf, admitStart, { signIn, secureCookies: publicUrl.startsWith('https:') }))
    .route('/sessions', sessionRoutes(sessions, loginLimit))
    .route('/', openApiRoutes(publicUrl));

  const operator = operatorConsole({
    repos, lifecycle, marketplace, outbox, links, limiter, now, log, publicUrl, operatorEmails: deps.operatorEmails,
    idleMs: deps.operatorIdleMs, codeSecret: createHmac('sha256', codeSecret).update('operator-sign-in').digest('hex'),
  });

  const app = new Hono()
    .route('/api/v1', api)
    .route('/marketplace', marketplaceRoutes(marketplace, deps.spiKey, auditOf, deps.web))
    .route('/activate', landingRoutes({ repos, activations, apiOrigin: new URL(publicUrl).origin, now, web: deps.web }))
    .route('/activate', signInPages(signIn, auditOf, publicUrl))
    .route('/operator', operator.app);

  // Route patterns, to tell "no such path" (404) from "no such method on this path" (405).
  const patterns = app.routes
    .filter((r) => r.method !== 'ALL')
    .map((r) => ({
      method: r.method,
      re: new RegExp(`^${r.path.replace(/\/+$/, '').replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z]+/g, '[^/]+')}/?$`),
    }));

  app.notFound((c) => {
    const path = c.req.path;
    const allow = [...new Set(patterns.filter((p) => p.re.test(path)).map((p) => p.method))];
    if (allow.length > 0) {
      c.header('Allow', allow.join(', '));
      return errorResponse(c, 'METHOD_NOT_ALLOWED', `${c.req.method} is not allowed here`, { allow });
    }
    return errorResponse(c, 'NOT_FOUND', `No route ${c.req.method} ${path}`);
  });

  app.onError((err, c) => {
    if (err instanceof ApiError) {
      return errorResponse(c, err.code, err.message, err.details, err.headers);
    }
    if (err instanceof HTTPException) {
      const status = err.status;
      const code: ErrorCode = status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 415 ? 'UNSUPPORTED_MEDIA_TYPE'
        : status === 401 ? 'UNAUTHORIZED' : status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST';
      return errorResponse(c, code, err.message || 'Bad request');
    }
    log(`unexpected error on ${c.req.method} ${c.req.path}: ${err instanceof Error ? err.stack : String(err)}`);
    return errorResponse(c, 'INTERNAL', 'Something went wrong on our side');
  });

  const maintenance = () => {
    lifecycle.sweep();
    limiter.sweep();
    freeLogin.forgetOldTokens();
    repos.signIns.forgetBefore(now() - SIGN_IN_TTL_MS);
    repos.outbox.expireSecrets(now());
    operator.sweep();
  };
  // The HTTP guard rails (request id, security headers, CORS, cross-site writes, body size, access
  // log) around every answer, 404s and refusals included.
  withGuards(app, {
    allowedOrigins: deps.allowedOrigins ?? [], publicUrl, log: deps.accessLog,
    clientAddressOf: (forwardedFor, env) => clientAddressOf(forwardedFor, env, deps.trustProxy ?? 0),
    durable: group,
  });
  /** Commits what the open batch holds (a stop, before the database is closed). */
  const commitNow = () => group?.commitNow();
  return { app, maintenance, outbox, sweep: () => lifecycle.sweep(), links, commitNow, group };
}

export function createApp(deps: AppDeps) {
  return createApi(deps).app;
}

export type AppType = ReturnType<typeof createApp>;
