// The background's memory of what the content scripts read: the latest detections for the
// browser session (storage.session), across tabs, plus per-tab state for the badge. Answers
// `detections/report`, `detections/choice` and `detections/get` from content scripts and `detections/get` /
// `detections/clear` from the popup; every message is validated where it arrives.
import { browser, type Browser } from 'wxt/browser';
import { storage } from 'wxt/utils/storage';
import type { AccountDetection, DetectionSnapshot, InstanceDetection, PageKind } from '../../shared/detections';
import { ContentToBackground } from '../../shared/messages/content-to-background';
import { PopupToBackground } from '../../shared/messages/popup-to-background';
import { parseMessage } from '../../shared/messages/protocol';
import { METHOD_RANK } from '../detect/decide';
import { BACKGROUND_FEATURES } from '../features/registry';

export const EMPTY_SNAPSHOT: DetectionSnapshot = { account: null, instances: [] };
const MAX_INSTANCES = 50;

export interface TabState {
  pageKind: PageKind;
  accountFound: boolean;
  instanceCount: number;
}

export const snapshotItem = storage.defineItem<DetectionSnapshot>('session:detections', { fallback: EMPTY_SNAPSHOT });
export const tabsItem = storage.defineItem<Record<string, TabState>>('session:detectionTabs', { fallback: {} });

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

export interface DetectionsHub {
  snapshot(): Promise<DetectionSnapshot>;
  onSnapshot(cb: (snapshot: DetectionSnapshot) => void): void;
  /** `null` when the tab's state was cleared (closed, navigated away, user cleared). */
  onTab(cb: (tabId: number, state: TabState | null) => void): void;
}

/** A background behaviour (features/): registered once with the hub. */
export interface BackgroundFeature {
  id: string;
  register(hub: DetectionsHub): void;
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

  async function report(m: Extract<ContentToBackground, { type: 'detections/report' }>, tabId: number | undefined) {
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
  async function choose(m: Extract<ContentToBackground, { type: 'detections/choice' }>) {
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

  /**
   * A promise for the messages this module answers, `undefined` for any other (so another
   * listener, the wizard's, can answer those).
   */
  function handle(raw: unknown, sender: Browser.runtime.MessageSender): Promise<unknown> | undefined {
    const fromExtensionPage = !!sender.url && sender.url.startsWith(browser.runtime.getURL('/'));
    if (fromExtensionPage) {
      const m = parseMessage(PopupToBackground, raw);
      if (m?.type === 'detections/get') return hub.snapshot();
      if (m?.type === 'detections/clear') return clear();
      return undefined;
    }
    const m = parseMessage(ContentToBackground, raw);
    if (m?.type === 'detections/report') return report(m, sender.tab?.id);
    if (m?.type === 'detections/choice') return choose(m);
    if (m?.type === 'detections/get') return hub.snapshot();
    return undefined;
  }

  return { hub, handle, report, clear, forgetTab };
}

/** Called once from the background entrypoint. */
export function registerDetections(): void {
  const d = createDetections();
  browser.runtime.onMessage.addListener((raw: unknown, sender: Browser.runtime.MessageSender) => d.handle(raw, sender));
  browser.tabs.onRemoved.addListener((tabId) => void d.forgetTab(tabId));
  // A full page load starts the tab over; its content script reports again once it has read the page.
  browser.tabs.onUpdated.addListener((tabId, change) => {
    if (change.status === 'loading') void d.forgetTab(tabId);
  });
  for (const f of BACKGROUND_FEATURES) f.register(d.hub);
}
