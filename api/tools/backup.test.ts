import { spawn } from 'node:child_process';
import { linkSync, mkdtempSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/connection';
import { backupDatabase } from './backup';

// Another process writes as fast as it can, as the server would, while the backup runs.
const WRITER = `
import Database from 'better-sqlite3';
const db = new Database(process.argv[1]);
db.pragma('busy_timeout = 5000');
const ins = db.prepare("INSERT INTO outbox (recipient, subject, body, created_at, status) VALUES ('w@example.com', 's', ?, ?, 'cancelled')");
let n = 0;
const tick = () => { for (let i = 0; i < 20; i++) ins.run('x'.repeat(200), ++n); if (n === 400) process.stdout.write('warm\\n'); setImmediate(tick); };
tick();
`;

let stop: (() => void) | undefined;
afterEach(() => stop?.());

describe('npm run backup', () => {
  it('copies a database that another process is writing to: the copy is whole and holds the rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backup-'));
    const file = join(dir, 'live.sqlite');
    const db = openDatabase(file);
    const seed = db.prepare("INSERT INTO outbox (recipient, subject, body, created_at, status) VALUES ('seed@example.com', 'seed', ?, 0, 'cancelled')");
    db.transaction(() => { for (let i = 0; i < 5000; i++) seed.run('y'.repeat(300)); })();

    const writer = spawn(process.execPath, ['--input-type=module', '-e', WRITER, file], { stdio: ['ignore', 'pipe', 'inherit'] });
    stop = () => writer.kill('SIGKILL');
    await new Promise<void>((res) => writer.stdout.once('data', () => res()));
    const before = db.prepare('SELECT COUNT(*) FROM outbox').pluck().get() as number;

    const r = await backupDatabase(file, join(dir, 'copy.sqlite'));
    const after = db.prepare('SELECT COUNT(*) FROM outbox').pluck().get() as number;
    writer.kill('SIGKILL');

    const copy = new Database(r.file, { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    const copied = copy.prepare('SELECT COUNT(*) FROM outbox').pluck().get() as number;
    expect(copied).toBeGreaterThanOrEqual(before);
    expect(copied).toBeLessThanOrEqual(after);
    expect(copy.prepare("SELECT COUNT(*) FROM outbox WHERE recipient = 'seed@example.com'").pluck().get()).toBe(5000);
    expect(r.userVersion).toBe(db.pragma('user_version', { simple: true }));
    expect(r.tables.outbox).toBe(copied);
    expect(after).toBeGreaterThan(before); // the writer really was writing during the backup
    copy.close();
    db.close();
  });

  it('refuses to overwrite an existing file or the database itself', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backup-'));
    const file = join(dir, 'live.sqlite');
    openDatabase(file).close();
    await expect(backupDatabase(file, file)).rejects.toThrow(/another file/);
    await backupDatabase(file, join(dir, 'a.sqlite'));
    await expect(backupDatabase(file, join(dir, 'a.sqlite'))).rejects.toThrow(/exists/);
    await expect(backupDatabase(file, join(dir, 'a.sqlite'), { overwrite: true })).resolves.toMatchObject({ pages: expect.any(Number) });
  });

  it('refuses the live database and its -wal, -shm and -journal by identity, not by name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backup-'));
    const file = join(dir, 'live.sqlite');
    const db = openDatabase(file);
    db.prepare("INSERT INTO outbox (recipient, subject, body, created_at, status) VALUES ('k@example.com', 'keep', 'b', 0, 'cancelled')").run();
    // Another spelling, a symlink and a hard link of the database are the database.
    symlinkSync(file, join(dir, 'alias.sqlite'));
    linkSync(file, join(dir, 'hard.sqlite'));
    for (const dest of [join(dir, '.', 'live.sqlite'), join(dir, 'alias.sqlite'), join(dir, 'hard.sqlite')]) {
      await expect(backupDatabase(file, dest, { overwrite: true })).rejects.toThrow(/another file than the database/);
    }
    // The WAL and shared-memory files exist while the database is open; -journal does not: refused too.
    for (const suffix of ['-wal', '-shm', '-journal']) {
      await expect(backupDatabase(file, `${file}${suffix}`, { overwrite: true })).rejects.toThrow(new RegExp(`${suffix.slice(1)} file`));
    }
    symlinkSync(`${file}-wal`, join(dir, 'wal-alias'));
    await expect(backupDatabase(file, join(dir, 'wal-alias'), { overwrite: true })).rejects.toThrow(/wal file/);
    expect(db.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(1);
    db.close();
  });

  it('creates the database and its backups readable by their owner only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backup-'));
    const file = join(dir, 'data', 'live.sqlite');
    openDatabase(file).close();
    expect(statSync(file).mode & 0o077).toBe(0);
    expect(statSync(join(dir, 'data')).mode & 0o077).toBe(0);
    await backupDatabase(file, join(dir, 'copy.sqlite'));
    expect(statSync(join(dir, 'copy.sqlite')).mode & 0o077).toBe(0);
  });
});
