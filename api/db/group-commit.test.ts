import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { withGuards } from '../security/http';
import { MANY_BUYERS, randomDigits, setup } from '../test-support';
import { openDatabase } from './connection';
import { GroupCommit } from './group-commit';
import { createRepositories } from './repositories';

const fileDb = () => openDatabase(join(mkdtempSync(join(tmpdir(), 'group-commit-')), 'api.db'));

describe('group commit', () => {
  it('the starts of one turn share one commit; a refusal among them rolls back only its own writes', async () => {
    const db = fileDb();
    const s = setup({ db, groupCommit: true, rateLimits: MANY_BUYERS });
    const accounts = Array.from({ length: 12 }, () => randomDigits(16));
    for (const [i, a] of accounts.entries()) await s.createInstance(a, String(5000 + i));
    const before = s.group!.commits;
    const answers = await Promise.all([
      ...accounts.map((a, i) => s.call('POST', '/activations', { accountId: a, instanceId: String(5000 + i), site: 'cn1' })),
      s.call('POST', '/activations', { accountId: accounts[0], instanceId: '999999', site: 'cn1' }),
    ]);
    expect(answers.slice(0, 12).map((r) => r.status)).toEqual(Array(12).fill(201));
    expect(answers[12]!.status).toBe(404);
    // Fewer commits than writes (app.request runs them in a few turns here), and everything is on disk.
    expect(s.group!.commits - before).toBeLessThan(12);
    expect(db.inTransaction).toBe(false);
    const again = openDatabase(db.name);
    expect(again.prepare('SELECT count(*) FROM activations').pluck().get()).toBe(12);
    again.close();
  });

  it('a batch whose commit fails answers 503 to every request in it, and keeps none of their writes', async () => {
    const db = fileDb();
    db.exec('CREATE TABLE parent (id INTEGER PRIMARY KEY); CREATE TABLE child (id INTEGER PRIMARY KEY, p INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)');
    const group = new GroupCommit(db);
    const repos = createRepositories(db, group);
    const app = new Hono()
      .post('/good', (c) => c.json({ id: repos.tx(() => Number(db.prepare('INSERT INTO parent DEFAULT VALUES').run().lastInsertRowid)) }, 201))
      // A deferred foreign key: the statement passes, the COMMIT of its batch fails.
      .post('/bad', (c) => c.json({ id: repos.tx(() => Number(db.prepare('INSERT INTO child (p) VALUES (42)').run().lastInsertRowid)) }, 201))
      .get('/read', (c) => c.json({ parents: db.prepare('SELECT count(*) FROM parent').pluck().get() }, 200));
    withGuards(app, { allowedOrigins: [], durable: group });
    const [good, bad] = await Promise.all([app.request('/good', { method: 'POST' }), app.request('/bad', { method: 'POST' })]);
    expect([good.status, bad.status]).toEqual([503, 503]);
    expect(await good.json()).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE' } });
    expect(db.prepare('SELECT count(*) FROM parent').pluck().get()).toBe(0);
    // The next batch is on its own again.
    const next = await app.request('/good', { method: 'POST' });
    expect(next.status).toBe(201);
    expect(await (await app.request('/read')).json()).toEqual({ parents: 1 });
  });

  it('no mail leaves before the commit that wrote it', async () => {
    const db = fileDb();
    const group = new GroupCommit(db);
    const repos = createRepositories(db, group);
    const order: string[] = [];
    repos.tx(() => void order.push('written'));
    const mailGo = group.committed().then(() => order.push('mail may go'));
    expect(db.inTransaction).toBe(true);
    await mailGo;
    expect(order).toEqual(['written', 'mail may go']);
    expect(db.inTransaction).toBe(false);
    group.commitNow(); // nothing open: nothing to do
  });
});
