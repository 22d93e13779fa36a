// Shared set-up for the API's tests: a real app on an in-memory database, a clock the test moves,
// and helpers that walk the flow through HTTP like a client would.
import { createApi, type AppDeps } from './app';
import { withAuditContext, type NotAsync } from './db/audit-context';
import { openDatabase } from './db/connection';
import { createRepositories } from './db/repositories';
import { formatBeijingTime } from './marketplace/free-login';
import { signSpiParams } from './marketplace/signature';

export const SPI_KEY = 'test-spi-key-0123456789';
export const PASSWORD = 'correct horse 42';

/**
 * For tests where this one in-process client plays dozens of buyers at once (every app.request
 * comes from the same "address"): room for them under the per-client and per-address limits.
 * The limits themselves are tested with their defaults in security/abuse.test.ts.
 */
export const MANY_BUYERS = {
  activationStartsPerClient: { limit: 1000, windowSeconds: 3600 },
  codeSendsPerAddress: { limit: 1000, windowSeconds: 3600 },
};

/** A random 16-digit account ID (leading digit non-zero). */
export const randomDigits = (n: number) =>
  String(1 + Math.floor(Math.random() * 9)) + Array.from({ length: n - 1 }, () => Math.floor(Math.random() * 10)).join('');

export function setup(extra: Partial<AppDeps> = {}) {
  // `extra.db`: a second app over another test's database (e.g. a sandbox and the default policy).
  const db = extra.db ?? openDatabase(':memory:');
  let t = Date.parse('2026-01-15T08:00:00Z');
  const clock = { now: () => t, advance: (ms: number) => { t += ms; } };
  const logs: string[] = [];
  // The sandbox (REQUIRE_VERIFIED_LINK=false) unless a test asks for the default: most tests walk
  // the wizard from typed IDs; the proof rules have their own tests (services/owner-proof.test.ts).
  const { app, sweep, links, outbox, maintenance, group } = createApi({
    db, spiKey: SPI_KEY, publicUrl: 'https://activator.test', now: clock.now, log: (l) => logs.push(l), requireVerifiedLink: false, ...extra,
  });
  const repos = createRepositories(db);

  /**
   * A direct change a test makes to set the scene, as an operator would: audited writes need a
   * context under tests (db/audit-context.ts), and this one says where the rows came from.
   */
  const fixture = <T>(fn: () => NotAsync<T>): NotAsync<T> => withAuditContext<T>({ requestId: 'test-fixture', now: clock.now }, fn);

  const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as any, headers: res.headers });

  const spi = (params: Record<string, string>) =>
    Promise.resolve(app.request(`/marketplace/aliyun?${new URLSearchParams(signSpiParams(params, SPI_KEY))}`)).then(json);

  const createInstance = (aliUid: string, orderBizId: string) =>
    spi({ action: 'createInstance', aliUid, orderBizId, orderId: '900' + orderBizId, productCode: 'cmgj00053362', skuId: 'payg', trial: 'false' });

  const call = (method: string, path: string, body?: unknown, token?: string) =>
    Promise.resolve(app.request(`/api/v1${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })).then(json);

  /** Creates the instance through the SPI and starts an activation on it. */
  const start = async (accountId = randomDigits(16), instanceId = String(100000 + Math.floor(Math.random() * 1e9)), site = 'cn1') => {
    const created = await createInstance(accountId, instanceId);
    if (created.status !== 200) throw new Error(`createInstance: ${JSON.stringify(created.body)}`);
    const r = await call('POST', '/activations', { accountId, instanceId, site });
    if (r.status !== 201) throw new Error(`start: ${JSON.stringify(r.body)}`);
    const { activation, token } = r.body as { activation: { id: string }; token: string };
    return {
      id: activation.id, token, accountId, instanceId,
      call: (method: string, sub: string, body?: unknown) => call(method, `/activations/${activation.id}${sub}`, body, token),
    };
  };

  /** The last code mailed to `address` (read from the outbox, as a person would read their mail). */
  const lastCode = (address: string) => {
    const msgs = repos.outbox.to(address.toLowerCase());
    const m = /code is (\d{6})/.exec(msgs[msgs.length - 1]?.body ?? '');
    if (!m) throw new Error(`no code was mailed to ${address}`);
    return m[1]!;
  };

  type Act = Awaited<ReturnType<typeof start>>;

  /**
   * What the browser does after Login Directly: follow the signed link, keep the fragment's token.
   * The clock moves a second first, so two logins to one instance are two different links.
   */
  const freeLogin = async (instanceId: string): Promise<Act> => {
    clock.advance(1000);
    const q = new URLSearchParams(signSpiParams({ action: 'verify', instanceId, timeStamp: formatBeijingTime(clock.now()) }, SPI_KEY));
    const r = await app.request(`/marketplace/aliyun?${q}`);
    if (r.status !== 302) throw new Error(`free login: ${r.status} ${await r.text()}`);
    const loc = new URL(r.headers.get('Location')!);
    const id = loc.searchParams.get('activation')!;
    const token = new URLSearchParams(loc.hash.slice(1)).get('token')!;
    const accountId = repos.instances.get(instanceId)!.accountId;
    return { id, token, accountId, instanceId, call: (method: string, sub: string, body?: unknown) => call(method, `/activations/${id}${sub}`, body, token) };
  };

  /** Asks for a code and returns it. */
  const codeFor = async (act: Act, body: Record<string, string>, address: string) => {
    const r = await act.call('POST', '/verification-codes', body);
    if (r.status !== 202) throw new Error(`send code: ${JSON.stringify(r.body)}`);
    return lastCode(address);
  };

  const registrationBody = (username: string, email: string, code: string, over: Record<string, unknown> = {}) => ({
    username, password: PASSWORD, email, code,
    company: { name: 'ACME Ltd', contactName: 'Alice', industry: 'Retail' },
    workspace: { name: `${username} space`, language: 'zh' }, agreeTerms: true, ...over,
  });

  /** Walks the registration path; returns the activation and its response. */
  const register = async (username: string, email: string, act?: Act) => {
    const a = act ?? (await start());
    const code = await codeFor(a, { purpose: 'register', email }, email);
    const r = await a.call('POST', '/registration', registrationBody(username, email, code));
    if (r.status !== 201) throw new Error(`register: ${JSON.stringify(r.body)}`);
    return { act: a, res: r };
  };

  return { db, app, sweep, links, outbox, maintenance, group, repos, clock, logs, fixture, spi, createInstance, call, start, freeLogin, lastCode, codeFor, registrationBody, register };
}
