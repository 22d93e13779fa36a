import { beforeEach, describe, expect, test } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { AccountDetection, InstanceDetection } from '../../shared/detections';
import { installMessages } from '../content/detect/fixtures.testing';
import { toolbarBadge } from './features/toolbar-badge';
import { createDetections, mergeAccount, mergeInstances, snapshotItem } from './detections';
import { createRouter } from './router';

const src = (pageKind: 'console' | 'purchased-services' = 'console') => ({ url: 'https://home.console.aliyun.com/', pageKind, method: 'm' });
const acc = (accountId: string, method: AccountDetection['method'], at: number): AccountDetection => ({
  accountId, identity: 'main', currentId: null, method, source: src(), at,
});
const inst = (instanceId: string, status: InstanceDetection['status'], at: number): InstanceDetection => ({
  instanceId, productName: 'Guance', status, statusText: status, source: src('purchased-services'), at,
});

// The router checks every sender's extension id (fakeBrowser's runtime id is 'test-extension-id').
const CONTENT = { id: 'test-extension-id', tab: { id: 7 } as never, url: 'https://home.console.aliyun.com/' };
const POPUP = { id: 'test-extension-id', url: 'chrome-extension://test-extension-id/popup.html' };

/** The store answering through the background's router, as it does in the extension. */
function wired() {
  const d = createDetections();
  const router = createRouter();
  d.route(router);
  return { ...d, handle: router.dispatch };
}

describe('merging', () => {
  test('more trusted wins; equal trust, newer wins; a weaker read of another ID never replaces', () => {
    expect(mergeAccount(acc('1111111111111111', 'cookie', 1), acc('2222222222222222', 'page-global', 0))?.accountId).toBe('2222222222222222');
    expect(mergeAccount(acc('1111111111111111', 'page-label', 1), acc('2222222222222222', 'page-label', 2))?.accountId).toBe('2222222222222222');
    expect(mergeAccount(acc('1111111111111111', 'page-global', 1), acc('2222222222222222', 'cookie', 9))?.accountId).toBe('1111111111111111');
    expect(mergeAccount(acc('1111111111111111', 'cookie', 1), null)?.accountId).toBe('1111111111111111');
  });

  test('instances keyed by ID, newest status wins, all kept', () => {
    const merged = mergeInstances([inst('1', 'active', 1), inst('2', 'active', 1)], [inst('1', 'closed', 2), inst('3', 'expired', 2)]);
    expect(Object.fromEntries(merged.map((i) => [i.instanceId, i.status]))).toEqual({ '1': 'closed', '2': 'active', '3': 'expired' });
    expect(mergeInstances([inst('1', 'closed', 5)], [inst('1', 'active', 4)])[0]!.status).toBe('closed');
  });
});

describe('messages', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    installMessages();
  });

  test('a report from one tab and another from a second tab both reach the popup (storage.session)', async () => {
    const d = wired();
    await d.handle({ type: 'detections/report', pageKind: 'console', account: acc('1234567890123456', 'page-global', 1), instances: [] }, CONTENT);
    await d.handle(
      { type: 'detections/report', pageKind: 'purchased-services', account: null, instances: [inst('38215907', 'active', 2)] },
      { ...CONTENT, tab: { id: 8 } as never },
    );
    const snap = await d.handle({ type: 'detections/get' }, POPUP);
    expect(snap).toMatchObject({ account: { accountId: '1234567890123456' }, instances: [{ instanceId: '38215907' }] });
    expect(await fakeBrowser.storage.session.get('detections')).toEqual({ detections: snap });
  });

  test('invalid messages, messages from the wrong sender and other extensions get no answer', async () => {
    const d = wired();
    expect(d.handle({ type: 'detections/report', pageKind: 'console', account: { accountId: '12' }, instances: [] }, CONTENT)).toBeUndefined();
    expect(d.handle({ type: 'wizard/start' }, POPUP)).toBeUndefined();
    // Not this extension: nothing is answered, whatever the message.
    expect(d.handle({ type: 'detections/get' }, { ...POPUP, id: 'other-extension' })).toBeUndefined();
    // The popup cannot report detections, and a page's content script cannot clear them.
    expect(d.handle({ type: 'detections/report', pageKind: 'console', account: null, instances: [] }, POPUP)).toBeUndefined();
    expect(d.handle({ type: 'detections/clear' }, CONTENT)).toBeUndefined();
    expect(await snapshotItem.getValue()).toEqual({ account: null, instances: [] });
  });

  test('the badge counts the IDs found on that tab, and clear empties everything', async () => {
    const d = wired();
    toolbarBadge.register(d.hub, createRouter());
    await d.handle(
      { type: 'detections/report', pageKind: 'purchased-services', account: acc('1234567890123456', 'page-global', 1), instances: [inst('1', 'active', 1), inst('2', 'closed', 1)] },
      CONTENT,
    );
    await new Promise((r) => setTimeout(r, 0));
    expect(await fakeBrowser.action.getBadgeText({ tabId: 7 })).toBe('3');
    expect(await fakeBrowser.action.getBadgeText({ tabId: 8 })).toBe('');
    expect(await d.handle({ type: 'detections/clear' }, POPUP)).toEqual({ account: null, instances: [] });
    await new Promise((r) => setTimeout(r, 0));
    expect(await fakeBrowser.action.getBadgeText({ tabId: 7 })).toBe('');
    expect(await snapshotItem.getValue()).toEqual({ account: null, instances: [] });
  });

  test('a page with nothing found clears its badge', async () => {
    const d = wired();
    toolbarBadge.register(d.hub, createRouter());
    await d.handle({ type: 'detections/report', pageKind: 'console', account: acc('1234567890123456', 'cookie', 1), instances: [] }, CONTENT);
    await d.handle({ type: 'detections/report', pageKind: 'console', account: null, instances: [] }, CONTENT);
    await new Promise((r) => setTimeout(r, 0));
    expect(await fakeBrowser.action.getBadgeText({ tabId: 7 })).toBe('');
    // …while the session still remembers the account read earlier.
    expect((await snapshotItem.getValue()).account?.accountId).toBe('1234567890123456');
  });
});

describe('Login Directly', () => {
  test('the latest click on an instance is kept whichever read of it wins', () => {
    const clicked = { ...inst('1', 'active', 1), loginDirectlyAt: 5 };
    expect(mergeInstances([clicked], [inst('1', 'active', 2)])[0]).toMatchObject({ at: 2, loginDirectlyAt: 5 });
    expect(mergeInstances([inst('1', 'active', 3)], [{ ...inst('1', 'active', 2), loginDirectlyAt: 7 }])[0]).toMatchObject({ at: 3, loginDirectlyAt: 7 });
  });

  test('a click reaches the store through the router from a content script only, and needs its time', async () => {
    fakeBrowser.reset();
    installMessages();
    const d = wired();
    const clicked = { ...inst('1', 'active', 1), loginDirectlyAt: 5 };
    expect(await d.handle({ type: 'detections/choice', instance: clicked }, CONTENT)).toEqual({ ok: true });
    expect((await snapshotItem.getValue()).instances).toMatchObject([{ instanceId: '1', loginDirectlyAt: 5 }]);
    // An extension page does not click on a console page, and a choice without its time is no choice.
    expect(d.handle({ type: 'detections/choice', instance: { ...clicked, loginDirectlyAt: 9 } }, POPUP)).toBeUndefined();
    expect(d.handle({ type: 'detections/choice', instance: inst('2', 'active', 1) }, CONTENT)).toBeUndefined();
    expect((await snapshotItem.getValue()).instances).toMatchObject([{ instanceId: '1', loginDirectlyAt: 5 }]);
  });
});
