// The console's page globals for the content script that asks: read in its frame's main world with
// scripting.executeScript (shared/page-globals.ts's reader, sent as a function: no file, no global
// left behind), checked, and answered to that content
// script alone. Before, the content script inserted a <script> that raised an event back: the page
// saw that element and could fetch the file (a web-accessible resource tells a page which
// extensions are installed), and loading it was about a third of what the extension cost each
// console page load (bench/page-cost.bench.ts).
import { browser } from 'wxt/browser';
import { MatchPattern } from 'wxt/utils/match-patterns';
import { ALIYUN_MATCHES } from '../../../shared/hosts';
import { parsePageGlobals, readPageGlobals, type PageGlobals } from '../../../shared/page-globals';
import type { SenderInfo } from '../router';
import type { BackgroundFeature } from './types';

const PATTERNS = ALIYUN_MATCHES.map((p) => new MatchPattern(p));

/** Whether a content script on that URL may have its page's globals read. */
export function isAlibabaCloudPage(url: string | undefined): boolean {
  if (!url) return false;
  try {
    return PATTERNS.some((p) => p.includes(url));
  } catch {
    return false;
  }
}

export type RunInMainWorld = (target: { tabId: number; frameId: number }) => Promise<unknown>;

const runReader: RunInMainWorld = async ({ tabId, frameId }) => {
  const [first] = await browser.scripting.executeScript({ target: { tabId, frameIds: [frameId] }, world: 'MAIN', func: readPageGlobals });
  return first?.result;
};

/** The sender's page globals; null off Alibaba Cloud pages, when the page refuses, or when the answer is not their shape. */
export async function readGlobalsFor(sender: SenderInfo, run: RunInMainWorld = runReader): Promise<PageGlobals | null> {
  if (sender.kind !== 'content' || sender.tabId === undefined || !isAlibabaCloudPage(sender.url)) return null;
  try {
    return parsePageGlobals(await run({ tabId: sender.tabId, frameId: sender.frameId ?? 0 }));
  } catch {
    return null; // the frame went away, or a page the browser will not script
  }
}

export const pageGlobals: BackgroundFeature = {
  id: 'page-globals',
  register(_hub, router) {
    router.on('page-globals/read', (_message, sender) => readGlobalsFor(sender));
  },
};
