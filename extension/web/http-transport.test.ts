// @vitest-environment node
// The web wizard's HTTP transport against the real API app (in process): the same answers the
// extension's background gives, the token held in the tab's storage and never given to the model.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { randomDigits, setup } from '../../api/test-support';
import { CLIENT_ID, CLIENT_SECRET, startAlibabaProvider } from '../../api/test-oidc-provider';
import { WEB_CALLBACK_PATH } from '../../api/services/alibaba-sign-in';
import { createHttpTransport, HELD_KEY, holdToken, readHeld } from './http-transport';

function memoryStorage() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k), m };
}

function world() {
  const api = setup();
  const storage = memoryStorage();
  const seen: { url: string; auth: string | null; referrerPolicy?: string }[] = [];
  const transport = createHttpTransport({
    base: '/api/v1', storage, now: api.clock.now,
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      seen.push({ url: String(input), auth: new Headers(init?.headers).get('authorization'), referrerPolicy: init?.referrerPolicy });
      return api.app.request(String(input), init);
    }) as typeof fetch,
  });
  return { api, storage, transport, seen };
}

describe('the web transport', () => {
  test('start, send a code, register: the token stays in storage, answers carry no token', async () => {
    const w = world();
    const accountId = randomDigits(16);
    await w.api.createInstance(accountId, '7701');
    const started = await w.transport.call('start-activation', { accountId: ` ${accountId} `, instanceId: '7701', site: 'cn1' });
    expect(started).toMatchObject({ ok: true, data: { activation: { accountId, next: 'register' } } });
    expect(JSON.stringify(started)).not.toContain(readHeld(w.storage)!.token);
    expect(readHeld(w.storage)).toMatchObject({ id: (started as { data: { activation: { id: string } } }).data.activation.id });

    const sent = await w.transport.call('send-code', { purpose: 'register', email: 'web@example.com' });
    expect(sent).toMatchObject({ ok: true, data: { sentTo: 'w***b@example.com' } });
    const code = w.api.lastCode('web@example.com');
    const reg = await w.transport.call('register', {
      username: 'web_user', password: 'Sup3r-secret-pw', email: 'web@example.com', code,
      company: { name: 'ACME', contactName: 'Al' }, workspace: { name: 'Web', language: 'en' }, agreeTerms: true,
    });
    expect(reg).toMatchObject({ ok: true, data: { activation: { state: 'activated', workspace: { name: 'Web' } } } });
    // Every call after the start carried the bearer token, and no Referer.
    expect(w.seen.slice(1).every((r) => r.auth?.startsWith('Bearer ') && r.referrerPolicy === 'no-referrer')).toBe(true);
    // A fresh copy is answered from storage within maxAgeMs, else asked for.
    const n = w.seen.length;
    expect(await w.transport.call('get-activation', { maxAgeMs: 60_000 })).toMatchObject({ ok: true, data: { activation: { state: 'activated' } } });
    expect(w.seen.length).toBe(n);
    await w.transport.call('get-activation', { maxAgeMs: 0 });
    expect(w.seen.length).toBe(n + 1);
  });

  test('a free login token from the fragment is held and used; refusals come back in the API shape', async () => {
    const w = world();
    await w.api.createInstance(randomDigits(16), '7702');
    const fl = await w.api.freeLogin('7702');
    holdToken(w.storage, fl.id, fl.token);
    expect(await w.transport.call('get-activation', { maxAgeMs: 60_000 })).toMatchObject({ ok: true, data: { activation: { id: fl.id, verified: true } } });
    const bad = await w.transport.call('send-code', { purpose: 'register', email: 'not-an-email' });
    expect(bad).toMatchObject({ ok: false, error: { kind: 'api', status: 400, code: 'VALIDATION_FAILED', details: [{ path: 'email' }] } });
  });

  test('no activation, a dead token, an unreachable server', async () => {
    const w = world();
    expect(await w.transport.call('get-activation', { maxAgeMs: 0 })).toEqual({ ok: true, data: { activation: null } });
    expect(await w.transport.call('list-workspaces', {})).toMatchObject({ ok: false, error: { code: 'NO_ACTIVATION' } });
    holdToken(w.storage, 'act_nothing', 'x'.repeat(43));
    expect(await w.transport.call('get-activation', { maxAgeMs: 0 })).toMatchObject({ ok: false, error: { kind: 'api', status: 401 } });
    expect(w.storage.m.has(HELD_KEY)).toBe(false);

    const offline = createHttpTransport({ base: '/api/v1', storage: memoryStorage(), fetch: (async () => { throw new TypeError('Failed to fetch'); }) as typeof fetch });
    expect(await offline.call('start-activation', { accountId: '1', instanceId: '2', site: 'cn1' })).toEqual({ ok: false, error: { kind: 'network', message: 'Failed to fetch' } });
    const html = createHttpTransport({ base: '/api/v1', storage: memoryStorage(), fetch: (async () => new Response('<html>', { status: 502 })) as typeof fetch });
    expect(await html.call('start-activation', { accountId: '1', instanceId: '2', site: 'cn1' })).toMatchObject({ ok: false, error: { kind: 'network' } });
  });

  test('forget drops the activation and its token', async () => {
    const w = world();
    holdToken(w.storage, 'act_1', 'y'.repeat(43));
    expect(await w.transport.call('forget-activation', {})).toEqual({ ok: true, data: {} });
    expect(readHeld(w.storage)).toBeNull();
  });

  test('a code is checked where it is typed: a wrong one is refused on its field, the right one answers empty', async () => {
    const w = world();
    const accountId = randomDigits(16);
    await w.api.createInstance(accountId, '7703');
    await w.transport.call('start-activation', { accountId, instanceId: '7703', site: 'cn1' });
    await w.transport.call('send-code', { purpose: 'register', email: 'check@example.com' });
    const code = w.api.lastCode('check@example.com');
    const wrong = await w.transport.call('check-code', { purpose: 'register', email: 'check@example.com', code: code === '000000' ? '000001' : '000000' });
    expect(wrong).toMatchObject({ ok: false, error: { kind: 'api' } });
    expect(await w.transport.call('check-code', { purpose: 'register', email: 'check@example.com', code })).toEqual({ ok: true, data: {} });
  });

  test('an offer is the extension\'s: taking one on a page keeps the activation held', async () => {
    const w = world();
    expect(await w.transport.call('take-offer', { accept: true })).toEqual({ ok: true, data: { activation: null } });
  });

  test('Sign in with Alibaba Cloud without a way to leave the page is refused as cancelled, and nothing is asked', async () => {
    const w = world();
    holdToken(w.storage, 'act_1', 'y'.repeat(43));
    const n = w.seen.length;
    expect(await w.transport.call('alibaba-sign-in', {})).toMatchObject({ ok: false, error: { kind: 'api', code: 'SIGN_IN_CANCELLED' } });
    expect(w.seen.length).toBe(n);
  });
});

describe('Sign in with Alibaba Cloud from the web wizard', () => {
  const PUBLIC = 'https://activator.test';
  let op: Awaited<ReturnType<typeof startAlibabaProvider>>;
  beforeAll(async () => {
    op = await startAlibabaProvider([`${PUBLIC}${WEB_CALLBACK_PATH}`]);
  });
  afterAll(() => op.close());

  test('the tab goes to the provider, comes back to the API\'s callback, and the held activation is proved', async () => {
    const api = setup({ now: Date.now, requireVerifiedLink: true, alibabaSignIn: { issuer: op.issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } });
    const storage = memoryStorage();
    // The browser's cookie jar for the API origin: the callback completes only in the browser that started.
    let cookie = '';
    const navigated: string[] = [];
    const transport = createHttpTransport({
      base: '/api/v1', storage,
      signInRedirectUri: `${PUBLIC}${WEB_CALLBACK_PATH}`,
      navigate: (url) => void navigated.push(url),
      fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
        const res = await api.app.request(String(input), init);
        const set = res.headers.get('set-cookie');
        if (set) cookie = set.split(';')[0]!;
        return res;
      }) as typeof fetch,
    });
    const accountId = randomDigits(16);
    await api.createInstance(accountId, '7704');
    const started = await transport.call('start-activation', { accountId, instanceId: '7704', site: 'cn1' });
    expect(started).toMatchObject({ ok: true, data: { activation: { next: 'prove', proof: null } } });

    // The call stays in flight while the tab leaves for the provider.
    let settled = false;
    void transport.call('alibaba-sign-in', {}).then(() => (settled = true));
    await expect.poll(() => navigated.length).toBe(1);
    expect(new URL(navigated[0]!).origin).toBe(new URL(op.issuer).origin);
    expect(cookie).not.toBe('');

    const back = new URL(await op.browse(navigated[0]!, { sub: `main-${accountId}`, aid: accountId, uid: accountId }));
    expect(back.pathname).toBe(WEB_CALLBACK_PATH);
    const landing = await api.app.request(`${WEB_CALLBACK_PATH}${back.search}`, { headers: { cookie } });
    expect(landing.status).toBe(303);
    const proved = await transport.call('get-activation', { maxAgeMs: 0 });
    expect(proved).toMatchObject({ ok: true, data: { activation: { proof: 'alibaba-sign-in' } } });
    expect(settled).toBe(false);
  });
});
