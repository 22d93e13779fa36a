// @vitest-environment node
// The background's API proxy (the wizard's calls) against the real API app (in-memory SQLite, outbox mail),
// reached through the real typed client: the whole chain the popup relies on, minus the browser.
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, test } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { PASSWORD, randomDigits, setup } from '../../api/test-support';
import { activationStore, moveLegacyActivation } from './activation-store';
import { createApiClient } from './api-client';
import { createApiProxy } from './api-proxy';

function world() {
  const api = setup();
  let calls = 0;
  const client = createApiClient({
    baseUrl: 'http://api.test',
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      calls++;
      return api.app.request(String(input), init);
    }) as typeof fetch,
  });
  const svc = createApiProxy({ client: async () => ({ client, baseUrl: 'http://api.test' }), now: api.clock.now });
  return { api, svc, calls: () => calls };
}

beforeEach(async () => {
  fakeBrowser.reset();
  await activationStore.remove();
});

describe('the background API proxy (wizard calls)', () => {
  test('start: bad IDs come back as field issues without calling the API', async () => {
    const w = world();
    const r = await w.svc.call('start-activation', { accountId: '123', instanceId: 'abc', site: 'cn1' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({ kind: 'api', code: 'VALIDATION_FAILED' });
    const paths = (r.error as { details: { path: string }[] }).details.map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['accountId', 'instanceId']));
    expect(w.calls()).toBe(0);
  });

  test('start on an unknown instance: INSTANCE_NOT_FOUND from the API, nothing stored', async () => {
    const w = world();
    const r = await w.svc.call('start-activation', { accountId: randomDigits(16), instanceId: '424242', site: 'cn1' });
    expect(r).toMatchObject({ ok: false, error: { kind: 'api', status: 404, code: 'INSTANCE_NOT_FOUND' } });
    expect(await activationStore.get()).toBeNull();
  });

  test('register path end to end; the token stays in the background, never in a reply', async () => {
    const w = world();
    const accountId = randomDigits(16);
    await w.api.createInstance(accountId, '7001');
    const started = await w.svc.call('start-activation', { accountId, instanceId: '7001', site: 'cn4' });
    expect(started.ok).toBe(true);
    const ref = await activationStore.get();
    expect(ref?.token).toBeTruthy();
    expect(JSON.stringify(started)).not.toContain(ref!.token);
    // Content scripts can read storage.local (and storage.session when opened to them): no token there.
    const readable = JSON.stringify([await fakeBrowser.storage.local.get(null), await fakeBrowser.storage.session.get(null)]);
    expect(readable).not.toContain(ref!.token);

    const sent = await w.svc.call('send-code', { purpose: 'register', email: 'alice@example.com' });
    expect(sent).toMatchObject({ ok: true, data: { sentTo: 'a***e@example.com' } });
    const code = w.api.lastCode('alice@example.com');

    const wrong = await w.svc.call('register', w.api.registrationBody('alice', 'alice@example.com', code === '000000' ? '111111' : '000000'));
    expect(wrong).toMatchObject({ ok: false, error: { code: 'CODE_INVALID', status: 422 } });

    const done = await w.svc.call('register', w.api.registrationBody('alice', 'alice@example.com', code));
    expect(done).toMatchObject({ ok: true, data: { activation: { state: 'activated', site: 'cn4', billingAccount: { username: 'alice' } } } });
    expect((await activationStore.get())?.activation.state).toBe('activated');

    const login = await w.api.app.request('/api/v1/sessions', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'alice', password: PASSWORD }),
    });
    expect(((await login.json()) as { workspaces: unknown[] }).workspaces.length).toBe(1);
  });

  test('identical requests in flight share one API call (double click sends one code)', async () => {
    const w = world();
    const accountId = randomDigits(16);
    await w.api.createInstance(accountId, '7002');
    await w.svc.call('start-activation', { accountId, instanceId: '7002', site: 'cn1' });
    const before = w.calls();
    const body = { purpose: 'register', email: 'bob@example.com' } as const;
    const [a, b] = await Promise.all([w.svc.call('send-code', body), w.svc.call('send-code', body)]);
    expect(a).toEqual(b);
    expect(a.ok).toBe(true);
    expect(w.calls() - before).toBe(1);
    expect(w.api.repos.outbox.to('bob@example.com')).toHaveLength(1);
  });

  test('get-activation: a fresh copy from the store, a stale one re-read; no activation → null; dead token → forgotten', async () => {
    const w = world();
    expect(await w.svc.call('get-activation', { maxAgeMs: 60_000 })).toEqual({ ok: true, data: { activation: null } });
    const accountId = randomDigits(16);
    await w.api.createInstance(accountId, '7003');
    await w.svc.call('start-activation', { accountId, instanceId: '7003', site: 'cn1' });
    const before = w.calls();
    await w.svc.call('get-activation', { maxAgeMs: 60_000 });
    expect(w.calls()).toBe(before);
    w.api.clock.advance(61_000);
    const r = await w.svc.call('get-activation', { maxAgeMs: 60_000 });
    expect(w.calls()).toBe(before + 1);
    expect(r).toMatchObject({ ok: true, data: { activation: { state: 'needs-billing-account' } } });
    w.api.clock.advance(25 * 3600_000);
    const dead = await w.svc.call('get-activation', { maxAgeMs: 0 });
    expect(dead).toMatchObject({ ok: false, error: { kind: 'api', status: 401 } });
    expect(await activationStore.get()).toBeNull();
  });

  test('calls without an activation say so; forget drops the token', async () => {
    const w = world();
    expect(await w.svc.call('list-workspaces', {})).toMatchObject({ ok: false, error: { code: 'NO_ACTIVATION' } });
    const accountId = randomDigits(16);
    await w.api.createInstance(accountId, '7004');
    await w.svc.call('start-activation', { accountId, instanceId: '7004', site: 'cn1' });
    await w.svc.call('forget-activation', {});
    expect(await activationStore.get()).toBeNull();
  });

  test('an unreachable API is a network failure the popup can retry', async () => {
    const client = createApiClient({ baseUrl: 'http://127.0.0.1:9', fetch: (() => Promise.reject(new TypeError('Failed to fetch'))) as typeof fetch });
    const svc = createApiProxy({ client: async () => ({ client, baseUrl: 'http://127.0.0.1:9' }) });
    const r = await svc.call('start-activation', { accountId: randomDigits(16), instanceId: '1', site: 'cn1' });
    expect(r).toEqual({ ok: false, error: { kind: 'network', message: 'Failed to fetch' } });
  });

  test('update-activation (the site): checked with the shared schema, sent as PATCH, remembered; refused once a workspace is bound', async () => {
    const w = world();
    const accountId = randomDigits(16);
    await w.api.createInstance(accountId, '7010');
    await w.svc.call('start-activation', { accountId, instanceId: '7010', site: 'cn1' });
    const before = w.calls();
    expect(await w.svc.call('update-activation', { site: 'moon' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(w.calls()).toBe(before);
    expect(await w.svc.call('update-activation', { site: 'us1' })).toMatchObject({ ok: true, data: { activation: { site: 'us1' } } });
    expect((await activationStore.get())?.activation.site).toBe('us1');

    await w.svc.call('send-code', { purpose: 'register', email: 'sam@example.com' });
    const done = await w.svc.call('register', w.api.registrationBody('sam', 'sam@example.com', w.api.lastCode('sam@example.com')));
    expect(done).toMatchObject({ ok: true, data: { activation: { state: 'activated', workspace: { site: 'us1' } } } });
    expect(await w.svc.call('update-activation', { site: 'cn1' })).toMatchObject({ ok: false, error: { status: 409, code: 'WRONG_STATE' } });
  });

  test('an activation an earlier version left in storage.local moves to the store and leaves no token behind', async () => {
    const w = world();
    const accountId = randomDigits(16);
    await w.api.createInstance(accountId, '7020');
    await w.svc.call('start-activation', { accountId, instanceId: '7020', site: 'cn1' });
    const ref = (await activationStore.get())!;
    await activationStore.remove();
    await fakeBrowser.storage.local.set({ activationRef: ref });
    expect(await moveLegacyActivation()).toBe('moved');
    expect(await fakeBrowser.storage.local.get('activationRef')).toEqual({});
    expect(await activationStore.get()).toEqual(ref);
    expect(await w.svc.call('get-activation', { maxAgeMs: 0 })).toMatchObject({ ok: true, data: { activation: { id: ref.id } } });
    expect(await moveLegacyActivation()).toBe('none');
  });
});
