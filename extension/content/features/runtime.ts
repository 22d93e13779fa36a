// Runs a content script's features: one debounced scan loop (collect → each feature's read →
// one report to the background when something changed), everything tied to the content context.
import type { ContentContext } from '../context';
import type { InstanceDetection } from '../../../shared/detections';
import type { Message } from '../../../shared/protocol';
import { send } from '../../lib/messaging';
import { collectPage, type LabelRecord } from '../detect/collect';
import { accountFromGlobals } from '../detect/decide';
import type { PageGlobals } from '../../../shared/page-globals';
import { pageKindOf } from '../detect/page-kind';
import type { ContentEnv, ContentFeature, ScanResult } from './types';

const SCAN_DEBOUNCE_MS = 250;
/**
 * A pass may take at most this share of the wall-clock time (a busy page's own work is a fraction
 * of it, and our share of that must stay small): after a pass of t ms the next waits at least
 * t / SCAN_DUTY (a 3 ms pass on a huge page: 600 ms; a 0.5 ms pass: the debounce window).
 */
const SCAN_DUTY = 0.005;
const MAX_REMEMBERED = 10;
/** How long a pass waits for the page globals to arrive before reading without them. */
const GLOBALS_WAIT_MS = 1000;
/** At most 2^3 debounce windows (2 s) between passes while nothing new is found. */
const MAX_QUIET = 3;

/**
 * The instances of a pass with the buyer's Login Directly choices applied; a choice whose record
 * is not on the list any more (the next page) stays only in the background, which keeps the click.
 */
export function withChoices(instances: InstanceDetection[], chosen: ReadonlyMap<string, InstanceDetection>): InstanceDetection[] {
  if (!chosen.size) return instances;
  return instances.map((i) => {
    const c = chosen.get(i.instanceId);
    return c?.loginDirectlyAt ? { ...i, loginDirectlyAt: c.loginDirectlyAt } : i;
  });
}

export function runContentFeatures(ctx: ContentContext, all: readonly ContentFeature[]): ContentEnv {
  let globals: PageGlobals | null = null;
  let timer: number | undefined;
  let lastReport = '';
  let remembered: LabelRecord[] = [];
  const chosen = new Map<string, InstanceDetection>();
  /** Earliest time of the next pass: a pass's own cost spaces the next one out (SCAN_DUTY). */
  let notBefore = 0;
  /** Passes in a row that found nothing new (a page that mutates all the time): each doubles the wait. */
  let quiet = 0;
  let due = 0;
  let pending: Promise<unknown>[] = [];
  /** The address the features last saw: the SPA moving on is noticed by the pass (and ends a quiet spell). */
  let href = location.href;
  const active = () => all.filter((f) => f.on === 'all' || f.on.includes(pageKindOf(location.href)));

  async function scan(): Promise<void> {
    due = 0; // the timer has fired: user input must not schedule a second pass beside this one
    if (location.href !== href && ctx.isValid) {
      href = location.href;
      for (const f of active()) f.locationChanged?.(env);
    }
    if (pending.length) {
      const waiting = pending;
      pending = [];
      await Promise.race([Promise.all(waiting), new Promise<void>((r) => ctx.setTimeout(() => r(), GLOBALS_WAIT_MS))]);
    }
    timer = undefined;
    if (!ctx.isValid) return;
    const features = active();
    for (const f of features) f.beforeScan?.(env);
    const readers = features.filter((f) => f.read);
    if (readers.length) {
      const t0 = performance.now();
      const pageKind = pageKindOf(location.href);
      // Once the page globals name the account they are the only source that counts, so outside
      // the Purchased Services list (whose records need the walk) the page's text is not read, and
      // the cookie is not asked for either: document.cookie is a synchronous round trip to the
      // browser's cookie store, about 1 ms of the page's main thread per pass.
      const withoutGlobals = !accountFromGlobals(globals);
      const texts = pageKind === 'purchased-services' || withoutGlobals;
      const cookie = withoutGlobals ? document.cookie : '';
      const records = collectPage(document, { url: location.href, pageKind, globals, cookie, remembered, texts });
      const now = Date.now();
      const result: ScanResult = {};
      for (const f of readers) Object.assign(result, f.read!(records, now));
      notBefore = performance.now() + (performance.now() - t0) / SCAN_DUTY;
      const message: Message<'detections/report'> = {
        type: 'detections/report',
        pageKind,
        account: result.account ?? null,
        instances: withChoices(result.instances ?? [], chosen).slice(0, 200),
      };
      // Same IDs as last time: no message (times would differ, the content would not).
      const key = JSON.stringify([location.href, message.account?.accountId, message.account?.identity,
        message.account?.method, message.instances.map((i) => [i.instanceId, i.status, i.loginDirectlyAt])]);
      quiet = key === lastReport ? Math.min(quiet + 1, MAX_QUIET) : 0;
      if (key !== lastReport) {
        lastReport = key;
        await send(message).catch(() => undefined);
      }
    }
    for (const f of features) await f.afterScan?.(env);
  }

  const env: ContentEnv = {
    ctx,
    signal: ctx.signal,
    pageKind: () => pageKindOf(location.href),
    requestScan() {
      if (timer !== undefined || !ctx.isValid) return;
      // The SPA moved to another page (its first mutation asks for this pass): no backing off.
      if (location.href !== href) quiet = 0;
      const wait = Math.max(SCAN_DEBOUNCE_MS * 2 ** quiet, notBefore - performance.now());
      due = performance.now() + wait;
      timer = ctx.setTimeout(() => void scan(), wait);
    },
    setGlobals(g) {
      globals = g;
      env.requestScan();
    },
    waitFor(p) {
      pending.push(p);
    },
    remember(labels) {
      const fresh = labels.filter((l) => !remembered.some((r) => r.label === l.label && r.after === l.after));
      if (!fresh.length) return;
      remembered = [...fresh, ...remembered].slice(0, MAX_REMEMBERED);
      env.requestScan();
    },
    chooseInstance(instance) {
      chosen.set(instance.instanceId, instance);
      // Reported at once, not with the next pass: the page may move on right after the click.
      void send({ type: 'detections/choice', instance }).catch(() => undefined);
      env.requestScan();
    },
  };
  // The user acting on the page (paging the list, opening a menu) ends a quiet spell at once.
  const onInput = () => {
    quiet = 0;
    if (timer !== undefined && due - performance.now() > SCAN_DEBOUNCE_MS) {
      clearTimeout(timer);
      timer = undefined;
      env.requestScan();
    }
  };
  for (const type of ['pointerdown', 'keydown'] as const) {
    ctx.addEventListener(window, type, onInput, { capture: true, passive: true });
  }
  for (const f of all) f.start?.(env);
  // The first pass waits one debounce window too: the page globals (the most trusted source)
  // arrive from the main world a moment after start, and a pass without them would report a
  // weaker method first.
  env.requestScan();
  return env;
}
