import { beforeEach, describe, expect, test } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createRouter, senderOf } from './router';

const ID = 'test-extension-id';
const OWN = `chrome-extension://${ID}/`;
const content = { id: ID, tab: { id: 3 } as never, url: 'https://home.console.aliyun.com/' };
const popup = { id: ID, url: `${OWN}popup.html` };

beforeEach(() => fakeBrowser.reset());

describe('senders', () => {
  test('an extension page by its URL (even in a tab), a content script by its tab, anything else not at all', () => {
    expect(senderOf(popup, ID, OWN)).toEqual({ kind: 'extension-page', url: popup.url });
    expect(senderOf({ ...popup, url: `${OWN}options.html`, tab: { id: 9 } as never }, ID, OWN)).toMatchObject({ kind: 'extension-page', tabId: 9 });
    expect(senderOf(content, ID, OWN)).toEqual({ kind: 'content', tabId: 3, url: content.url });
    // The frame a content script runs in (the page globals are read in that frame).
    expect(senderOf({ ...content, frameId: 4 }, ID, OWN)).toEqual({ kind: 'content', tabId: 3, frameId: 4, url: content.url });
    expect(senderOf({ ...content, id: 'another-extension' }, ID, OWN)).toBeNull();
    expect(senderOf({ id: ID }, ID, OWN)).toBeNull();
  });
});

describe('the router', () => {
  test('each message only from the senders the protocol lists, and only when it passes its schema', async () => {
    const router = createRouter();
    const seen: string[] = [];
    router.on('detections/clear', () => (seen.push('clear'), { account: null, instances: [] }));
    router.on('landing/open', (m, sender) => (seen.push(`landing ${m.activationId} tab ${sender.tabId}`), { ok: false, reason: 'wrong-origin' } as const));
    const landing = { type: 'landing/open', activationId: 'act_1', token: 'x'.repeat(20) };

    expect(await router.dispatch({ type: 'detections/clear' }, popup)).toEqual({ account: null, instances: [] });
    expect(router.dispatch({ type: 'detections/clear' }, content)).toBeUndefined();
    expect(await router.dispatch(landing, content)).toEqual({ ok: false, reason: 'wrong-origin' });
    expect(router.dispatch(landing, popup)).toBeUndefined();
    expect(router.dispatch({ ...landing, token: '<script>' }, content)).toBeUndefined();
    expect(router.dispatch({ type: 'no/such' }, popup)).toBeUndefined();
    expect(router.dispatch('detections/clear', popup)).toBeUndefined();
    // A known message nobody registered for gets no answer either.
    expect(router.dispatch({ type: 'detections/get' }, popup)).toBeUndefined();
    expect(seen).toEqual(['clear', 'landing act_1 tab 3']);
  });

  test('one handler per message', () => {
    const router = createRouter();
    router.on('detections/get', () => ({ account: null, instances: [] }));
    expect(() => router.on('detections/get', () => ({ account: null, instances: [] }))).toThrow(/two handlers/);
  });
});
