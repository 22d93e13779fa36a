// The consoles are single-page apps: content arrives late and the URL changes without a load.
// A mutation only asks for a scan (debounced in the runtime), so a busy page costs one pass per
// debounce window, not one per mutation.
import type { ContentFeature } from './types';

export const watchSpaNavigation: ContentFeature = {
  id: 'watch-spa-navigation',
  on: 'all',
  start(env) {
    const observer = new MutationObserver(() => env.requestScan());
    observer.observe(document.body ?? document.documentElement, { childList: true, subtree: true, characterData: true });
    env.signal.addEventListener('abort', () => observer.disconnect(), { once: true });
    env.ctx.addEventListener(window, 'wxt:locationchange', () => env.requestScan());
  },
};
