import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';
import { EXTENSION_KEY } from './shared/extension-id';

import { ALIYUN_MATCHES, BILLING_CENTER_MATCHES } from './shared/hosts';

// Match patterns are the production ones only (shared/hosts.ts, also imported by the entrypoints).
export { ALIYUN_MATCHES, BILLING_CENTER_MATCHES };

export default defineConfig({
  srcDir: 'extension',
  outDir: '.output',
  publicDir: 'extension/public',
  modules: ['@wxt-dev/webextension-polyfill'],
  vite: () => ({ plugins: [preact()] }),
  manifest: ({ browser }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    ...(browser === 'firefox'
      ? { browser_specific_settings: { gecko: { id: 'activator@guance.example' } } }
      : { key: EXTENSION_KEY }),
    // `identity`: Sign in with Alibaba Cloud runs in launchWebAuthFlow's own window, owned by the
    // background (a popup closes when focus moves), and returns to a redirect URI only this
    // extension can receive; no host access to Alibaba Cloud's OAuth pages is needed for it.
    permissions: ['storage', 'activeTab', 'contextMenus', 'scripting', 'identity'],
    // The default companion API runs on loopback; another API origin is requested at run time
    // (options page) so the extension never holds access it was not asked for.
    host_permissions: ['http://127.0.0.1/*', 'http://localhost/*'],
    optional_host_permissions: ['https://*/*', 'http://*/*'],
    // The main-world reader of the console globals (features/page-globals.ts), only on Alibaba Cloud pages.
    web_accessible_resources: [{ resources: ['page-globals.js'], matches: ALIYUN_MATCHES }],
  }),
});
