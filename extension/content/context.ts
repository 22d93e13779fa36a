// The content scripts' life: one AbortSignal that every listener and observer is tied to, ended
// when the extension goes away (reloaded, updated or removed: the browser then leaves this copy
// running without an extension behind it) or when a newer copy starts in the same frame.
//
// Why not WXT's ContentScriptContext: the Alibaba Cloud script starts on every console page, and
// that class's start-up (a DOM event to find older copies, a listener on the document for newer
// ones, an abort listener per timer, a URL watcher with its own listener) was a tenth of what the
// extension cost a page load (bench/page-cost.bench.ts). What it did that we need is here: the
// signal, timers and listeners that stop with it, and the newer-copy hand-over, done through this
// script's own world (the page's scripts cannot see or touch it) instead of the page's DOM.
import { browser } from 'wxt/browser';

export interface ContentContext {
  /** Aborted when this copy of the script is over; every listener and observer takes it. */
  readonly signal: AbortSignal;
  /** False once the extension is gone or a newer copy took over (checked, then remembered). */
  readonly isValid: boolean;
  /** A timer that does not fire once the context is over. */
  setTimeout(handler: () => void, ms: number): number;
  /** A listener removed when the context is over. */
  addEventListener<K extends keyof WindowEventMap>(
    target: Window,
    type: K,
    listener: (event: WindowEventMap[K]) => void,
    options?: AddEventListenerOptions,
  ): void;
}

/** Where a copy of a content script leaves its controller for the next copy (this world's global). */
const CURRENT = Symbol.for('guance-activator.content-context');
type Holder = { [CURRENT]?: Record<string, AbortController> };

/**
 * Starts the context of the content script `name`: any earlier copy of it in this frame's world is
 * stopped first. `extensionPresent` says whether the extension is still behind this copy.
 */
export function createContentContext(
  name: string,
  extensionPresent: () => boolean = () => browser.runtime?.id != null,
  world: object = globalThis,
): ContentContext {
  const controller = new AbortController();
  const copies = ((world as Holder)[CURRENT] ??= {});
  copies[name]?.abort('A newer copy of the content script started');
  copies[name] = controller;
  const { signal } = controller;
  const valid = () => {
    if (!signal.aborted && !extensionPresent()) controller.abort('The extension is gone');
    return !signal.aborted;
  };
  return {
    signal,
    get isValid() {
      return valid();
    },
    setTimeout(handler, ms) {
      return window.setTimeout(() => {
        if (valid()) handler();
      }, ms);
    },
    addEventListener(target, type, listener, options) {
      target.addEventListener(type, listener as EventListener, { ...options, signal });
    },
  };
}
