// The operator console on a large database: 100,000 instances, 1,000,000 SPI calls, 200,000
// activations over 90 days, 20,000 links with their audit trail, 100,000 messages. Each page is
// requested through the app (in process: the time is the console's, not the network's), first
// pages and deep keyset pages, filtered and not: the first (cold: statements prepared, pages not
// in SQLite's cache, the funnel's closed days not counted yet) apart, then median and p95 of 30
// more, against the target of 100 ms per page.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApi } from '../api/app';
import { withAuditContext } from '../api/db/audit-context';
import { openDatabase } from '../api/db/connection';
import { addOperator, ConsoleClient } from '../api/operator/test-support';

const INSTANCES = 100_000;
const CALLS = 1_000_000;
const ACTIVATIONS = 200_000;
const LINKS = 20_000;
const MAILS = 100_000;
const RUNS = 30;
const TARGET_MS = 100;
const DAY = 86_400_000;

const accountOf = (i: number) => String(1_000_000_000_000_000 + i);
const instanceOf = (i: number) => String(10_000_000 + i);

function seed(path: string, now: number) {
  const db = openDatabase(path);
  const t0 = performance.now();
  const ctx = { requestId: 'bench-seed', now: () => now };
  withAuditContext(ctx, () => db.transaction(() => {
    const ins = db.prepare(`INSERT INTO instances (id, account_id, product_code, sku_id, status, expired_on, frozen_at, freeze_ends_at, created_at, updated_at)
      VALUES (?, ?, 'cmgj00053362', ?, ?, '2027-01-01 00:00:00', ?, ?, ?, ?)`);
    for (let i = 0; i < INSTANCES; i++) {
      const status = i % 50 === 0 ? 'expired' : i % 97 === 0 ? 'released' : 'active';
      const at = now - (i % 365) * DAY;
      ins.run(instanceOf(i), accountOf(i), i % 3 ? 'payg' : 'pro', status, status === 'expired' ? now - DAY : null,
        status === 'expired' ? now + 13 * DAY : null, at, at);
    }
    const call = db.prepare('INSERT INTO spi_calls (action, instance_id, params, received_at, outcome, http_status) VALUES (?, ?, ?, ?, ?, ?)');
    const actions = ['createInstance', 'renewInstance', 'upgradeInstance', 'expiredInstance', 'releaseInstance', 'verify'];
    for (let i = 0; i < CALLS; i++) {
      const failed = i % 100 === 0;
      const inst = instanceOf(i % INSTANCES);
      call.run(actions[i % actions.length], inst, `{"instanceId":"${inst}"}`, now - (CALLS - i) * 1000,
        failed ? 'INSTANCE_NOT_FOUND' : 'ok', failed ? 404 : 200);
    }
    const ba = db.prepare("INSERT INTO billing_accounts (id, username, email, password_hash, created_at) VALUES (?, ?, ?, 'x', ?)");
    for (let i = 0; i < LINKS; i++) ba.run(`ba_${i}`, `user_${i}`, `user${i}@example.com`, now);
    const act = db.prepare(`INSERT INTO activations (id, token_hash, account_id, instance_id, site, state, billing_account_id, created_at, updated_at, expires_at)
      VALUES (?, ?, ?, ?, 'cn1', 'needs-billing-account', NULL, ?, ?, ?)`);
    for (let i = 0; i < ACTIVATIONS; i++) {
      const at = now - (i % 90) * DAY - (i % 1000) * 1000;
      act.run(`act_${i}`, 'f'.repeat(64), accountOf(i % INSTANCES), instanceOf(i % INSTANCES), at, at, at + DAY);
    }
    // Code mails as the outbox keeps them once sent: the code itself dropped.
    const mail = db.prepare(`INSERT INTO outbox (recipient, subject, body, secret_expires_at, status, attempts, created_at, sent_at)
      VALUES (?, 'Your code', 'Your code is {{secret}}', ?, 'sent', 1, ?, ?)`);
    for (let i = 0; i < MAILS; i++) mail.run(`user${i % LINKS}@example.com`, now - i * 1000 + 600_000, now - i * 1000, now - i * 1000);
  })());
  // Links as the activation steps make them: link and activation step in one request (one audit id each).
  const link = db.prepare('INSERT INTO cloud_account_links (account_id, billing_account_id, linked_at, proof) VALUES (?, ?, ?, ?)');
  const step = db.prepare("UPDATE activations SET state = ?, billing_account_id = ?, verified = ? WHERE id = ?");
  db.transaction(() => {
    for (let i = 0; i < LINKS; i++) {
      withAuditContext({ requestId: `seed-link-${i}`, now: () => now }, () => {
        link.run(accountOf(i), `ba_${i}`, now, i % 3 === 0 ? 'marketplace' : null);
        step.run(i % 2 ? 'needs-workspace' : 'needs-workspace', `ba_${i}`, i % 3 === 0 ? 1 : 0, `act_${i}`);
      });
    }
  })();
  db.pragma('optimize');
  console.log(`seeded ${INSTANCES} instances, ${CALLS} SPI calls, ${ACTIVATIONS} activations, ${LINKS} links, ${MAILS} messages in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return db;
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

export default async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'operator-bench-'));
  try {
    const now = Date.parse('2026-06-01T12:00:00Z');
    const db = seed(join(dir, 'bench.sqlite'), now);
    const { app } = createApi({ db, spiKey: 'bench-spi-key-0123456789', publicUrl: 'https://activator.test', now: () => now, log: () => {} });
    await addOperator(db, now);
    const client = new ConsoleClient(app);
    await client.signIn();

    // Deep pages: the cursor half-way down each list.
    const midCall = CALLS / 2;
    const pages: Array<[string, string]> = [
      ['instances, first page', '/operator/instances'],
      ['instances, deep page', `/operator/instances?after=${instanceOf(INSTANCES / 2)}`],
      ['instances, expired', '/operator/instances?status=expired'],
      ['instances, by account', `/operator/instances?account=${accountOf(4242)}`],
      ['instances, by SKU (no index)', '/operator/instances?sku=pro'],
      ['instance detail', `/operator/instances/${instanceOf(50)}`],
      ['activations funnel, 30 days', '/operator/activations?days=30'],
      ['activations funnel, 90 days', '/operator/activations?days=90'],
      ['SPI calls, first page', '/operator/calls'],
      ['SPI calls, deep page', `/operator/calls?after=${midCall}`],
      ['SPI calls, failures only', '/operator/calls?failed=1'],
      ['SPI calls, failures, deep', `/operator/calls?failed=1&after=${midCall}`],
      ['SPI calls, by action', '/operator/calls?action=renewInstance'],
      ['SPI calls, by outcome', '/operator/calls?outcome=INSTANCE_NOT_FOUND'],
      ['SPI calls, by instance', `/operator/calls?instance=${instanceOf(7)}`],
      ['pending calls', '/operator/pending'],
      ['mail, first page', '/operator/mail'],
      ['mail, deep page', `/operator/mail?after=${MAILS / 2}`],
      ['mail, by recipient', '/operator/mail?recipient=user7%40example.com'],
      ['audit, first page', '/operator/audit'],
      ['audit, by account', `/operator/audit?account=${accountOf(7)}`],
      ['audit, by request id', '/operator/audit?request=seed-link-7'],
      ['operator actions', '/operator/actions'],
      ['links, first page', '/operator/links'],
      ['links, deep page', `/operator/links?after=${accountOf(LINKS / 2)}`],
      ['links, by Billing Center user', '/operator/links?billing=user_7'],
    ];
    let worst = 0;
    console.log(`${'page'.padEnd(34)} ${'cold ms'.padStart(8)} ${'median ms'.padStart(10)} ${'p95 ms'.padStart(8)}  rows`);
    for (const [title, path] of pages) {
      const c0 = performance.now();
      await client.get(path);
      const cold = performance.now() - c0;
      const times: number[] = [];
      let rows = 0;
      for (let i = 0; i < RUNS; i++) {
        const t = performance.now();
        const r = await client.get(path);
        times.push(performance.now() - t);
        if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
        rows = (r.text.match(/<tr>|<tr class/g) ?? []).length - 1;
      }
      const p95 = pct(times, 0.95);
      worst = Math.max(worst, p95);
      console.log(`${title.padEnd(34)} ${cold.toFixed(1).padStart(8)} ${pct(times, 0.5).toFixed(1).padStart(10)} ${p95.toFixed(1).padStart(8)}  ${rows}${p95 > TARGET_MS ? '  OVER TARGET' : ''}`);
    }
    console.log(`slowest page p95 ${worst.toFixed(1)} ms (target < ${TARGET_MS} ms per page)`);
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
