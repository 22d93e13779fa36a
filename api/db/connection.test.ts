import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DatabaseTooNewError, latestVersion, loadMigrations, openDatabase } from './connection';

describe('database', () => {
  it('a fresh database reaches the latest user_version with WAL and foreign keys on', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ga-db-'));
    const db = openDatabase(join(dir, 'sub', 'a.db'));
    expect(db.pragma('user_version', { simple: true })).toBe(latestVersion());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    db.close();
    // Opening again applies nothing twice.
    const again = openDatabase(join(dir, 'sub', 'a.db'));
    expect(again.pragma('user_version', { simple: true })).toBe(latestVersion());
    again.close();
  });

  it('refuses a database written by a newer version, with a clear message', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ga-db-')), 'new.db');
    const raw = new Database(file);
    raw.pragma('user_version = 999');
    raw.close();
    expect(() => openDatabase(file)).toThrow(DatabaseTooNewError);
    expect(() => openDatabase(file)).toThrow(/schema version 999.*only knows up to \d+/);
  });

  it('applies migrations in order and numbered without gaps', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ga-mig-'));
    writeFileSync(join(dir, '001_a.sql'), 'CREATE TABLE a (x INTEGER);');
    writeFileSync(join(dir, '002_b.sql'), 'ALTER TABLE a ADD COLUMN y INTEGER;');
    const db = openDatabase(':memory:', loadMigrations(dir));
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(db.prepare('SELECT name FROM pragma_table_info(\'a\')').pluck().all()).toEqual(['x', 'y']);
    writeFileSync(join(dir, '004_d.sql'), 'SELECT 1;');
    expect(() => loadMigrations(dir)).toThrow(/expected version 3/);
    writeFileSync(join(dir, '003_c.sql'), 'CREATE TABLE c (z INTEGER);');
    const later = openDatabase(':memory:', loadMigrations(dir));
    expect(later.pragma('user_version', { simple: true })).toBe(4);
    writeFileSync(join(dir, '004_e.sql'), 'SELECT 1;');
    expect(() => loadMigrations(dir)).toThrow(/expected version 5, found 004_e/);
  });

  it('a failing migration leaves the database at the previous version', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ga-mig-'));
    writeFileSync(join(dir, '001_a.sql'), 'CREATE TABLE a (x INTEGER);');
    writeFileSync(join(dir, '002_bad.sql'), 'CREATE TABLE b (y INTEGER); THIS IS NOT SQL;');
    const file = join(dir, 'x.db');
    expect(() => openDatabase(file, loadMigrations(dir))).toThrow();
    const raw = new Database(file);
    expect(raw.pragma('user_version', { simple: true })).toBe(1);
    expect(raw.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'b'").pluck().get()).toBe(0);
    raw.close();
  });

  it('holds the rules as constraints: site of a workspace never changes, states need their links', () => {
    const db = openDatabase(':memory:');
    db.prepare("INSERT INTO billing_accounts (id, username, email, password_hash, created_at) VALUES ('b', 'bob', 'b@x.io', 'h', 0)").run();
    db.prepare("INSERT INTO workspaces (id, name, site, language, billing_account_id, created_at) VALUES ('w', 'W', 'cn1', 'zh', 'b', 0)").run();
    expect(() => db.prepare("UPDATE workspaces SET site = 'us1' WHERE id = 'w'").run()).toThrow(/site never changes/);
    expect(() => db.prepare("INSERT INTO billing_accounts (id, username, email, password_hash, created_at) VALUES ('c', 'BOB', 'c@x.io', 'h', 0)").run())
      .toThrow(/UNIQUE/);
    expect(() => db.prepare("INSERT INTO workspaces (id, name, site, language, billing_account_id, created_at) VALUES ('v', 'V', 'xx9', 'zh', 'b', 0)").run())
      .toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO workspaces (id, name, site, language, billing_account_id, created_at) VALUES ('v', 'V', 'cn1', 'zh', 'nobody', 0)").run())
      .toThrow(/FOREIGN KEY/);
  });
});
