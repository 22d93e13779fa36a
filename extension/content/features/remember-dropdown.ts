// The avatar dropdown (where the console shows the account ID) exists only while the pointer is
// on the avatar: it is created on hover and removed on leave (console-base's dropdown unmounts
// on exit), often before a debounced pass runs. What it said is read as it goes (only its labels,
// one regex per text node) and kept for the page, so a quick hover is enough.
// Watched where the drop lives and nowhere else, so a busy page costs nothing: the direct
// children of <body> (the drop's container there) and the top bar's own subtree (the drop
// rendered inside its wrapper), found again at each pass since the bar may render late.
import { collectTexts } from '../detect/collect';
import { SIXTEEN_DIGITS } from '../detect/keywords';
import type { ContentEnv, ContentFeature } from './types';

/** The console top bar (console-base top-nav marks its root so). */
const TOP_NAV_SELECTOR = '[data-spm="top-nav"], [data-j-top-nav], .console-base-top-nav';
/** Removed subtrees larger than this are a page's content being replaced, not a dropdown. */
const MAX_REMOVED_TEXT = 20_000;

const state = new WeakMap<ContentEnv, { observer: MutationObserver; topNav: Element | null }>();

function watchTopNav(env: ContentEnv): void {
  const s = state.get(env);
  if (!s || env.signal.aborted) return;
  const nav = document.querySelector(TOP_NAV_SELECTOR);
  if (!nav || nav === s.topNav) return;
  s.topNav = nav;
  s.observer.observe(nav, { childList: true, subtree: true });
}

export const rememberDropdown: ContentFeature = {
  id: 'remember-dropdown',
  on: ['console', 'account-center', 'marketplace-product', 'purchased-services', 'other'],
  start(env) {
    const observer = new MutationObserver((records) => {
      for (const r of records) {
        for (const node of r.removedNodes) {
          if (node.nodeType !== 1) continue;
          const text = node.textContent ?? '';
          // Cheap necessary condition first: a label with an account ID holds 16 digits in a row.
          if (text.length > MAX_REMOVED_TEXT || !SIXTEEN_DIGITS.test(text)) continue;
          const labels = collectTexts(node, document).labels.filter((l) => SIXTEEN_DIGITS.test(l.after));
          if (labels.length) env.remember(labels);
        }
      }
    });
    state.set(env, { observer, topNav: null });
    if (document.body) observer.observe(document.body, { childList: true });
    watchTopNav(env);
    env.signal.addEventListener('abort', () => observer.disconnect(), { once: true });
  },
  beforeScan: watchTopNav,
};
