// The toolbar badge that says "a free-login activation is waiting" (set by background/features/landing-page.ts
// when the browser would not open the popup by itself). Its own module so the popup can clear it
// without pulling in the background's code.
import { browser } from 'wxt/browser';

const LANDING_BADGE_COLOR = '#1f6feb';

export async function showLandingBadge(): Promise<void> {
  const action = browser.action ?? browser.browserAction;
  await action.setBadgeBackgroundColor({ color: LANDING_BADGE_COLOR });
  await action.setBadgeText({ text: '1' });
  await action.setTitle({ title: browser.i18n.getMessage('landing_badge_title') });
}

/** The popup opened: what the badge asked for happened. Tab badges (detections) are their own. */
export async function clearLandingBadge(): Promise<void> {
  const action = browser.action ?? browser.browserAction;
  await action?.setBadgeText({ text: '' }).catch(() => undefined);
  await action?.setTitle({ title: browser.i18n.getMessage('extName') }).catch(() => undefined);
}
