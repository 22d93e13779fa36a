// What a refused request must leave untouched: every table that holds the product's state. Left
// out on purpose: the logs and counters a refusal is meant to write (spi_calls, pending marketplace
// calls, rate-limit counters, the outbox, the count of bad SPI signatures, the operators' action
// log, which records refused attempts too) and a code's wrong-try count, a session's last-seen time.
import type { Db } from '../db/connection';

const EXCLUDED = new Set(['spi_calls', 'spi_pending', 'rate_limit_hits', 'rate_limit_failures', 'outbox',
  'spi_signature_failures', 'operator_actions']);
const EXCLUDED_COLUMNS: Record<string, string> = { verification_codes: 'failed_tries', operator_codes: 'failed_tries', operator_sessions: 'last_seen_at' };

export function domainSnapshot(db: Db): string {
  const tables = db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[];
  const parts: string[] = [];
  for (const t of tables) {
    if (EXCLUDED.has(t)) continue;
    const cols = (db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(t) as string[]).filter(
      (c) => EXCLUDED_COLUMNS[t] !== c,
    );
    const rows = db.prepare(`SELECT ${cols.map((c) => `"${c}"`).join(', ')} FROM "${t}" ORDER BY 1, 2`).raw().all();
    parts.push(`${t}:${JSON.stringify(rows)}`);
  }
  return parts.join('\n');
}
