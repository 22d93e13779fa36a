// The consoles are single-page apps: content arrives late, the list pages in place, and the URL
// changes without a load (the re-render that comes with it is what asks for the pass, which then
// sees the new address: runtime.ts). A mutation only asks for a pass (debounced in the runtime); then the
// observer stands down until that pass starts, so a page that mutates all the time (a polled
// table) costs one callback per pass, not one per mutation batch, and queues no records at all
// in between (each would be a wrapper built for this script, inside the page's own task).
import type { ContentFeature, ContentEnv } from './types';

const observers = new WeakMap<ContentEnv, { observer: MutationObserver; armed: boolean }>();

function arm(env: ContentEnv): void {
  const o = observers.get(env);
  if (!o || o.armed || env.signal.aborted) return;
  o.armed = true;
  o.observer.observe(document.body ?? document.documentElement, { childList: true, subtree: true, characterData: true });
}

export const watchSpaNavigation: ContentFeature = {
  id: 'watch-spa-navigation',
  on: 'all',
  start(env) {
    const o = {
      armed: false,
      observer: new MutationObserver(() => {
        o.observer.disconnect();
        o.armed = false;
        env.requestScan();
      }),
    };
    observers.set(env, o);
    arm(env);
    env.signal.addEventListener('abort', () => o.observer.disconnect(), { once: true });
  },
  // Re-armed before the page is read: whatever changes after this is caught, nothing before it is lost.
  beforeScan: arm,
};
