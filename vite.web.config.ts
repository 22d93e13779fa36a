// The web wizard (extension/web/): the popup's model, steps and message bundles built as a page the
// API serves under /activate/ (api/web/bundle.ts, WEB_WIZARD_DIR, default dist/web). No inline
// script or style is emitted: the page runs under `script-src 'self'; style-src 'self'`.
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

export default defineConfig({
  root: 'extension/web',
  base: '/activate/',
  plugins: [preact()],
  publicDir: false,
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    assetsDir: 'assets',
    // Never inline a file into the page as a data: URL or a <style>/<script> block.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2022',
  },
});
