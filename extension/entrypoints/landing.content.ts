// The free-login landing page of the configured API. Built by WXT but not in the manifest: the
// background registers it at run time for exactly that API's origin (background/features/landing-page.ts).
import { send } from '../lib/messaging';
import { readLandingPage } from '../content/landing/landing';

export default defineContentScript({
  registration: 'runtime',
  runAt: 'document_idle',
  main() {
    readLandingPage({ document, location, history, send, now: Date.now });
  },
});
