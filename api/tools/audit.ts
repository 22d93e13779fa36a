// `npm run audit -- --account <id>`: one account's history from the audit table, oldest first.
// <id> is an Alibaba Cloud account ID (16 digits), a Billing Center account id (ba_…) or a Billing
// Center username. `--json` prints one JSON object per line instead of a table.
import { openDatabase } from '../db/connection';
import { AuditRepository, type AuditRow } from '../db/repositories/audit';

export function formatAudit(rows: AuditRow[]): string {
  if (rows.length === 0) return '(no recorded changes)';
  const lines = rows.map((r) => [
    new Date(r.at).toISOString(),
    `${r.entity} ${r.entityId}`,
    r.field,
    `${r.oldValue ?? '—'} → ${r.newValue ?? '—'}`,
    r.requestId ? `request ${r.requestId}` : 'no request',
  ]);
  const widths = [0, 1, 2].map((i) => Math.max(...lines.map((l) => l[i]!.length)));
  return lines.map((l) => l.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c)).join('  ')).join('\n');
}

async function main(argv: string[]) {
  const i = argv.indexOf('--account');
  const account = i >= 0 ? argv[i + 1] : undefined;
  if (!account || account.startsWith('-')) {
    console.error('usage: npm run audit -- --account <16-digit cloud account ID | Billing Center username or id> [--json]');
    process.exit(2);
  }
  const { loadConfig } = await import('../config');
  const path = loadConfig(process.env).DATABASE_PATH;
  const db = openDatabase(path);
  try {
    const rows = new AuditRepository(db).of(account);
    if (argv.includes('--json')) for (const r of rows) console.log(JSON.stringify(r));
    else {
      console.log(`history of ${account} (${rows.length} change${rows.length === 1 ? '' : 's'}, database ${path})`);
      console.log(formatAudit(rows));
    }
  } finally {
    db.close();
  }
}

if (process.argv[1]?.endsWith('api/tools/audit.ts')) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(`audit failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
