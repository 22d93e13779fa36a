// The floor the API is measured against, in the same conditions (a child process, node --import
// tsx, @hono/node-server): bare Hono answering health, and bare Hono + @hono/zod-validator with the
// same body schema doing what starting an activation must do at least: a random token, its hash,
// one prepared insert into a WAL database. None of our layers (guards, request id, access log,
// rate limits, audit, sweeps). `node --import tsx bench/floor-server.ts <port> <database file>`
import { createHash, randomBytes } from 'node:crypto';
import { serve } from '@hono/node-server';
import { zValidator } from '@hono/zod-validator';
import Database from 'better-sqlite3';
import { Hono } from 'hono';
import { StartActivationBody } from '../shared/schemas';

const [port, file] = process.argv.slice(2);
const db = new Database(file!);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec(`CREATE TABLE IF NOT EXISTS activations (
  id TEXT PRIMARY KEY, token_hash TEXT NOT NULL, account_id TEXT NOT NULL, instance_id TEXT NOT NULL, site TEXT NOT NULL,
  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL) STRICT, WITHOUT ROWID`);
const insert = db.prepare('INSERT INTO activations VALUES (?, ?, ?, ?, ?, ?, ?)');

const app = new Hono()
  .get('/api/v1/health', (c) => c.json({ status: 'ok' }, 200))
  .post('/api/v1/activations', zValidator('json', StartActivationBody), (c) => {
    const body = c.req.valid('json');
    const token = randomBytes(32).toString('base64url');
    const id = `act_${randomBytes(16).toString('hex')}`;
    const now = Date.now();
    insert.run(id, createHash('sha256').update(token).digest('hex'), body.accountId, body.instanceId, body.site, now, now + 86_400_000);
    return c.json({ activation: { id, ...body, state: 'needs-billing-account' }, token }, 201);
  });

serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(port) });
process.on('SIGTERM', () => {
  db.close();
  process.exit(0);
});
