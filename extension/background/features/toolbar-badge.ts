// The toolbar icon says at a glance whether IDs were found on the current page: a green count of
// the IDs read there (account + instances), nothing otherwise.
import { browser } from 'wxt/browser';
import type { BackgroundFeature, TabState } from './types';

const BADGE_COLOR = '#1a7f37';

export function badgeText(state: TabState | null): string {
  if (!state) return '';
  const n = (state.accountFound ? 1 : 0) + state.instanceCount;
  return n === 0 ? '' : n > 99 ? '99+' : String(n);
}

function badgeTitle(state: TabState | null): string {
  if (!state || badgeText(state) === '') return browser.i18n.getMessage('extName');
  return browser.i18n.getMessage('badge_title_found', [
    state.accountFound ? '1' : '0',
    String(state.instanceCount),
  ]);
}

export const toolbarBadge: BackgroundFeature = {
  id: 'toolbar-badge',
  register(hub) {
    // MV3 names it `action`, Firefox MV2 `browserAction`.
    const action = browser.action ?? browser.browserAction;
    hub.onTab((tabId, state) => {
      const text = badgeText(state);
      // A tab may be gone by the time we answer: nothing to show then.
      void Promise.all([
        action.setBadgeText({ tabId, text }),
        action.setBadgeBackgroundColor({ tabId, color: BADGE_COLOR }),
        action.setTitle({ tabId, title: badgeTitle(state) }),
      ]).catch(() => undefined);
    });
  },
};
