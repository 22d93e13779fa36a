// Bridge to the page's main world: the consoles keep the account IDs in page globals that an
// isolated content script cannot see. An unlisted script (entrypoints/page-globals.ts) reads
// them there and posts them back; we accept only same-window, same-origin messages of the
// expected shape, and still treat the values as page data (decide.ts checks them again).
import { injectScript } from 'wxt/utils/inject-script';
import { GLOBALS_REQUEST, GlobalsMessage } from '../detect/globals';
import type { ContentFeature } from './types';

export const pageGlobals: ContentFeature = {
  id: 'page-globals',
  on: ['console', 'account-center', 'marketplace-product', 'purchased-services', 'other'],
  start(env) {
    env.ctx.addEventListener(window, 'message', (e: MessageEvent) => {
      if (e.source !== window || e.origin !== location.origin) return;
      const m = GlobalsMessage.safeParse(e.data);
      if (m.success) env.setGlobals(m.data.globals);
    });
    // Globals can change when the SPA navigates: ask again.
    env.ctx.addEventListener(window, 'wxt:locationchange', () => {
      window.postMessage({ type: GLOBALS_REQUEST }, location.origin);
    });
    injectScript('/page-globals.js', { keepInDom: false }).catch(() => {
      // A page that refuses the script (CSP) still has labels and the cookie.
    });
  },
};
