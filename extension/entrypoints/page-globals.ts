// Injected into Alibaba Cloud pages' main world by content/features/page-globals.ts: reads the console
// globals and posts the few fields we use back to the content script (same window, same origin).
import { GLOBALS_MESSAGE, GLOBALS_REQUEST, readPageGlobals } from '../content/detect/read-globals';

export default defineUnlistedScript(() => {
  const post = () => window.postMessage({ type: GLOBALS_MESSAGE, globals: readPageGlobals(window) }, location.origin);
  window.addEventListener('message', (e) => {
    if (e.source === window && e.origin === location.origin && (e.data as { type?: unknown })?.type === GLOBALS_REQUEST) post();
  });
  post();
});
