#!/usr/bin/env node
// `npm test`: every suite (API, extension units, end-to-end in Chromium). Extra arguments go to
// Vitest (e.g. `npm test -- --project api`). A run that executes no test fails.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const summaryFile = join(mkdtempSync(join(tmpdir(), 'vitest-summary-')), 'summary.json');
const env = { ...process.env, VITEST_SUMMARY_FILE: summaryFile };

// WXT generates .wxt/ (types, tsconfig) that the extension's unit tests and tsc rely on.
let r = spawnSync('npx', ['wxt', 'prepare'], { stdio: 'inherit', env });
if (r.status !== 0) process.exit(r.status ?? 1);

r = spawnSync('npx', ['vitest', 'run', ...process.argv.slice(2)], { stdio: 'inherit', env });
if (!existsSync(summaryFile)) {
  console.error('vitest: no summary was written; the run did not finish');
  process.exit(r.status || 1);
}
const { passed, failed } = JSON.parse(readFileSync(summaryFile, 'utf8'));
if (passed + failed === 0) {
  console.error('vitest: no test was executed; that is a failure');
  process.exit(1);
}
process.exit(r.status ?? 1);
