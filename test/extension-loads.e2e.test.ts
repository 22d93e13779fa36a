import { afterAll, beforeAll, expect, test } from 'vitest';
import { EXTENSION_ID } from '../shared/extension-id';
import { launchWithExtension, type ExtensionBrowser } from './support/browser';

declare const chrome: { runtime: { getManifest(): { manifest_version: number; host_permissions?: string[]; content_scripts?: unknown[] } } }; // evaluated in the extension's worker

let eb: ExtensionBrowser;
beforeAll(async () => {
  eb = await launchWithExtension();
});
afterAll(async () => {
  await eb?.close();
});

test('the built extension loads and its ID is the one pinned by manifest.key', async () => {
  expect(eb.extensionId).toBe(EXTENSION_ID);
  const manifest = await eb.worker.evaluate(() => chrome.runtime.getManifest());
  expect(manifest.manifest_version).toBe(3);
  // No test host and no blanket host access in the shipped manifest.
  const hosts = JSON.stringify([manifest.host_permissions, manifest.content_scripts]);
  expect(hosts).not.toContain('<all_urls>');
  expect(hosts).not.toMatch(/localhost:\d|127\.0\.0\.1:\d/);
});
