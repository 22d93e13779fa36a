import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/connection';
import { verifyPassword } from '../lib/crypto';
import { runOperatorsCli } from './cli';
import { OperatorRepository } from './repositories/operators';

function io(stdin = '') {
  const out: string[] = [];
  return { out, io: { out: (l: string) => out.push(l), readStdin: async () => stdin, now: () => 1_000, actor: 'cli:tester' } };
}

describe('npm run operators', () => {
  it('adds with a password from stdin, lists, clears the password, removes; each step recorded', async () => {
    const db = openDatabase(':memory:');
    const a = io('a long enough secret\n');
    expect(await runOperatorsCli(db, ['add', 'Ops@Vendor.test', '--password-stdin'], a.io)).toBe(0);
    const op = new OperatorRepository(db).byEmail('ops@vendor.test')!;
    expect(await verifyPassword('a long enough secret', op.passwordHash!)).toBe(true);
    const l = io();
    await runOperatorsCli(db, ['list'], l.io);
    expect(l.out).toEqual(['ops@vendor.test  cli  password+code']);
    await runOperatorsCli(db, ['password', 'ops@vendor.test', '--clear'], io().io);
    expect(new OperatorRepository(db).byEmail('ops@vendor.test')!.passwordHash).toBeNull();
    await runOperatorsCli(db, ['remove', 'ops@vendor.test'], io().io);
    expect(new OperatorRepository(db).byEmail('ops@vendor.test')!.disabledAt).toBe(1_000);
    expect(db.prepare('SELECT actor, action FROM operator_actions ORDER BY id').all()).toEqual([
      { actor: 'cli:tester', action: 'operator-add' }, { actor: 'cli:tester', action: 'operator-password-clear' },
      { actor: 'cli:tester', action: 'operator-remove' },
    ]);
  });

  it('refuses a short password, a bad address and an unknown command with exit code 2', async () => {
    const db = openDatabase(':memory:');
    const short = io('short\n');
    expect(await runOperatorsCli(db, ['add', 'ops@vendor.test', '--password-stdin'], short.io)).toBe(2);
    expect(short.out[0]).toMatch(/at least 12/);
    expect(await runOperatorsCli(db, ['add', 'not-an-email'], io().io)).toBe(2);
    expect(await runOperatorsCli(db, ['frobnicate'], io().io)).toBe(2);
    expect(await runOperatorsCli(db, ['remove', 'nobody@vendor.test'], io().io)).toBe(2);
    expect(new OperatorRepository(db).list()).toEqual([]);
  });
});
