import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';
import { EXTENSION_KEY } from './shared/extension-id';
import { apiOriginFromEnv, hostAccess } from './scripts/manifest';

import { ALIYUN_MATCHES, BILLING_CENTER_MATCHES } from './shared/hosts';

// Match patterns are the production ones only (shared/hosts.ts).
export { ALIYUN_MATCHES, BILLING_CENTER_MATCHES };

/**
 * The content scripts the manifest declares. They are built as plain scripts (entrypoints/aliyun.ts,
 * billing-center.ts) and declared here rather than with defineContentScript: WXT's wrapper would
 * start its own context on every console page (extension/content/context.ts says what that cost).
 */
const CONTENT_SCRIPTS = [
  { matches: ALIYUN_MATCHES, js: ['aliyun.js'], run_at: 'document_idle' },
  { matches: BILLING_CENTER_MATCHES, js: ['billing-center.js'], run_at: 'document_idle' },
];
const CONTENT_SCRIPT_FILES = new Set(CONTENT_SCRIPTS.flatMap((c) => c.js));

// Store builds: `GUANCE_API_ORIGIN=https://activator.example.com npm run zip`. That origin becomes the
// default API address and the one host permission granted at install (scripts/manifest.ts).
const API_ORIGIN = apiOriginFromEnv(process.env.GUANCE_API_ORIGIN);
const hosts = hostAccess(API_ORIGIN);

export default defineConfig({
  srcDir: 'extension',
  outDir: '.output',
  publicDir: 'extension/public',
  modules: ['@wxt-dev/webextension-polyfill', '@wxt-dev/auto-icons'],
  // Every icon size is rasterised from the one SVG at build time (sharp, through WXT's module): no
  // binary copies to keep in step. 48 and 96 are the sizes Firefox's add-on manager shows.
  autoIcons: { baseIconPath: 'assets/icon.svg', sizes: [16, 32, 48, 96, 128], developmentIndicator: false },
  // The sources archive addons.mozilla.org asks for holds what builds the extension, nothing of the
  // API, the tests (their TLS key) or the docs.
  zip: { excludeSources: ['api/**', 'test/**', 'bench/**', 'docs/**', 'data/**', '.ci/**', '**/*.test.{ts,tsx}', '.env*'] },
  vite: () => ({
    plugins: [preact()],
    define: { 'import.meta.env.GUANCE_API_ORIGIN': JSON.stringify(API_ORIGIN ?? '') },
  }),
  hooks: {
    // Content scripts run on every Alibaba Cloud page load, so they carry no webextension-polyfill:
    // its set-up (a proxy over \`chrome\` and the interop copy that touches every namespace) was
    // about a third of what the extension cost each console page (bench/page-cost.bench.ts). The
    // few calls they make (runtime.sendMessage, runtime.getURL, i18n.getMessage) return the same
    // in Chrome's and Firefox's own APIs; extension/lib/messaging.ts evens out the one difference
    // (a listener that answers nothing). Popup, options and background keep the polyfill.
    'vite:build:extendConfig': (entrypoints, config) => {
      if (!entrypoints.every((e) => e.type === 'content-script' || CONTENT_SCRIPT_FILES.has(`${e.name}.js`))) return;
      const alias = config.resolve?.alias;
      if (Array.isArray(alias)) {
        config.resolve!.alias = alias.filter((a) => a.find !== 'wxt/browser');
      } else if (alias && typeof alias === 'object') {
        delete (alias as Record<string, string>)['wxt/browser'];
      }
    },
    // The toolbar button's title in the user's language: WXT takes it from the popup's <title>,
    // which a page cannot localise with __MSG_ placeholders.
    'build:manifestGenerated': (_wxt, manifest) => {
      const action = manifest.action ?? manifest.browser_action;
      if (action) action.default_title = '__MSG_extName__';
    },
  },
  manifest: ({ browser }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    ...(browser === 'firefox'
      ? {
        browser_specific_settings: {
          gecko: {
            id: 'activator@guance.example',
            // Built-in data consent needs Firefox 140 (142 on Android); MV2's scripting API needs 102.
            strict_min_version: '140.0',
            // What leaves the browser, to the companion API only (docs/privacy.md): the IDs read off
            // the console pages (websiteContent), the names, emails and phone numbers typed into the
            // wizard (personallyIdentifyingInfo), and passwords and email codes (authenticationInfo).
            data_collection_permissions: { required: ['websiteContent', 'personallyIdentifyingInfo', 'authenticationInfo'] },
          },
          gecko_android: { strict_min_version: '142.0' },
        },
      }
      // manifest.key pins the ID of an unpacked build (the API allows exactly that origin); the
      // Chrome Web Store refuses an upload that carries one and assigns the ID itself.
      : API_ORIGIN ? {} : { key: EXTENSION_KEY }),
    // `identity`: Sign in with Alibaba Cloud runs in launchWebAuthFlow's own window, owned by the
    // background (a popup closes when focus moves), and returns to a redirect URI only this
    // extension can receive; no host access to Alibaba Cloud's OAuth pages is needed for it.
    permissions: ['storage', 'activeTab', 'contextMenus', 'scripting', 'identity'],
    content_scripts: CONTENT_SCRIPTS,
    // The API's origin, and the Alibaba Cloud pages the content script already runs on (no new
    // warning): the background reads their page globals in the main world with executeScript
    // (background/features/page-globals.ts), so no file of ours is web-accessible to pages.
    host_permissions: [...hosts.host, ...ALIYUN_MATCHES],
    // Another API address is requested at run time for exactly its origin (options page), so the
    // extension never holds access it was not asked for. MV2 has no optional_host_permissions (WXT
    // drops the key): there, origins go in optional_permissions.
    ...(browser === 'firefox' ? { optional_permissions: hosts.optional } : { optional_host_permissions: hosts.optional }),
  }),
});
