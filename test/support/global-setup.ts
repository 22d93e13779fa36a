// Once per e2e run: make sure the browsers are there (installing Debian's when we can), and both
// extension builds and the web wizard are fresh from the production config.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { ensureChromium } from './browser';
import { ensureFirefox } from './firefox';

export default function setup(): void {
  console.log(`[e2e] Chromium: ${ensureChromium()}`);
  console.log(`[e2e] Firefox: ${ensureFirefox()}`);
  const root = resolve(import.meta.dirname, '../..');
  // The suites test the build a developer gets: no store API origin baked in.
  const env = { ...process.env, GUANCE_API_ORIGIN: '' };
  execFileSync('npx', ['wxt', 'build'], { cwd: root, stdio: 'inherit', env });
  execFileSync('npx', ['wxt', 'build', '-b', 'firefox'], { cwd: root, stdio: 'inherit', env });
  // The web wizard the API serves under /activate/ (dist/web, WEB_WIZARD_DIR's default).
  execFileSync('npx', ['vite', 'build', '-c', 'vite.web.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
}
