// What the stores look at in the built manifests (the global setup built both): icons at every
// size and really that size, a localised toolbar title, no blanket or useless host access.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { EXTENSION_DIR } from './support/browser';
import { FIREFOX_EXTENSION_DIR } from './support/firefox';

const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): [number, number] {
  const b = readFileSync(file);
  expect(b.subarray(1, 4).toString('latin1')).toBe('PNG');
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

test.each([
  ['chrome', EXTENSION_DIR, 'action'],
  ['firefox', FIREFOX_EXTENSION_DIR, 'browser_action'],
])('%s: icons 16/32/48/96/128, localised title, narrow host access', (_name, dir, actionKey) => {
  const m = manifestOf(dir);
  expect(Object.keys(m.icons).map(Number).sort((a, b) => a - b)).toEqual([16, 32, 48, 96, 128]);
  for (const [size, file] of Object.entries(m.icons as Record<string, string>)) {
    expect(pngSize(join(dir, file)), file).toEqual([Number(size), Number(size)]);
  }
  expect(m[actionKey].default_title).toBe('__MSG_extName__');
  const hosts = [...(m.host_permissions ?? []), ...(m.optional_host_permissions ?? []), ...(m.optional_permissions ?? []),
    ...(m.permissions ?? []).filter((p: string) => p.includes('://'))];
  expect(hosts).not.toContain('http://*/*');
  expect(hosts).not.toContain('<all_urls>');
  // Granted hosts beyond the API's are the pages the content scripts already run on (the page
  // globals are read there with executeScript): no warning the content scripts do not give.
  const scripted = new Set((m.content_scripts as { matches: string[] }[]).flatMap((c) => c.matches));
  const granted = [...(m.host_permissions ?? []), ...(m.permissions ?? []).filter((p: string) => p.includes('://'))];
  expect(granted.filter((h: string) => !/^http:\/\/(127\.0\.0\.1|localhost)\//.test(h) && !scripted.has(h))).toEqual([]);
  // Nothing a page could fetch to learn that the extension is installed.
  expect(m.web_accessible_resources ?? []).toEqual([]);
});
