// The avatar dropdown (where the console shows the account ID) exists only while the pointer is
// on the avatar: it is created on hover and removed on leave, often before a debounced pass runs.
// What a removed part of the page said is read as it goes (only its labels, one regex per text
// node) and kept for the page, so a quick hover is enough.
import { collectTexts } from '../detect/collect';
import { SIXTEEN_DIGITS } from '../detect/keywords';
import type { ContentFeature } from './types';

/** Removed subtrees larger than this are a page's list being replaced, not a dropdown. */
const MAX_REMOVED_TEXT = 20_000;

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
    observer.observe(document.body ?? document.documentElement, { childList: true, subtree: true });
    env.signal.addEventListener('abort', () => observer.disconnect(), { once: true });
  },
};
