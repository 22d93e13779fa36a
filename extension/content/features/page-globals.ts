// Bridge to the page's main world: the consoles keep the account IDs in page globals that an
// isolated content script cannot see. An unlisted script (entrypoints/page-globals.ts) reads
// them there and raises an event on its own <script> element. Any page script could post a
// message or raise that event too, and the globals win the highest trust rank, so only one
// event is believed: the one raised on the element this content script inserted *while that
// element's script runs* (document.currentScript is it; a page script raising the event from
// its own code or a callback sees another or none). One answer per injection; the SPA moving
// on injects again. The values stay page data (re-validated here, checked again in decide.ts):
// a page that rewrites its own globals is not something any reader can see through.
import { injectScript } from 'wxt/utils/inject-script';
import { GLOBALS_MESSAGE, GlobalsMessage } from '../detect/globals';
import type { ContentEnv, ContentFeature } from './types';

const MAX_DETAIL = 4096;

/** Reads one answer off `script`, believed only while that script is the one running. */
function listenForGlobals(script: HTMLScriptElement, onGlobals: (g: GlobalsMessage['globals']) => void): void {
  let answered = false;
  const listener = (e: Event) => {
    if (answered || document.currentScript !== script) return;
    answered = true;
    script.removeEventListener(GLOBALS_MESSAGE, listener);
    const detail: unknown = (e as CustomEvent).detail;
    if (typeof detail !== 'string' || detail.length > MAX_DETAIL) return;
    let data: unknown;
    try {
      data = JSON.parse(detail);
    } catch {
      return;
    }
    const m = GlobalsMessage.safeParse(data);
    if (m.success) onGlobals(m.data.globals);
  };
  script.addEventListener(GLOBALS_MESSAGE, listener);
}

function inject(env: ContentEnv): void {
  const done = injectScript('/page-globals.js', {
    keepInDom: false,
    modifyScript: (script) => listenForGlobals(script, (g) => env.setGlobals(g)),
  }).catch(() => {
    // A page that refuses the script (CSP) still has labels and the cookie.
  });
  // The pass waits for the answer (bounded): with the globals it need not read the page's text.
  env.waitFor(done);
}

export const pageGlobals: ContentFeature = {
  id: 'page-globals',
  on: ['console', 'account-center', 'marketplace-product', 'purchased-services', 'other'],
  start(env) {
    // Globals can change when the SPA navigates: read them again.
    env.ctx.addEventListener(window, 'wxt:locationchange', () => inject(env));
    inject(env);
  },
};
