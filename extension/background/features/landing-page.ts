// Free login: the API's landing page opens its activation in the popup. Two halves in one file:
// the background keeps a content script registered for exactly the configured API's landing page
// (a self-hosted API origin cannot be in the production manifest), and answers its message; the
// content script (entrypoints/landing.content.ts, with content/landing/read-landing-page.ts) reads the page and
// drops the token from the address bar. Decisions live in content/landing/landing.ts and background/free-login.ts.
import { browser } from 'wxt/browser';
import type { BackgroundFeature } from './types';
import { createFreeLogin, syncLandingScript, type ScriptingLike } from '../free-login';
import { configuredClient } from '../api-proxy';
import { showLandingBadge } from '../../lib/landing-badge';
import { apiBaseUrl, DEFAULT_API_BASE_URL } from '../../lib/storage';

export const landingPage: BackgroundFeature = {
  id: 'landing-page',
  register(_hub, router) {
    const scripting = browser.scripting as unknown as ScriptingLike | undefined;
    // Address changes arrive one after another; registrations must not interleave.
    let queue: Promise<unknown> = Promise.resolve();
    const sync = (url: string) => {
      if (!scripting?.registerContentScripts) return;
      queue = queue.then(() => syncLandingScript(scripting, url)).catch((e: unknown) => console.warn('[landing] could not register the landing script', e));
    };
    void apiBaseUrl.getValue().then(sync);
    apiBaseUrl.watch((url) => sync(url ?? DEFAULT_API_BASE_URL));

    const action = browser.action ?? browser.browserAction;
    const freeLogin = createFreeLogin({
      client: configuredClient,
      openPopup: async () => {
        if (!action?.openPopup) throw new Error('openPopup is not available');
        await action.openPopup();
      },
      // No popup without a user gesture in most browsers: a badge on every tab until it is opened
      // (the popup clears it), and the popup shows the activation from the stored draft.
      notify: showLandingBadge,
    });
    // The router lets only a content script of ours, in a tab, send it.
    router.on('landing/open', (m, sender) => freeLogin.open(m, sender.url));
  },
};
