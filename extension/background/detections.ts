// The background's memory of what the content scripts read: the latest detections for the
// browser session (storage.session), across tabs, plus per-tab state for the badge. Answers
// `detections/report` and `detections/choice` (content scripts), `detections/get` (both) and
// `detections/clear` (the extension's pages) through the router, which checked the sender and the
// message.
import { browser } from 'wxt/browser';
import { storage } from 'wxt/utils/storage';
import type { AccountDetection, DetectionSnapshot, InstanceDetection } from '../../shared/detections';
import type { Message } from '../../shared/protocol';
import { METHOD_RANK } from '../../shared/method-rank';
import type { DetectionsHub, TabState } from './features/types';
import type { Router } from './router';

const EMPTY_SNAPSHOT: DetectionSnapshot = { account: null, instances: [] };
const MAX_INSTANCES = 50;

export const snapshotItem = storage.defineItem<DetectionSnapshot>('session:detections', { fallback: EMPTY_SNAPSHOT });
const tabsItem = storage.defineItem<Record<string, TabState>>('session:detectionTabs', { fallback: {} });

/**
 * The more trusted read wins; between equally trusted reads, the newer. A less trusted read of a
 * different ID (a stale cookie, say) never replaces a better one.
 */
export function mergeAccount(prev: AccountDetection | null, next: AccountDetection | null): AccountDetection | null {
  if (!next) return prev;
  if (!prev) return next;
  const d = METHOD_RANK[next.method] - METHOD_RANK[prev.method];
  if (d < 0) return next;
  if (d > 0) return prev;
  return next.at >= prev.at ? next : prev;
}

/**
 * All instances ever seen this session, keyed by instance ID; the newest read of each wins (status
 * changes), and the buyer's latest Login Directly click on it is kept whichever read wins.
 */
export function mergeInstances(prev: InstanceDetection[], next: InstanceDetection[]): InstanceDetection[] {
  const byId = new Map(prev.map((i) => [i.instanceId, i]));
  for (const i of next) {
    const old = byId.get(i.instanceId);
    const clicked = Math.max(old?.loginDirectlyAt ?? 0, i.loginDirectlyAt ?? 0);
    const winner = !old || i.at >= old.at ? i : old;
    byId.set(i.instanceId, clicked ? { ...winner, loginDirectlyAt: clicked } : winner);
  }
  return [...byId.values()].sort((a, b) => b.at - a.at).slice(0, MAX_INSTANCES);
}

export function createDetections() {
  const snapshotListeners: ((s: DetectionSnapshot) => void)[] = [];
  const tabListeners: ((tabId: number, s: TabState | null) => void)[] = [];
  // Reports from several tabs arrive at once: one read-modify-write at a time.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };

  const hub: DetectionsHub = {
    snapshot: () => snapshotItem.getValue(),
    onSnapshot: (cb) => void snapshotListeners.push(cb),
    onTab: (cb) => void tabListeners.push(cb),
  };

  async function report(m: Message<'detections/report'>, tabId: number | undefined) {
    return serial(async () => {
      const prev = await snapshotItem.getValue();
      const next: DetectionSnapshot = {
        account: mergeAccount(prev.account, m.account),
        instances: mergeInstances(prev.instances, m.instances),
      };
      if (JSON.stringify(next) !== JSON.stringify(prev)) {
        await snapshotItem.setValue(next);
        for (const cb of snapshotListeners) cb(next);
      }
      if (tabId !== undefined) {
        const state: TabState = { pageKind: m.pageKind, accountFound: !!m.account, instanceCount: m.instances.length };
        const tabs = await tabsItem.getValue();
        await tabsItem.setValue({ ...tabs, [tabId]: state });
        for (const cb of tabListeners) cb(tabId, state);
      }
      return { ok: true as const };
    });
  }

  /** A Login Directly click: the instance is remembered as chosen; the tab's badge is the passes' business. */
  async function choose(m: Message<'detections/choice'>) {
    return serial(async () => {
      const prev = await snapshotItem.getValue();
      const next: DetectionSnapshot = { ...prev, instances: mergeInstances(prev.instances, [m.instance]) };
      if (JSON.stringify(next) !== JSON.stringify(prev)) {
        await snapshotItem.setValue(next);
        for (const cb of snapshotListeners) cb(next);
      }
      return { ok: true as const };
    });
  }

  async function clear() {
    return serial(async () => {
      const tabs = await tabsItem.getValue();
      await snapshotItem.setValue(EMPTY_SNAPSHOT);
      await tabsItem.setValue({});
      for (const cb of snapshotListeners) cb(EMPTY_SNAPSHOT);
      for (const id of Object.keys(tabs)) for (const cb of tabListeners) cb(Number(id), null);
      return EMPTY_SNAPSHOT;
    });
  }

  async function forgetTab(tabId: number) {
    return serial(async () => {
      const tabs = await tabsItem.getValue();
      if (!(tabId in tabs)) return;
      const { [tabId]: _gone, ...rest } = tabs;
      await tabsItem.setValue(rest);
      for (const cb of tabListeners) cb(tabId, null);
    });
  }

  /** Answers its four messages on the router. */
  function route(router: Router): void {
    router.on('detections/report', (m, sender) => report(m, sender.kind === 'content' ? sender.tabId : undefined));
    router.on('detections/choice', (m) => choose(m));
    router.on('detections/get', () => hub.snapshot());
    router.on('detections/clear', () => clear());
  }

  return { hub, route, report, clear, forgetTab };
}

/** Called once from the background entrypoint: the store, its messages, and tab clean-up. */
export function registerDetections(router: Router): DetectionsHub {
  const d = createDetections();
  d.route(router);
  browser.tabs.onRemoved.addListener((tabId) => void d.forgetTab(tabId));
  // A full page load starts the tab over; its content script reports again once it has read the page.
  browser.tabs.onUpdated.addListener((tabId, change) => {
    if (change.status === 'loading') void d.forgetTab(tabId);
  });
  return d.hub;
}
