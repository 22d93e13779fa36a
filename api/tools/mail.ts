// `npm run mail -- <command>`: the operator's view of the outbox (DATABASE_PATH, as for the API).
//   failed            messages the worker gave up on, newest first
//   list [status]     the latest messages (pending, sent, failed, cancelled, expired)
//   retry <id>        puts a failed message back in the queue; the running API's worker sends it
// A message that carried a verification code is never sent late: its code was dropped, and the
// user asks for a new one.
import { openDatabase } from '../db/connection';
import { OutboxRepository, type OutboxMessage, type OutboxStatus } from '../db/repositories/outbox';

const STATUSES: OutboxStatus[] = ['pending', 'sent', 'failed', 'cancelled', 'expired'];
const USAGE = 'usage: npm run mail -- failed | list [pending|sent|failed|cancelled|expired] | retry <id>';

export function formatOutbox(rows: OutboxMessage[]): string {
  if (rows.length === 0) return '(none)';
  const at = (ms: number | null) => (ms === null ? '—' : new Date(ms).toISOString().slice(0, 19) + 'Z');
  const lines = rows.map((m) => [
    `#${m.id}`, m.status, `${m.attempts} attempt${m.attempts === 1 ? '' : 's'}`, m.recipient,
    m.status === 'sent' ? `sent ${at(m.sentAt)}` : m.status === 'pending' ? `next ${at(m.nextAttemptAt)}` : `created ${at(m.createdAt)}`,
    m.subject.slice(0, 60) + (m.lastError ? `  — ${m.lastError}` : ''),
  ]);
  const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...lines.map((l) => l[i]!.length)));
  return lines.map((l) => l.map((c, i) => (i < 5 ? c.padEnd(widths[i]!) : c)).join('  ')).join('\n');
}

/** Runs one command against `outbox`; returns what to print and the exit code. */
export function runMailCommand(outbox: OutboxRepository, argv: string[], now = Date.now()): { out: string; code: number } {
  const [command, arg] = argv;
  switch (command) {
    case 'failed':
      return { out: formatOutbox(outbox.list('failed')), code: 0 };
    case 'list': {
      if (arg !== undefined && !STATUSES.includes(arg as OutboxStatus)) return { out: USAGE, code: 2 };
      const counts = outbox.counts();
      return { out: `${STATUSES.map((s) => `${s} ${counts[s]}`).join(', ')}\n${formatOutbox(outbox.list(arg as OutboxStatus | undefined))}`, code: 0 };
    }
    case 'retry': {
      const id = Number(arg);
      if (!Number.isInteger(id) || id <= 0) return { out: USAGE, code: 2 };
      const m = outbox.get(id);
      if (!m) return { out: `no message #${id}`, code: 1 };
      if (m.secretGone) return { out: `#${id} carried a verification code, which is gone; the user asks for a new code`, code: 1 };
      if (!outbox.retry(id, now)) return { out: `#${id} is ${m.status}: only failed, cancelled or expired messages are retried`, code: 1 };
      return { out: `#${id} queued again; the running API sends it within seconds`, code: 0 };
    }
    default:
      return { out: USAGE, code: 2 };
  }
}

async function main(argv: string[]) {
  const { loadConfig } = await import('../config');
  const db = openDatabase(loadConfig(process.env).DATABASE_PATH);
  try {
    const r = runMailCommand(new OutboxRepository(db), argv);
    (r.code === 0 ? console.log : console.error)(r.out);
    process.exitCode = r.code;
  } finally {
    db.close();
  }
}

if (process.argv[1]?.endsWith('api/tools/mail.ts')) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(`mail failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
