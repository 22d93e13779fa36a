// Once per e2e run: make sure a browser is there (installing Debian's when we can) and the
// extension is freshly built from the production config.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { ensureChromium } from './browser';

export default function setup(): void {
  const chromium = ensureChromium();
  console.log(`[e2e] Chromium: ${chromium}`);
  execFileSync('npx', ['wxt', 'build'], { cwd: resolve(import.meta.dirname, '../..'), stdio: 'inherit' });
}
