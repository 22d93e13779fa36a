// fast-check generators for whole HTTP requests against every route of the API: bodies, query
// strings and headers, from well-formed to hostile. `World` holds real ids and tokens so that a
// share of the generated requests reaches the deep end of each handler instead of bouncing off
// authentication.
import fc from 'fast-check';
import { EXTENSION_ORIGINS } from '../../shared/extension-id';
import { SITE_CODES } from '../../shared/sites';
import { formatBeijingTime as beijing } from '../marketplace/free-login';
import { signSpiParams } from '../marketplace/signature';

export interface World {
  spiKey: string;
  /** The app's clock. */
  now: () => number;
  accountIds: string[];
  /** instanceIds[i] belongs to accountIds[i] (as far as both lists go). */
  instanceIds: string[];
  activations: Array<{ id: string; token: string }>;
  usernames: string[];
  emails: string[];
  workspaceIds: string[];
  /** Redirect URIs the API accepts for Sign in with Alibaba Cloud (when configured). */
  redirectUris?: string[];
  /** A signed-in operator console browser: its Cookie header and its session's CSRF token. */
  operator?: { origin: string; cookie: string; csrf: string; preCookie: string; preToken: string };
  /** Ids of kept SPI calls and outbox messages, for the console's actions. */
  pendingIds?: string[];
  mailIds?: string[];
}

export interface GenRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** Stands for "the code most recently mailed": the runner swaps in the real one, so some codes are right. */
export const LATEST_CODE = '<<latest-code>>';

const pick = <T>(xs: readonly T[]) => (xs.length ? fc.constantFrom(...xs) : fc.constant(undefined as unknown as T));

const junk = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.integer().map(String),
  fc.constantFrom('', ' ', '../..', '%00', '\u0000', '<script>', "' OR 1=1 --", '__proto__', 'constructor', 'null', '😀'),
);
const anyJson = fc.jsonValue({ maxDepth: 3 });
/** A value for a field: usually the right type, sometimes anything. */
const field = <T>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 6, arbitrary: good }, { weight: 1, arbitrary: junk }, { weight: 1, arbitrary: anyJson }, { weight: 1, arbitrary: fc.constant(undefined) });

const usernameOk = fc.stringMatching(/^[A-Za-z0-9_.-]{3,32}$/);
const passwordOk = fc.stringMatching(/^[A-Za-z]{4,10}\d{1,4}$/);
const emailOk = fc.emailAddress().filter((e) => e.length <= 254);
const sixDigits = fc.stringMatching(/^\d{6}$/);

export function arbitraries(w: World) {
  const username = fc.oneof(pick(w.usernames), usernameOk);
  const email = fc.oneof(pick(w.emails), emailOk);
  const code = fc.oneof(sixDigits, fc.constant(LATEST_CODE));
  const accountId = fc.oneof(pick(w.accountIds), fc.stringMatching(/^\d{16}$/), fc.stringMatching(/^\d{1,20}$/));
  const instanceId = fc.oneof(pick(w.instanceIds), fc.stringMatching(/^\d{1,20}$/));
  const site = fc.constantFrom(...SITE_CODES);
  const language = fc.constantFrom('zh', 'en');
  const name = fc.string({ minLength: 0, maxLength: 70 });

  const guanceAccount = fc.oneof(
    fc.record({ kind: fc.constant('existing'), email: field(email), code: field(code) }, { requiredKeys: [] }),
    fc.record({
      kind: fc.constant('new'), username: field(username), password: field(passwordOk), passwordConfirm: field(passwordOk),
      email: field(email), code: field(code), phone: field(fc.stringMatching(/^\+?[0-9]{5,15}$/)),
    }, { requiredKeys: [] }),
  );

  // One well-shaped-ish body per route; `field` makes most of them a little wrong somewhere.
  const bodies: Record<string, fc.Arbitrary<unknown>> = {
    start: fc.oneof(
      fc.record({ accountId: field(accountId), instanceId: field(instanceId), site: field(site) }, { requiredKeys: [] }),
      // a real (account, instance) pair, so starts also succeed
      fc.tuple(fc.nat(Math.max(0, w.accountIds.length - 1)), site).map(([i, st]) => ({ accountId: w.accountIds[i], instanceId: w.instanceIds[i], site: st })),
    ),
    code: fc.record({
      purpose: field(fc.constantFrom('register', 'bind-billing-account', 'guance-account')),
      email: field(email), username: field(username),
    }, { requiredKeys: [] }),
    codeCheck: fc.record({
      purpose: field(fc.constantFrom('register', 'bind-billing-account', 'guance-account')),
      email: field(email), username: field(username), code: field(code),
    }, { requiredKeys: [] }),
    registration: fc.record({
      username: field(username), password: field(passwordOk), email: field(email), code: field(code),
      phone: field(fc.stringMatching(/^\+?[0-9]{5,15}$/)),
      company: field(fc.record({ name: field(name), contactName: field(name), industry: field(name) }, { requiredKeys: [] })),
      workspace: field(fc.record({ name: field(name), language: field(language) }, { requiredKeys: [] })),
      agreeTerms: field(fc.constantFrom(true, false)),
    }, { requiredKeys: [] }),
    billing: fc.record({ username: field(username), code: field(code) }, { requiredKeys: [] }),
    workspace: fc.record({
      name: field(name), language: field(language), agreeTerms: field(fc.constantFrom(true, false)), guanceAccount: field(guanceAccount),
      anotherWorkspace: field(fc.constantFrom(true, false)),
    }, { requiredKeys: [] }),
    site: fc.record({ site: field(site) }, { requiredKeys: [] }),
    binding: fc.record({
      workspaceId: field(fc.oneof(pick(w.workspaceIds), fc.string({ maxLength: 70 }))), anotherWorkspace: field(fc.constantFrom(true, false)),
    }, { requiredKeys: [] }),
    signIn: fc.record({
      redirectUri: field(fc.constantFrom(...(w.redirectUris ?? []), 'https://evil.example/cb', 'not a url', 'javascript:alert(1)')),
    }, { requiredKeys: [] }),
    signInCallback: fc.record({
      callbackUrl: field(fc.tuple(fc.constantFrom(...(w.redirectUris ?? ['https://activator.test/x'])), fc.string({ maxLength: 30 }), fc.string({ maxLength: 60 }))
        .map(([base, code, state]) => `${base}?${new URLSearchParams({ code, state })}`)),
    }, { requiredKeys: [] }),
    session: fc.record({ login: field(fc.oneof(username, email)), password: field(fc.oneof(passwordOk, fc.constant('correct horse 42'))) }, { requiredKeys: [] }),
  };

  /** The raw bytes sent: JSON of the shaped body, or something that is not JSON at all. */
  const rawBody = (shaped: fc.Arbitrary<unknown>) =>
    fc.oneof(
      { weight: 8, arbitrary: shaped.map((b) => JSON.stringify(b)) },
      { weight: 1, arbitrary: anyJson.map((b) => JSON.stringify(b)) },
      { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          '{', '{"a":', 'null', '[]', '"x"', '1e309', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{}}}',
          '[' .repeat(5000) + ']'.repeat(5000), `{"username":"${'a'.repeat(70_000)}"}`, `{"x":"${'\\ud800'.repeat(100)}"}`,
          '\uFEFF{"login":"a","password":"b"}',
        ),
      },
    );

  const contentType = fc.oneof(
    { weight: 8, arbitrary: fc.constant('application/json') },
    { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/merge-patch+json', '', 'application/jsonx') },
  );

  const activationId = fc.oneof({ weight: 4, arbitrary: pick(w.activations.map((a) => a.id)) }, { weight: 1, arbitrary: fc.webSegment() }, { weight: 1, arbitrary: junk.map(encodeURIComponent) });
  const authFor = (id: string) => {
    const own = w.activations.find((a) => a.id === id)?.token;
    return fc.oneof(
      { weight: 5, arbitrary: fc.constant(own ? `Bearer ${own}` : undefined) },
      { weight: 1, arbitrary: pick(w.activations.map((a) => `Bearer ${a.token}`)) },
      { weight: 1, arbitrary: fc.constantFrom(undefined, 'Bearer', 'Bearer ', 'Basic YTpi', 'bearer x y') },
      { weight: 1, arbitrary: fc.string({ maxLength: 60 }).map((s) => `Bearer ${s.replace(/[^\x21-\x7e]/g, '')}`) },
    );
  };

  const extraHeaders = fc.record({
    Origin: fc.constantFrom(undefined, ...EXTENSION_ORIGINS, 'https://evil.example', 'null', 'moz-extension://abc'),
    'X-Forwarded-For': fc.constantFrom(undefined, '1.2.3.4', 'garbage, ,', '::1'),
    'X-Request-Id': fc.constantFrom(undefined, 'forged', 'x'.repeat(300)),
    Accept: fc.constantFrom(undefined, 'application/json', 'text/html', '*/*'),
  }, { requiredKeys: [] });

  const query = fc.option(fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 30 }), { maxKeys: 4 }), { nil: undefined });
  const withQuery = (path: string, q: Record<string, string> | undefined) => (q ? `${path}?${new URLSearchParams(q)}` : path);

  const clean = (h: Record<string, string | undefined>) =>
    Object.fromEntries(Object.entries(h).filter((e): e is [string, string] => e[1] !== undefined));

  const bodyRoute = (method: 'POST' | 'PATCH', sub: string | null, shaped: fc.Arbitrary<unknown>): fc.Arbitrary<GenRequest> =>
    fc.tuple(activationId, rawBody(shaped), contentType, extraHeaders, query, fc.oneof({ weight: 12, arbitrary: fc.constant(method) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH') }))
      .chain(([id, body, ct, extra, q, m]) =>
        authFor(id).map((auth) => ({
          method: m,
          path: withQuery(sub === null ? '/api/v1/activations' : `/api/v1/activations/${id}${sub}`, q),
          headers: clean({ ...extra, 'Content-Type': ct || undefined, Authorization: sub === null ? undefined : auth }),
          body: m === 'GET' ? undefined : body,
        })));

  const getRoute = (sub: string): fc.Arbitrary<GenRequest> =>
    fc.tuple(activationId, extraHeaders, query).chain(([id, extra, q]) =>
      authFor(id).map((auth) => ({ method: 'GET', path: withQuery(`/api/v1/activations/${id}${sub}`, q), headers: clean({ ...extra, Authorization: auth }) })));

  const spiParams = fc.oneof(
    fc.record({ action: fc.constant('createInstance'), aliUid: field(accountId), orderBizId: field(instanceId), orderId: field(fc.stringMatching(/^\d{1,12}$/)),
      productCode: field(fc.constant('cmgj00053362')), skuId: field(fc.constantFrom('payg', 'pro')), trial: field(fc.constantFrom('true', 'false')),
      expiredOn: field(fc.constant('2030-01-01 00:00:00')) }, { requiredKeys: [] }),
    fc.record({ action: fc.constantFrom('renewInstance', 'upgradeInstance', 'expiredInstance', 'releaseInstance', 'verify', 'bogus'),
      instanceId: field(instanceId), expiredOn: field(fc.constantFrom('2031-01-01 00:00:00', '2031-02-30 00:00:00')), skuId: field(fc.constantFrom('pro', '')),
      isRefund: field(fc.constantFrom('true', 'false')), timeStamp: field(fc.constantFrom('2026-01-15 16:00:00', '2026-01-15 15:00:00', 'yesterday')) }, { requiredKeys: [] }),
    fc.dictionary(fc.string({ maxLength: 12 }), fc.string({ maxLength: 40 }), { maxKeys: 6 }),
  ).map((p) => Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])) as Record<string, string>);

  // Free login with a well-formed call about a real instance, at times around now (the test clock).
  const verifyParams = fc.tuple(fc.oneof(pick(w.instanceIds), instanceId), fc.integer({ min: -400, max: 400 }))
    .map(([id, skew]) => ({ action: 'verify', instanceId: id, timeStamp: beijing(w.now() + skew * 1000) }));

  const spi: fc.Arbitrary<GenRequest> = fc.tuple(fc.oneof(spiParams, verifyParams), fc.constantFrom('signed', 'signed', 'unsigned', 'bad-token', 'repeated'), extraHeaders, fc.constantFrom('/marketplace/aliyun', '/marketplace/aliyun/login'))
    .map(([p, how, extra, path]) => {
      let q: string;
      if (how === 'signed') q = new URLSearchParams(signSpiParams(p, w.spiKey)).toString();
      else if (how === 'bad-token') q = new URLSearchParams({ ...p, token: 'f'.repeat(32) }).toString();
      else if (how === 'repeated') q = `${new URLSearchParams(signSpiParams(p, w.spiKey))}&action=createInstance`;
      else q = new URLSearchParams(p).toString();
      return { method: 'GET', path: `${path}?${q}`, headers: clean(extra) };
    });

  const meta: fc.Arbitrary<GenRequest> = fc.tuple(
    fc.constantFrom('/api/v1/health', '/api/v1/sites', '/api/v1/nowhere', '/', '/activate/landing', '/api/v1/activations'),
    fc.constantFrom('GET', 'HEAD', 'OPTIONS', 'POST', 'DELETE'), extraHeaders, query,
  ).map(([path, method, extra, q]) => ({ method, path: withQuery(path, q), headers: clean(extra) }));

  const landing: fc.Arbitrary<GenRequest> = fc.tuple(activationId, extraHeaders).map(([id, extra]) => ({
    method: 'GET', path: `/activate/landing?activation=${id}`, headers: clean(extra),
  }));

  const sessions: fc.Arbitrary<GenRequest> = fc.tuple(rawBody(bodies.session!), contentType, extraHeaders).map(([body, ct, extra]) => ({
    method: 'POST', path: '/api/v1/sessions', headers: clean({ ...extra, 'Content-Type': ct || undefined }), body,
  }));

  // The browser-tab callback of Sign in with Alibaba Cloud, with made-up codes, states and cookies.
  const signInPage: fc.Arbitrary<GenRequest> = fc.tuple(fc.string({ maxLength: 30 }), fc.string({ maxLength: 60 }), fc.option(fc.string({ maxLength: 40 })), extraHeaders)
    .map(([code, state, cookie, extra]) => ({
      method: 'GET', path: `/activate/alibaba-sign-in/callback?${new URLSearchParams({ code, state })}`,
      headers: clean({ ...extra, Cookie: cookie === null ? undefined : `guance_alibaba_sign_in=${encodeURIComponent(cookie)}` }),
    }));

  // The operator console: its pages with generated filters, its forms with and without a session,
  // the CSRF token and confirmation, from its own origin or another.
  const op = w.operator;
  const rowId = fc.oneof(pick(w.pendingIds ?? []), pick(w.mailIds ?? []), fc.nat(1000).map(String), junk.map(encodeURIComponent));
  const consolePath = fc.oneof(
    fc.constantFrom('/operator', '/operator/', '/operator/instances', '/operator/activations', '/operator/calls', '/operator/pending',
      '/operator/mail', '/operator/audit', '/operator/actions', '/operator/links', '/operator/sign-in', '/operator/assets/console.css',
      '/operator/nowhere'),
    fc.oneof(instanceId, junk.map(encodeURIComponent)).map((id) => `/operator/instances/${id}`),
  );
  const consoleQuery = fc.option(fc.dictionary(
    fc.constantFrom('status', 'account', 'sku', 'after', 'days', 'action', 'outcome', 'failed', 'instance', 'open', 'recipient', 'entity', 'request', 'actor', 'target', 'billing', 'ended_after', 'lang', 'next'),
    fc.oneof(junk, accountId, instanceId, fc.constantFrom('active', 'expired', '7', '30', '1', '0', 'zh', 'en', 'kept', 'ok', 'INSTANCE_NOT_FOUND')),
    { maxKeys: 4 },
  ), { nil: undefined });
  const consoleCookie = fc.constantFrom<'session' | 'none' | 'garbage'>('session', 'session', 'session', 'none', 'garbage');
  const cookieFor = (k: 'session' | 'none' | 'garbage', pre = false) =>
    k === 'none' || !op ? undefined : k === 'garbage' ? 'op_session=abc; __Host-op_session=def' : pre ? op.preCookie : op.cookie;
  const consoleGet: fc.Arbitrary<GenRequest> = fc.tuple(consolePath, consoleQuery, consoleCookie, extraHeaders).map(([path, q, k, extra]) => ({
    method: 'GET', path: withQuery(path, q), headers: clean({ ...extra, Cookie: cookieFor(k) }),
  }));
  const actionPath = fc.oneof(
    fc.oneof(accountId, junk.map(encodeURIComponent)).map((a) => `/operator/links/${a}/unlink`),
    rowId.map((id) => `/operator/mail/${id}/resend`),
    rowId.map((id) => `/operator/pending/${id}/apply`),
    fc.oneof(instanceId, junk.map(encodeURIComponent)).map((id) => `/operator/instances/${id}/freeze/extend`),
    fc.oneof(instanceId, junk.map(encodeURIComponent)).map((id) => `/operator/instances/${id}/freeze/end`),
  );
  const formFields = fc.record({
    reason: field(fc.constantFrom('buyer asked', 'ok', 'x'.repeat(600))), confirm: field(fc.constantFrom('yes', 'no')),
    days: field(fc.constantFrom('1', '7', '31', '-2', '1e3')), mode: field(fc.constantFrom('lift', 'release', 'other')),
    email: field(fc.oneof(email, fc.constant('ops@vendor.test'))), password: field(fc.constantFrom('operator pass 1', 'wrong')),
    code: field(code),
  }, { requiredKeys: [] });
  const consolePost: fc.Arbitrary<GenRequest> = fc.tuple(
    fc.oneof({ weight: 4, arbitrary: actionPath }, { weight: 1, arbitrary: fc.constantFrom('/operator/sign-in', '/operator/sign-in/code', '/operator/sign-in/verify') }),
    formFields, consoleCookie, fc.constantFrom<'right' | 'wrong' | 'none'>('right', 'right', 'wrong', 'none'), extraHeaders,
    fc.constantFrom('application/x-www-form-urlencoded', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json', ''),
    fc.boolean(),
  ).map(([path, f, k, csrf, extra, ct, ownOrigin]) => {
    const signIn = path.startsWith('/operator/sign-in');
    const token = csrf === 'none' ? undefined : csrf === 'wrong' ? 'w'.repeat(43) : signIn ? op?.preToken : op?.csrf;
    const body = new URLSearchParams(Object.entries({ ...f, _csrf: token }).filter((e): e is [string, string] => typeof e[1] === 'string')).toString();
    return {
      method: 'POST', path,
      headers: clean({ ...extra, Origin: ownOrigin ? op?.origin : extra.Origin, Cookie: cookieFor(k, signIn), 'Content-Type': ct || undefined }),
      body,
    };
  });

  /** One request against any route, each route about equally often. */
  const request: fc.Arbitrary<GenRequest> = fc.oneof(
    bodyRoute('POST', null, bodies.start!),
    getRoute(''),
    bodyRoute('PATCH', '', bodies.site!),
    bodyRoute('POST', '/verification-codes', bodies.code!),
    bodyRoute('POST', '/verification-codes/check', bodies.codeCheck!),
    bodyRoute('POST', '/registration', bodies.registration!),
    bodyRoute('POST', '/billing-account', bodies.billing!),
    getRoute('/workspaces'),
    bodyRoute('POST', '/workspaces', bodies.workspace!),
    bodyRoute('POST', '/workspace-bindings', bodies.binding!),
    bodyRoute('POST', '/alibaba-sign-in', bodies.signIn!),
    bodyRoute('POST', '/alibaba-sign-in/callback', bodies.signInCallback!),
    signInPage,
    sessions,
    spi,
    meta,
    landing,
    consoleGet,
    consolePost,
  );

  return { request, bodies };
}
