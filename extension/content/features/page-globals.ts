// The consoles keep the account IDs in page globals that an isolated content script cannot see:
// the background reads them in this frame's main world (background/features/page-globals.ts) and
// answers here. Nothing the page posts or raises is listened to, so a page cannot forge the most
// trusted source; the values stay page data (checked by the background, weighed in decide.ts).
// The SPA moving on may change them: asked again when a pass finds another address.
import { send } from '../../lib/messaging';
import type { ContentEnv, ContentFeature } from './types';

function ask(env: ContentEnv): void {
  const done = send({ type: 'page-globals/read' })
    .then((globals) => {
      if (globals) env.setGlobals(globals);
    })
    .catch(() => {
      // No background to answer (the extension reloading): labels and the cookie still count.
    });
  // The pass waits for the answer (bounded): with the globals it need not read the page's text.
  env.waitFor(done);
}

export const pageGlobals: ContentFeature = {
  id: 'page-globals',
  on: ['console', 'account-center', 'marketplace-product', 'purchased-services', 'other'],
  start: ask,
  locationChanged: ask,
};
