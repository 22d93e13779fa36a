// What a buyer does on each wizard path, counted by the e2e suites as they drive the pages: clicks,
// keystrokes (secrets, i.e. passwords and email codes, counted apart and left out of the total),
// and how many of the keystrokes went into the IDs. `npm run bench` runs the suites and prints
// the file they write (bench/interactions.bench.ts).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export interface PathCount {
  surface: 'web' | 'popup';
  path: string;
  clicks: number;
  /** Characters typed, secrets excluded. */
  keystrokes: number;
  /** Of those, into the account and instance IDs. */
  idKeystrokes: number;
  /** Passwords and codes: typed, but not counted above. */
  secretKeystrokes: number;
}

export const COUNTS_FILE = process.env.INTERACTION_COUNTS_FILE ?? resolve(import.meta.dirname, '../artifacts/interaction-counts.json');

export class Tally {
  readonly count: PathCount;
  constructor(surface: PathCount['surface'], path: string) {
    this.count = { surface, path, clicks: 0, keystrokes: 0, idKeystrokes: 0, secretKeystrokes: 0 };
  }
  click(n = 1): void {
    this.count.clicks += n;
  }
  typed(value: string, kind: 'plain' | 'id' | 'secret' = 'plain'): void {
    if (kind === 'secret') this.count.secretKeystrokes += value.length;
    else {
      this.count.keystrokes += value.length;
      if (kind === 'id') this.count.idKeystrokes += value.length;
    }
  }
  /** Adds (or replaces) this path's line in the counts file. */
  save(): void {
    const all = readCounts().filter((c) => !(c.surface === this.count.surface && c.path === this.count.path));
    mkdirSync(dirname(COUNTS_FILE), { recursive: true });
    writeFileSync(COUNTS_FILE, JSON.stringify([...all, this.count], null, 2));
  }
}

export function readCounts(file = COUNTS_FILE): PathCount[] {
  if (!existsSync(file)) return [];
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PathCount[];
  } catch {
    return [];
  }
}
