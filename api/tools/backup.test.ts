import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
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
});
