// Injected into Alibaba Cloud pages' main world by content/features/page-globals.ts: reads the console
// globals and hands the few fields we use to the content script as an event on the very script
// element the content script inserted, while this script runs (see content/features/page-globals.ts
// for why that, and nothing a page can post, is what the content script believes).
import { GLOBALS_MESSAGE, readPageGlobals } from '../content/detect/read-globals';

export default defineUnlistedScript(() => {
  const me = document.currentScript;
  if (!me) return;
  const detail = JSON.stringify({ type: GLOBALS_MESSAGE, globals: readPageGlobals(window) });
  me.dispatchEvent(new CustomEvent(GLOBALS_MESSAGE, { detail }));
});
