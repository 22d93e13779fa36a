// `npm run operators -- <command>`: who may sign in to the operator console (/operator).
//   add <email> [--password-stdin]   add (or re-enable) an operator; with a password read from stdin
//   password <email> [--clear]       set the password from stdin, or remove it (emailed codes only)
//   remove <email>                   disable the operator and end their sessions
//   list                             every operator, where it comes from, and whether it has a password
// Operators listed in OPERATOR_EMAILS are added at every start of the API; those added here stay.
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { openDatabase, type Db } from '../db/connection';
import { OperatorActionRepository } from '../db/repositories/operator-actions';
import { hashPassword } from '../lib/crypto';
import { OperatorRepository } from './repositories/operators';

export const MIN_PASSWORD = 12;

const USAGE = `usage: npm run operators -- add <email> [--password-stdin] | password <email> [--clear] | remove <email> | list`;

export interface CliIo {
  out: (line: string) => void;
  readStdin: () => Promise<string>;
  now: () => number;
  actor: string;
}

export class CliError extends Error {}

const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;

async function readPassword(io: CliIo): Promise<string> {
  const pw = (await io.readStdin()).replace(/\r?\n$/, '');
  if (pw.length < MIN_PASSWORD) throw new CliError(`the password must be at least ${MIN_PASSWORD} characters`);
  if (pw.length > 200) throw new CliError('the password must be at most 200 characters');
  return pw;
}

/** Runs one command against `db`; returns the exit code. */
export async function runOperatorsCli(db: Db, argv: string[], io: CliIo): Promise<number> {
  const ops = new OperatorRepository(db);
  const log = new OperatorActionRepository(db);
  const requestId = `cli-${randomUUID()}`;
  const record = (action: string, target: string) =>
    log.log({ at: io.now(), actor: io.actor, action, target, reason: null, outcome: 'ok', requestId });
  const [command, rawEmail] = argv;
  const email = rawEmail?.trim().toLowerCase();
  const needEmail = () => {
    if (!email || !EMAIL.test(email) || email.length > 254) throw new CliError(`${USAGE}\n(an email address is needed)`);
    return email;
  };
  try {
    switch (command) {
      case 'add': {
        const e = needEmail();
        const hash = argv.includes('--password-stdin') ? await hashPassword(await readPassword(io)) : null;
        ops.upsert(e, 'cli', io.now(), hash);
        record('operator-add', e);
        io.out(`${e} may sign in to /operator ${hash ? 'with the password or an emailed code' : 'with an emailed code'}`);
        return 0;
      }
      case 'password': {
        const e = needEmail();
        const op = ops.byEmail(e);
        if (!op) throw new CliError(`${e} is not an operator`);
        const hash = argv.includes('--clear') ? null : await hashPassword(await readPassword(io));
        ops.setPassword(op.id, hash);
        record(hash ? 'operator-password' : 'operator-password-clear', e);
        io.out(hash ? `password set for ${e}` : `${e} signs in with emailed codes only`);
        return 0;
      }
      case 'remove': {
        const e = needEmail();
        const op = ops.byEmail(e);
        if (!op) throw new CliError(`${e} is not an operator`);
        ops.disable(op.id, io.now());
        record('operator-remove', e);
        io.out(`${e} can no longer sign in; their sessions have ended` +
          (op.source === 'env' ? ' (also remove it from OPERATOR_EMAILS, or the next start adds it again)' : ''));
        return 0;
      }
      case 'list': {
        const list = ops.list();
        if (list.length === 0) io.out('(no operators: set OPERATOR_EMAILS or run `npm run operators -- add <email>`)');
        for (const o of list) {
          io.out(`${o.email}  ${o.source === 'env' ? 'OPERATOR_EMAILS' : 'cli'}  ${o.passwordHash ? 'password+code' : 'code only'}` +
            `${o.disabledAt !== null ? '  disabled' : ''}`);
        }
        return 0;
      }
      default:
        throw new CliError(USAGE);
    }
  } catch (e) {
    if (e instanceof CliError) {
      io.out(e.message);
      return 2;
    }
    throw e;
  }
}

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

if (process.argv[1]?.endsWith('api/operator/cli.ts')) {
  const { loadConfig } = await import('../config');
  const db = openDatabase(loadConfig(process.env).DATABASE_PATH);
  try {
    process.exitCode = await runOperatorsCli(db, process.argv.slice(2), {
      out: (l) => console.log(l), readStdin: readAllStdin, now: Date.now, actor: `cli:${userInfo().username}`,
    });
  } finally {
    db.close();
  }
}
