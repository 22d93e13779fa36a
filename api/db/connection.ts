import Database from 'better-sqlite3';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { registerAuditFunctions } from './audit-context';

export type Db = Database.Database;

const MIGRATIONS_DIR = join(import.meta.dirname, 'migrations');

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The numbered plain-SQL files `NNN_name.sql`, in order; numbers must run 1, 2, 3… without gaps. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const list = readdirSync(dir)
    .map((f) => /^(\d{3})_([\w-]+)\.sql$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ version: Number(m[1]), name: m[0], sql: readFileSync(join(dir, m[0]), 'utf8') }))
    .sort((a, b) => a.version - b.version);
  list.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migrations: expected version ${i + 1}, found ${m.name}`);
  });
  return list;
}

export class DatabaseTooNewError extends Error {
  constructor(readonly found: number, readonly known: number) {
    super(
      `The database is at schema version ${found}, but this build only knows up to ${known}. ` +
        'It was written by a newer version of the API: run that version, or restore a backup.',
    );
    this.name = 'DatabaseTooNewError';
  }
}

/** The schema version a fully migrated database is at. */
export const latestVersion = (migrations = loadMigrations()) => migrations.reduce((v, m) => Math.max(v, m.version), 0);

/** Applies every migration newer than `PRAGMA user_version`, each in its own transaction. */
export function migrate(db: Db, migrations = loadMigrations()): number {
  // The audit triggers call these: a connection without them could not write.
  registerAuditFunctions(db);
  const latest = latestVersion(migrations);
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) throw new DatabaseTooNewError(current, latest);
  for (const m of migrations.filter((x) => x.version > current)) {
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return latest;
}

/**
 * Opens (creating the folder and file if needed) and migrates the database. `:memory:` for tests.
 * A new database is readable by its owner only (SQLite gives its -wal and -shm the same mode).
 */
export function openDatabase(path: string, migrations?: Migration[]): Db {
  if (path !== ':memory:') {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  }
  const db = new Database(path);
  try {
    if (path !== ':memory:') db.pragma('journal_mode = WAL');
    // NORMAL is durable across process crashes in WAL mode; only an OS crash can lose the last commits.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, migrations);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

// The checkpointer's own thread: a second connection to the same file, checkpointing on a timer.
const CHECKPOINTER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.lib);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 5000');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (e) { parentPort.postMessage(String(e && e.message || e)); }
}, workerData.everyMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

/**
 * Moves WAL checkpoints out of the request path. By default SQLite checkpoints inside whichever
 * commit crosses 1000 WAL pages, and that request (and every one queued behind it on the event
 * loop) waits for the copy and its fsync. Here a worker thread with its own connection runs a
 * PASSIVE checkpoint (which never blocks writers) every `everyMs`; hot pages rewritten many times
 * in between are copied back once. The automatic checkpoint stays as a backstop. Resolves to a
 * stop function that waits for the worker to close its connection.
 */
export function startCheckpointer(db: Db, everyMs = 1000, backstopPages = 20_000): () => Promise<void> {
  if (db.memory) return async () => {};
  db.pragma(`wal_autocheckpoint = ${backstopPages}`);
  const worker = new Worker(CHECKPOINTER_SOURCE, {
    eval: true,
    workerData: { lib: createRequire(import.meta.url).resolve('better-sqlite3'), path: db.name, everyMs },
  });
  worker.on('message', (m: string) => console.error(`WAL checkpoint failed: ${m}`));
  worker.on('error', (e) => console.error(`WAL checkpointer stopped: ${e.message}`));
  worker.unref();
  return () =>
    new Promise<void>((done) => {
      // Held while it closes: an unreferenced worker would let the process end before it has.
      worker.ref();
      worker.once('exit', () => done());
      worker.postMessage('stop');
    });
}

/** True when `e` is SQLite refusing a row because of a UNIQUE or PRIMARY KEY constraint. */
export function isUniqueViolation(e: unknown): e is InstanceType<typeof Database.SqliteError> {
  return (
    e instanceof Database.SqliteError &&
    (e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
  );
}
