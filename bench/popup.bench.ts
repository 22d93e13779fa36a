// The popup's weight and speed: gzip size of the JavaScript popup.html loads (target ≤ 40 KB), and
// the time from opening popup.html to step 1 being interactive, median over several opens in
// Chromium with the built extension.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { clearStoredDraft, EXTENSION_DIR, launchWithExtension } from '../test/support/browser';

/** The extension's `chrome` global, as seen inside the service worker we evaluate in. */
declare const chrome: { storage: { local: { get(k: null): Promise<Record<string, unknown>>; clear(): Promise<void> } } };

const OPENS = Number(process.env.POPUP_BENCH_OPENS ?? 20);
const TARGET_KB = 40;

/** Every JS file the popup page loads: its scripts, their modulepreloads, and their static imports. */
export function popupScripts(dir: string): string[] {
  const html = readFileSync(join(dir, 'popup.html'), 'utf8');
  const queue = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+\.js)"/g)].map((m) => m[1]!.replace(/^\//, ''));
  const seen = new Set<string>();
  while (queue.length) {
    const f = queue.shift()!;
    if (seen.has(f)) continue;
    seen.add(f);
    const src = readFileSync(join(dir, f), 'utf8');
    for (const m of src.matchAll(/(?:from|import)\s*["']([^"']+\.js)["']/g)) {
      const spec = m[1]!;
      queue.push(spec.startsWith('/') ? spec.slice(1) : join(f, '..', spec));
    }
  }
  return [...seen];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export default async function bench(): Promise<void> {
  execFileSync('npx', ['wxt', 'build'], { cwd: resolve(import.meta.dirname, '..'), stdio: 'ignore' });
  let raw = 0;
  let gz = 0;
  for (const f of popupScripts(EXTENSION_DIR)) {
    const buf = readFileSync(join(EXTENSION_DIR, f));
    const g = gzipSync(buf, { level: 9 }).length;
    raw += buf.length;
    gz += g;
    console.log(`popup js  ${f}: ${(buf.length / 1024).toFixed(1)} KB, gzip ${(g / 1024).toFixed(1)} KB`);
  }
  console.log(`popup js total: ${(raw / 1024).toFixed(1)} KB, gzip ${(gz / 1024).toFixed(1)} KB (target ≤ ${TARGET_KB} KB gzip: ${gz / 1024 <= TARGET_KB ? 'met' : 'NOT met'}, ${((gz / 1024 / TARGET_KB) * 100).toFixed(0)}% of budget)`);

  const eb = await launchWithExtension({ lang: 'en-US' });
  try {
    const wall: number[] = [];
    const inPage: number[] = [];
    const page = await eb.browser.newPage();
    for (let i = 0; i < OPENS + 1; i++) {
      // Each open starts from nothing remembered, like a first run: step 1, the IDs.
      await eb.worker.evaluate(() => chrome.storage.local.clear());
      await clearStoredDraft(eb);
      const t0 = performance.now();
      await page.goto(`chrome-extension://${eb.extensionId}/popup.html`, { waitUntil: 'domcontentloaded' });
      await page.waitForSelector('.wizard[data-status="ids"] input[name="accountId"]:not([disabled])', { timeout: 10_000 });
      const t1 = performance.now();
      const nav = await page.evaluate(() => performance.now());
      if (i === 0) continue; // the first open warms Chromium's caches and the service worker
      wall.push(t1 - t0);
      inPage.push(nav);
      await page.goto('about:blank');
    }
    console.log(
      `popup.html → step 1 interactive: median ${median(wall).toFixed(1)} ms as seen by the driver, ` +
        `${median(inPage).toFixed(1)} ms by the page's own clock (min ${Math.min(...inPage).toFixed(1)}, max ${Math.max(...inPage).toFixed(1)}; ${OPENS} opens)`,
    );
  } finally {
    await eb.close();
  }
}
