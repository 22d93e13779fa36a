// Mozilla's own linter (the one addons.mozilla.org runs on upload) over the Firefox build.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';
import { FIREFOX_EXTENSION_DIR } from './support/firefox';

interface LintMessage { code: string; message: string; file?: string }
interface LintReport { summary: { errors: number; warnings: number; notices: number }; errors: LintMessage[]; warnings: LintMessage[] }

test('web-ext lint finds no error in the Firefox build', async () => {
  const bin = resolve(import.meta.dirname, '../node_modules/.bin/web-ext');
  // Exit status 1 means errors were found; the report on stdout says which.
  const { stdout } = await promisify(execFile)(bin, ['lint', '--source-dir', FIREFOX_EXTENSION_DIR, '--output', 'json', '--no-config-discovery'], {
    maxBuffer: 16 * 1024 * 1024,
  }).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }));
  const report = JSON.parse(stdout) as LintReport;
  expect(report.errors.map((m) => `${m.code}: ${m.message} (${m.file ?? ''})`)).toEqual([]);
  // The data-consent declaration addons.mozilla.org requires of new add-ons is there.
  expect(report.warnings.map((m) => m.code)).not.toContain('MISSING_DATA_COLLECTION_PERMISSIONS');
}, 120_000);
