// `npm run backup -- <file>`: a consistent copy of the live database, taken with SQLite's online
// backup API while the API keeps serving. Restore: stop the API, replace the database file with the
// copy (and delete any `-wal`/`-shm` files beside the old one), start the API.
import { chmodSync, existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';

export interface BackupResult {
  file: string;
  pages: number;
  userVersion: number;
  tables: Record<string, number>;
}

/** The files SQLite keeps beside a database: writing over any of them loses data. */
const COMPANIONS = ['', '-wal', '-shm', '-journal'];

const identity = (p: string) => {
  try {
    const st = statSync(p);
    return `${st.dev}:${st.ino}`;
  } catch {
    return undefined;
  }
};

/**
 * Refuses a destination that is the live database or one of its companions, compared by file
 * identity (device and inode: another spelling, a symlink or a hard link is the same file), and for
 * a destination not there yet, by the identity of its folder and its name (a backup written as
 * `<db>-wal` while the API is stopped would be read as the database's WAL when it starts).
 */
export function refuseLiveTarget(source: string, dest: string): void {
  const destId = identity(dest);
  const destDir = identity(dirname(resolve(dest)));
  for (const suffix of COMPANIONS) {
    const live = `${resolve(source)}${suffix}`;
    const sameFile = destId !== undefined && destId === identity(live);
    const sameSlot = destDir !== undefined && destDir === identity(dirname(live)) && basename(resolve(dest)) === basename(live);
    if (sameFile || sameSlot) {
      throw new Error(suffix === ''
        ? 'The backup must go to another file than the database itself'
        : `${dest} is the database's ${suffix.slice(1)} file: the backup must go to another file`);
    }
  }
}

/**
 * Copies `source` to `dest`. The copy is written beside `dest` under a temporary name and renamed
 * only once it passes `PRAGMA integrity_check`, so `dest` is never a half-written file.
 */
export async function backupDatabase(source: string, dest: string, opts: { overwrite?: boolean } = {}): Promise<BackupResult> {
  const target = resolve(dest);
  refuseLiveTarget(source, dest);
  if (existsSync(target) && !opts.overwrite) throw new Error(`${dest} exists; pass --force to replace it`);
  if (!existsSync(source)) throw new Error(`No database at ${source}`);
  const src = new Database(source, { readonly: true, fileMustExist: true });
  src.pragma('busy_timeout = 5000');
  const partial = `${target}.partial-${process.pid}`;
  try {
    // Copy every page in one step. In steps, a write by the server (another connection) between two
    // of them restarts the copy, and a busy server could keep restarting it forever; one step
    // reads a single snapshot (WAL lets the server keep writing meanwhile).
    // Readable by its owner only, like the database: created so before SQLite writes a page.
    writeFileSync(partial, '', { mode: 0o600 });
    const { totalPages } = await src.backup(partial, { progress: ({ totalPages: t }) => Math.max(t, 1) });
    const copy = new Database(partial);
    try {
      const check = copy.pragma('integrity_check', { simple: true });
      if (check !== 'ok') throw new Error(`The copy failed its integrity check: ${String(check)}`);
      // A single file, readable without its WAL.
      copy.pragma('journal_mode = DELETE');
      const userVersion = copy.pragma('user_version', { simple: true }) as number;
      const names = copy
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .pluck()
        .all() as string[];
      const tables: Record<string, number> = {};
      for (const n of names) tables[n] = copy.prepare(`SELECT COUNT(*) FROM "${n.replace(/"/g, '""')}"`).pluck().get() as number;
      copy.close();
      chmodSync(partial, 0o600);
      renameSync(partial, target);
      return { file: target, pages: totalPages, userVersion, tables };
    } finally {
      if (copy.open) copy.close();
    }
  } finally {
    src.close();
    rmSync(partial, { force: true });
  }
}

async function main(argv: string[]) {
  const args = argv.filter((a) => a !== '--force');
  const dest = args[0];
  if (!dest || args.length > 1 || dest.startsWith('-')) {
    console.error('usage: npm run backup -- <file> [--force]   (the database is DATABASE_PATH, as for the API)');
    process.exit(2);
  }
  const source = process.env.DATABASE_PATH ?? (await defaultDatabasePath());
  const r = await backupDatabase(source, dest, { overwrite: argv.includes('--force') });
  console.log(`backed up ${source} to ${r.file}: ${r.pages} pages, schema version ${r.userVersion}, integrity ok`);
  for (const [t, n] of Object.entries(r.tables)) console.log(`  ${t}: ${n}`);
}

async function defaultDatabasePath(): Promise<string> {
  const { loadConfig } = await import('../config');
  return loadConfig(process.env).DATABASE_PATH;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('api/tools/backup.ts')) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(`backup failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
