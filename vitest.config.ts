import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';
import preact from '@preact/preset-vite';

// Three projects: the API and shared code in Node, the extension's units in happy-dom with WXT's
// fakeBrowser, and the end-to-end suites (real server, real Chromium) one file at a time.
export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'api',
          environment: 'node',
          include: ['api/**/*.test.ts', 'shared/**/*.test.ts', 'scripts/**/*.test.ts'],
          // Tests of races hash 20 passwords at once (scrypt); on a shared 2-core machine the
          // default 5 s per test is a timing assertion they sometimes fail. Nothing here is timed.
          testTimeout: 30_000,
        },
      },
      {
        plugins: [WxtVitest(), preact()],
        test: {
          name: 'extension',
          environment: 'happy-dom',
          include: ['extension/**/*.test.{ts,tsx}'],
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/**/*.e2e.test.ts'],
          globalSetup: ['./test/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
