// @vitest-environment node
// Free login through the whole chain minus Chromium: a signed `verify` call to the real API app,
// its landing page read by the content-script half, the message handled by the background half,
// which confirms the activation with the API through the real typed client.
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, test } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { Window } from 'happy-dom';
import { randomDigits, setup, SPI_KEY } from '../../../api/test-support';
import { signSpiParams } from '../../../api/marketplace/signature';
import { formatBeijingTime } from '../../../api/marketplace/free-login';
import type { Message } from '../../../shared/protocol';
import { readLandingPage } from '../../content/landing/landing';
import { initialState, reducer } from '../../popup/model/reducer';
import type { WizardState } from '../../popup/model/types';
import { activationStore } from '../activation-store';
import { createApiClient } from '../api-client';
import { createApiProxy } from '../api-proxy';
import { createFreeLogin, LANDING_SCRIPT_ID, landingMatches, sameMatches, syncLandingScript, type LandingOpen, type ScriptingLike } from './free-login';

const API = 'https://activator.test';

/** The API's page as a DOM (a node test: the API app reads files by file URL, which happy-dom's environment breaks). */
function parseHtml(html: string): Document {
  const win = new Window();
  win.document.write(html);
  return win.document as unknown as Document;
}

function world(opts: { popup?: 'ok' | 'refused'; requireProof?: boolean } = {}) {
  const api = setup(opts.requireProof ? { requireVerifiedLink: true } : {});
  const client = createApiClient({
    baseUrl: API,
    fetch: ((input: RequestInfo | URL, init?: RequestInit) => api.app.request(String(input), init)) as typeof fetch,
  });
  const events: string[] = [];
  const svc = createFreeLogin({
    client: async () => ({ client, baseUrl: API }),
    now: api.clock.now,
    openPopup: async () => {
      if (opts.popup === 'refused') throw new Error('openPopup requires a user gesture');
      events.push('popup');
    },
    notify: async () => void events.push('badge'),
  });

  /** The marketplace's Login Directly: returns the landing page as the browser would show it. */
  async function landOn(instanceId: string) {
    const signed = signSpiParams({ action: 'verify', instanceId, timeStamp: formatBeijingTime(api.clock.now()) }, SPI_KEY);
    const res = await api.app.request(`/marketplace/aliyun?${new URLSearchParams(signed)}`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(302);
    const url = new URL(res.headers.get('location')!);
    const html = await (await api.app.request(url.pathname + url.search)).text();
    return { url, doc: parseHtml(html) };
  }

  /** The content script's half on that page: the message it sends and where the address bar ends up. */
  async function contentScript(instanceId: string) {
    const { url, doc } = await landOn(instanceId);
    const sent: Message<'landing/open'>[] = [];
    let address = url.pathname + url.search + url.hash;
    readLandingPage({
      document: doc,
      location: { origin: url.origin, pathname: url.pathname, search: url.search, hash: url.hash },
      history: { replaceState: (_s: unknown, _t: string, u?: string | URL | null) => void (address = String(u)) },
      send: async (m) => void sent.push(m),
      now: api.clock.now,
    });
    return { url, sent, address: () => address };
  }

  return { api, svc, events, contentScript, client };
}

beforeEach(async () => {
  fakeBrowser.reset();
  await activationStore.remove();
  await activationStore.removeOffer();
});

/** The popup opening afterwards: its state (`from`) reads the background's activation back. */
async function popupOpens(from: WizardState = initialState()): Promise<WizardState> {
  const held = await activationStore.get();
  return held ? reducer(from, { type: 'activation', kind: 'get-activation', activation: held.activation }) : from;
}

describe('free login: landing page → background', () => {
  test('confirmed with the API, held by the background, popup opened; the popup takes it up past step 1', async () => {
    const w = world();
    const accountId = randomDigits(16);
    await w.api.createInstance(accountId, '5101');
    const cs = await w.contentScript('5101');
    expect(cs.address()).toBe(cs.url.pathname + cs.url.search); // token gone from the address bar
    expect(cs.sent).toHaveLength(1);
    const msg = cs.sent[0] as LandingOpen;
    expect(msg.type).toBe('landing/open');

    const r = await w.svc.open(msg, cs.url.href);
    expect(r).toMatchObject({ ok: true, popup: 'opened', activation: { verified: true, accountId, instanceId: '5101', next: 'register' } });
    expect(w.events).toEqual(['popup']);
    expect(await activationStore.get()).toMatchObject({ id: msg.activationId, token: msg.token, apiBaseUrl: API });
    expect(await popupOpens()).toMatchObject({ status: 'register-basic', values: { ids: { accountId, instanceId: '5101', site: 'cn1' } } });
  });

  test('the browser refuses to open the popup: the badge says so, the activation is held for the next opening', async () => {
    const w = world({ popup: 'refused' });
    await w.api.createInstance(randomDigits(16), '5102');
    const cs = await w.contentScript('5102');
    const r = await w.svc.open(cs.sent[0] as LandingOpen, cs.url.href);
    expect(r).toMatchObject({ ok: true, popup: 'badge' });
    expect(w.events).toEqual(['badge']);
    expect((await popupOpens()).activation?.verified).toBe(true);
  });

  test('a message from a page on another origin, or with a wrong token, changes nothing', async () => {
    const w = world();
    await w.api.createInstance(randomDigits(16), '5103');
    const cs = await w.contentScript('5103');
    const msg = cs.sent[0] as LandingOpen;

    expect(await w.svc.open(msg, `https://evil.example/activate/landing?activation=${msg.activationId}`)).toEqual({ ok: false, reason: 'wrong-origin' });
    expect(await w.svc.open(msg, `${API}/somewhere-else`)).toEqual({ ok: false, reason: 'wrong-origin' });
    expect(await w.svc.open(msg, undefined)).toEqual({ ok: false, reason: 'wrong-origin' });
    expect(await w.svc.open({ ...msg, token: 'x'.repeat(43) }, cs.url.href)).toEqual({ ok: false, reason: 'not-confirmed' });
    expect(await w.svc.open({ ...msg, activationId: 'act_unknown' }, cs.url.href)).toEqual({ ok: false, reason: 'not-confirmed' });
    expect(w.events).toEqual([]);
    expect(await activationStore.get()).toBeNull();
    const mine: WizardState = { ...initialState(), status: 'bind-billing-account' };
    expect(await popupOpens(mine)).toBe(mine);
  });

  test('the same activation again keeps what the user typed; another one is offered, never put in its place unasked', async () => {
    const w = world();
    await w.api.createInstance(randomDigits(16), '5104');
    const first = await w.contentScript('5104');
    await w.svc.open(first.sent[0] as LandingOpen, first.url.href);
    const opened = await popupOpens();
    const typed = reducer(opened, { type: 'field', form: 'register', name: 'username', value: 'typed_by_user' });
    await w.svc.open(first.sent[0] as LandingOpen, first.url.href);
    expect((await popupOpens(typed)).values.register.username).toBe('typed_by_user');

    await w.api.createInstance(randomDigits(16), '5105');
    const second = await w.contentScript('5105');
    await w.svc.open(second.sent[0] as LandingOpen, second.url.href);
    // The one in progress stays the wizard's; the new one waits for the user's word.
    expect((await activationStore.get())?.activation.instanceId).toBe('5104');
    expect((await activationStore.getOffer())?.activation.instanceId).toBe('5105');
    const kept = await popupOpens(typed);
    expect(kept.activation?.instanceId).toBe('5104');
    expect(kept.values.register.username).toBe('typed_by_user');

    // The popup asks through the API proxy: both activations, then the user's choice.
    const proxy = createApiProxy({ client: async () => ({ client: w.client, baseUrl: API }), now: w.api.clock.now });
    const held = await proxy.call('get-activation', { maxAgeMs: 60_000 });
    expect(held).toMatchObject({ ok: true, data: { activation: { instanceId: '5104' }, offer: { instanceId: '5105', verified: true } } });
    let s = reducer(kept, { type: 'offer', offer: held.ok ? held.data.offer ?? null : null });
    expect(s.offer?.instanceId).toBe('5105');
    const taken = await proxy.call('take-offer', { accept: true });
    expect(taken).toMatchObject({ ok: true, data: { activation: { instanceId: '5105' } } });
    s = reducer(reducer(s, { type: 'offer', offer: null }), { type: 'activation', kind: 'get-activation', activation: taken.ok ? taken.data.activation! : kept.activation! });
    expect(s.activation?.instanceId).toBe('5105');
    expect(s.values.register.username).toBeUndefined();
    expect(await activationStore.getOffer()).toBeNull();
  });

  test('an offer declined is dropped; a finished activation is replaced without asking', async () => {
    const w = world();
    await w.api.createInstance(randomDigits(16), '5107');
    const first = await w.contentScript('5107');
    await w.svc.open(first.sent[0] as LandingOpen, first.url.href);
    await w.api.createInstance(randomDigits(16), '5108');
    const second = await w.contentScript('5108');
    await w.svc.open(second.sent[0] as LandingOpen, second.url.href);
    const proxy = createApiProxy({ client: async () => ({ client: w.client, baseUrl: API }), now: w.api.clock.now });
    expect(await proxy.call('take-offer', { accept: false })).toMatchObject({ ok: true, data: { activation: { instanceId: '5107' } } });
    expect(await activationStore.getOffer()).toBeNull();

    const current = (await activationStore.get())!;
    await activationStore.set({ ...current, activation: { ...current.activation, state: 'activated' } });
    await w.svc.open(second.sent[0] as LandingOpen, second.url.href);
    expect((await activationStore.get())?.activation.instanceId).toBe('5108');
    expect(await activationStore.getOffer()).toBeNull();
  });

  test('Login Directly from the prove step replaces that unproved activation of the same purchase without asking', async () => {
    const w = world({ requireProof: true });
    const accountId = randomDigits(16);
    await w.api.createInstance(accountId, '5110');
    const typed = await w.api.call('POST', '/activations', { accountId, instanceId: '5110', site: 'cn1' });
    await activationStore.set({ id: typed.body.activation.id, token: typed.body.token, activation: typed.body.activation, syncedAt: w.api.clock.now(), apiBaseUrl: API });
    const cs = await w.contentScript('5110');
    expect(await w.svc.open(cs.sent[0] as LandingOpen, cs.url.href)).toMatchObject({ ok: true, activation: { proof: 'marketplace' } });
    expect((await activationStore.get())?.id).toBe((cs.sent[0] as LandingOpen).activationId);
    expect(await activationStore.getOffer()).toBeNull();
  });

  test('a landing page with an activation that proved nothing (typed IDs) is not adopted', async () => {
    const w = world({ requireProof: true });
    const accountId = randomDigits(16);
    await w.api.createInstance(accountId, '5109');
    const cs = await w.contentScript('5109');
    const typed = await w.api.call('POST', '/activations', { accountId, instanceId: '5109', site: 'cn1' });
    expect(typed.body.activation).toMatchObject({ next: 'prove', proof: null });
    const msg = { ...(cs.sent[0] as LandingOpen), activationId: typed.body.activation.id, token: typed.body.token };
    expect(await w.svc.open(msg, cs.url.href)).toEqual({ ok: false, reason: 'not-proved' });
    expect(w.events).toEqual([]);
    expect(await activationStore.get()).toBeNull();
  });

  test('an expired landing page sends nothing but still drops the token', async () => {
    const w = world();
    await w.api.createInstance(randomDigits(16), '5106');
    const { url, doc } = await (async () => {
      const cs = await w.contentScript('5106');
      w.api.clock.advance(25 * 60 * 60_000);
      const html = await (await w.api.app.request(cs.url.pathname + cs.url.search)).text();
      return { url: cs.url, doc: parseHtml(html) };
    })();
    const sent: unknown[] = [];
    let replaced = '';
    const decision = readLandingPage({
      document: doc, location: url, history: { replaceState: (_a: unknown, _b: string, u?: string | URL | null) => void (replaced = String(u)) },
      send: async (m) => void sent.push(m), now: w.api.clock.now,
    });
    expect(decision).toEqual({ kind: 'ignore', reason: 'expired' });
    expect(sent).toEqual([]);
    expect(replaced).toBe(url.pathname + url.search);
  });
});

describe('the landing script registration', () => {
  function fakeScripting(): ScriptingLike & { list: { id: string; matches?: string[] }[] } {
    const list: { id: string; matches?: string[] }[] = [];
    return {
      list,
      getRegisteredContentScripts: async (f) => list.filter((s) => !f?.ids || f.ids.includes(s.id)),
      registerContentScripts: async (scripts) => {
        for (const s of scripts) {
          // Chrome refuses a duplicate id; so does the fake.
          if (list.some((x) => x.id === s.id)) throw new Error(`Duplicate script ID '${s.id}'`);
          list.push({ id: s.id, matches: s.matches });
        }
      },
      unregisterContentScripts: async (f) => void list.splice(0, list.length, ...list.filter((s) => f?.ids && !f.ids.includes(s.id))),
    };
  }

  test('registers for the configured origin, keeps it on wake-up, follows a change of address', async () => {
    const s = fakeScripting();
    expect(await syncLandingScript(s, 'http://127.0.0.1:8787')).toBe('registered');
    expect(s.list).toEqual([{ id: LANDING_SCRIPT_ID, matches: ['http://127.0.0.1:8787/activate/landing*'] }]);
    expect(await syncLandingScript(s, 'http://127.0.0.1:8787')).toBe('kept');
    expect(await syncLandingScript(s, 'https://guance.example.com')).toBe('registered');
    expect(s.list).toEqual([{ id: LANDING_SCRIPT_ID, matches: ['https://guance.example.com/activate/landing*'] }]);
    expect(await syncLandingScript(s, 'garbage')).toBe('removed');
    expect(s.list).toEqual([]);
  });
});

describe('match patterns for the configured API', () => {
  test('exactly that origin, port included; a sub-path adds its own prefix', () => {
    expect(landingMatches('http://127.0.0.1:8787')).toEqual(['http://127.0.0.1:8787/activate/landing*']);
    expect(landingMatches('https://guance.example.com')).toEqual(['https://guance.example.com/activate/landing*']);
    expect(landingMatches('https://example.com/activator/')).toEqual([
      'https://example.com/activate/landing*',
      'https://example.com/activator/activate/landing*',
    ]);
    expect(landingMatches('not a url')).toEqual([]);
    expect(landingMatches('ftp://example.com')).toEqual([]);
  });

  test('sameMatches ignores order only', () => {
    expect(sameMatches(['a', 'b'], ['b', 'a'])).toBe(true);
    expect(sameMatches(['a'], ['a', 'b'])).toBe(false);
  });
});
