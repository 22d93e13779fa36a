// `npm run bench`: runs every bench/*.bench.ts in one process, one after another (the machine is
// small and shared: never two at once), and prints their numbers. `npm run bench -- api` runs only
// the files whose name contains "api".
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface BenchModule {
  /** Runs the benchmark and prints its own lines; returns nothing. */
  default: () => Promise<void>;
}

const dir = import.meta.dirname;
const filter = process.argv[2];
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !filter || f.includes(filter))
  .sort();
if (files.length === 0) {
  console.error(`no benchmark matches ${filter ?? '(all)'}`);
  process.exit(1);
}
for (const f of files) {
  console.log(`\n== ${f} ==`);
  const mod = (await import(pathToFileURL(resolve(dir, f)).href)) as BenchModule;
  await mod.default();
}
