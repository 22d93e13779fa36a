// Right-click in any text field → "Fill Alibaba Cloud account ID" / "Fill instance ID …". Works
// on any page with only activeTab: the click grants access to that tab, and the fill runs there
// through scripting.executeScript in the clicked frame. The user picked the field and the value,
// so this is the one fill that replaces what the field holds (like a paste).
import { browser } from 'wxt/browser';
import type { DetectionSnapshot } from '../../../shared/detections';
import type { BackgroundFeature, DetectionsHub } from './types';
import { fillFocusedField } from './fill-focused-field';

export { fillFocusedField };

export const MENU_ROOT = 'guance-fill';
export const MENU_ACCOUNT = 'guance-fill-account';
export const MENU_INSTANCE_PREFIX = 'guance-fill-instance:';
export const MENU_NONE = 'guance-fill-none';

function t(key: string, subs?: string[]): string {
  return (browser.i18n.getMessage as (k: string, s?: string[]) => string)(key, subs) || key;
}

/** The menu items for a snapshot (pure apart from i18n), parent first. */
export function menuItems(s: DetectionSnapshot): { id: string; title: string; parentId?: string; enabled?: boolean }[] {
  const items: { id: string; title: string; parentId?: string; enabled?: boolean }[] = [
    { id: MENU_ROOT, title: t('menu_root') },
  ];
  if (s.account) items.push({ id: MENU_ACCOUNT, parentId: MENU_ROOT, title: t('menu_fill_account', [s.account.accountId]) });
  for (const i of s.instances.slice(0, 8)) {
    const status = i.status === 'active' || i.status === 'unknown' ? '' : ` (${t(`detect_status_${i.status}`)})`;
    items.push({
      id: MENU_INSTANCE_PREFIX + i.instanceId,
      parentId: MENU_ROOT,
      title: t('menu_fill_instance', [i.instanceId]) + status,
    });
  }
  if (items.length === 1) items.push({ id: MENU_NONE, parentId: MENU_ROOT, title: t('menu_nothing_detected'), enabled: false });
  return items;
}

/** The value a clicked menu item stands for, or null. */
export function valueForMenu(menuItemId: string | number, s: DetectionSnapshot): string | null {
  const id = String(menuItemId);
  if (id === MENU_ACCOUNT) return s.account?.accountId ?? null;
  if (id.startsWith(MENU_INSTANCE_PREFIX)) {
    const want = id.slice(MENU_INSTANCE_PREFIX.length);
    return s.instances.find((i) => i.instanceId === want)?.instanceId ?? null;
  }
  return null;
}

let rebuilding: Promise<void> = Promise.resolve();
function rebuild(s: DetectionSnapshot): Promise<void> {
  rebuilding = rebuilding.then(async () => {
    await browser.contextMenus.removeAll();
    for (const item of menuItems(s)) {
      browser.contextMenus.create({ ...item, contexts: ['editable'] }, () => void browser.runtime.lastError);
    }
  }).catch(() => undefined);
  return rebuilding;
}

async function onMenuClick(
  hub: DetectionsHub,
  info: { menuItemId: string | number; frameId?: number },
  tab: { id?: number } | undefined,
): Promise<boolean> {
  const value = valueForMenu(info.menuItemId, await hub.snapshot());
  if (!value || tab?.id === undefined) return false;
  const [result] = await browser.scripting.executeScript({
    target: { tabId: tab.id, frameIds: [info.frameId ?? 0] },
    func: fillFocusedField,
    args: [value],
  });
  return result?.result === true;
}

export const contextMenuFill: BackgroundFeature = {
  id: 'context-menu-fill',
  register(hub) {
    void hub.snapshot().then(rebuild);
    hub.onSnapshot((s) => void rebuild(s));
    browser.contextMenus.onClicked.addListener((info, tab) => {
      void onMenuClick(hub, info, tab).catch(() => undefined);
    });
  },
};
