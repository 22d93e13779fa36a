// Runs a content script's features: one debounced scan loop (collect → each feature's read →
// one report to the background when something changed), everything tied to the WXT context.
import { browser } from 'wxt/browser';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import type { Message } from '../../../shared/protocol';
import { send } from '../../lib/messaging';
import { collectPage } from '../detect/collect';
import type { PageGlobals } from '../detect/globals';
import { pageKindOf } from '../detect/page-kind';
import type { ContentEnv, ContentFeature, ScanResult } from './types';

const SCAN_DEBOUNCE_MS = 250;

export function runContentFeatures(ctx: ContentScriptContext, all: readonly ContentFeature[]): ContentEnv {
  let globals: PageGlobals | null = null;
  let timer: number | undefined;
  let lastReport = '';
  const active = () => all.filter((f) => f.on === 'all' || f.on.includes(pageKindOf(location.href)));

  async function scan(): Promise<void> {
    timer = undefined;
    if (!ctx.isValid) return;
    const features = active();
    const readers = features.filter((f) => f.read);
    if (readers.length) {
      const pageKind = pageKindOf(location.href);
      const records = collectPage(document, { url: location.href, pageKind, globals, cookie: document.cookie });
      const now = Date.now();
      const result: ScanResult = {};
      for (const f of readers) Object.assign(result, f.read!(records, now));
      const message: Message<'detections/report'> = {
        type: 'detections/report',
        pageKind,
        account: result.account ?? null,
        instances: (result.instances ?? []).slice(0, 200),
      };
      // Same IDs as last time: no message (times would differ, the content would not).
      const key = JSON.stringify([location.href, message.account?.accountId, message.account?.identity,
        message.account?.method, message.instances.map((i) => [i.instanceId, i.status])]);
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
      timer = ctx.setTimeout(() => void scan(), SCAN_DEBOUNCE_MS);
    },
    setGlobals(g) {
      globals = g;
      env.requestScan();
    },
  };
  for (const f of all) f.start?.(env);
  // The first pass waits one debounce window too: the page globals (the most trusted source)
  // arrive from the main world a moment after start, and a pass without them would report a
  // weaker method first.
  env.requestScan();
  return env;
}
