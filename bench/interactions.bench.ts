// What a buyer does on each wizard path, popup and web: clicks and keystrokes (passwords and email
// codes counted apart), measured by running the e2e suites that walk the paths in Chromium (the
// web wizard from signed free-login URLs without the extension; the popup from typed IDs) and
// reading the counts they write (test/support/interaction-counts.ts). Targets: free login →
// register ≤ 12 clicks; 0 ID keystrokes on any path whose IDs come from the page; a returning
// buyer ≤ 2 clicks after Login Directly.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readCounts, type PathCount } from '../test/support/interaction-counts';

const SUITES = ['test/web-wizard.e2e.test.ts', 'test/wizard.e2e.test.ts'];

export default async function bench(): Promise<void> {
  const file = join(mkdtempSync(join(tmpdir(), 'interactions-')), 'counts.json');
  const r = spawnSync('npx', ['vitest', 'run', '--project', 'e2e', ...SUITES], {
    cwd: resolve(import.meta.dirname, '..'),
    env: { ...process.env, INTERACTION_COUNTS_FILE: file },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const counts = readCounts(file);
  if (r.status !== 0) console.log(`(the e2e suites did not all pass, exit ${r.status}: the counts below are of the paths that finished)`);
  if (counts.length === 0) {
    console.log('interactions: no path finished; nothing to print');
    return;
  }
  console.log('clicks after Login Directly (web) or after opening the popup; keystrokes without passwords and codes');
  for (const c of counts) {
    console.log(`${c.surface.padEnd(5)} ${c.path}: ${c.clicks} clicks, ${c.keystrokes} keystrokes (${c.idKeystrokes} into IDs; secrets ${c.secretKeystrokes} more)`);
  }
  const web = counts.filter((c) => c.surface === 'web');
  const find = (p: string) => web.find((c) => c.path === p);
  const verdict = (ok: boolean | undefined) => (ok === undefined ? 'not measured' : ok ? 'met' : 'NOT met');
  const reg: PathCount | undefined = find('free login → register');
  const ret = find('returning buyer');
  console.log(`target free login → register ≤ 12 clicks: ${reg?.clicks ?? '–'} (${verdict(reg && reg.clicks <= 12)})`);
  console.log(`target 0 ID keystrokes with IDs from the page: ${web.map((c) => c.idKeystrokes).join(', ')} over ${web.length} web paths (${verdict(web.length ? web.every((c) => c.idKeystrokes === 0) : undefined)})`);
  console.log(`target returning buyer ≤ 2 clicks after Login Directly: ${ret?.clicks ?? '–'} (${verdict(ret && ret.clicks <= 2)})`);
}
