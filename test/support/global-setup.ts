// Once per e2e run: make sure a browser is there (installing Debian's when we can) and the
// extension and the web wizard are freshly built from the production config.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { ensureChromium } from './browser';

export default function setup(): void {
  const chromium = ensureChromium();
  console.log(`[e2e] Chromium: ${chromium}`);
  const root = resolve(import.meta.dirname, '../..');
  execFileSync('npx', ['wxt', 'build'], { cwd: root, stdio: 'inherit' });
  // The web wizard the API serves under /activate/ (dist/web, WEB_WIZARD_DIR's default).
  execFileSync('npx', ['vite', 'build', '-c', 'vite.web.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
}
