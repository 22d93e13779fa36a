// Crash safety: the API, under a stream of writes, is killed with SIGKILL (no shutdown, no
// checkpoint). After a restart the database is intact and holds every write that was answered 2xx.
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { signSpiParams } from '../api/marketplace/signature';
import { startApiServer, type ApiProcess } from './support/api-server';

const KEY = 'crash-test-spi-key-0123456789';
let procs: ApiProcess[] = [];
afterEach(async () => {
  await Promise.all(procs.map((p) => p.stop('SIGKILL')));
  procs = [];
});

describe('SIGKILL under writes', () => {
  it('loses no acknowledged write and leaves an intact database', async () => {
    // TRUST_PROXY=1: each simulated client names its own address, so the per-client limit on
    // activation starts applies per client (as behind a reverse proxy), not to the whole test.
    const env = { ALIYUN_SPI_KEY: KEY, TRUST_PROXY: '1' };
    const first = await startApiServer({ env });
    procs.push(first);
    const acknowledged: string[] = [];
    const acknowledgedActivations: string[] = [];
    let n = 0;
    let killed = false;

    // Eight clients in parallel: each creates an instance through the SPI, then starts an activation on it.
    const client = async (c: number) => {
      while (!killed) {
        const id = String(1_000_000 + c * 100_000 + n++);
        const account = `5${id.padStart(15, '0')}`;
        try {
          const q = new URLSearchParams(signSpiParams({
            action: 'createInstance', aliUid: account, orderBizId: id, orderId: id, productCode: 'cmgj00053362', skuId: 'payg', trial: 'false',
          }, KEY));
          const r = await fetch(`${first.url}/marketplace/aliyun?${q}`);
          if (r.ok && ((await r.json()) as { instanceId: string }).instanceId === id) acknowledged.push(id);
          else continue;
          const a = await fetch(`${first.url}/api/v1/activations`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': `10.9.${c}.${n % 250}` },
            body: JSON.stringify({ accountId: account, instanceId: id, site: 'cn1' }),
          });
          if (a.status === 201) acknowledgedActivations.push(((await a.json()) as { activation: { id: string } }).activation.id);
        } catch {
          // the connection died with the server: that write was never acknowledged
        }
      }
    };
    const clients = Array.from({ length: 8 }, (_, c) => client(c));
    // Killed once enough writes were answered (not after a fixed time: on a busy machine 1.5 s
    // may hold only a few dozen), while the clients keep writing.
    for (let waited = 0; waited < 20_000 && (acknowledged.length < 60 || acknowledgedActivations.length < 60); waited += 50) {
      await new Promise((r) => setTimeout(r, 50));
    }
    killed = true;
    await first.stop('SIGKILL');
    await Promise.all(clients);
    expect(acknowledged.length).toBeGreaterThan(50);
    expect(acknowledgedActivations.length).toBeGreaterThan(50);
    console.log(`crash: ${acknowledged.length} instances and ${acknowledgedActivations.length} activations acknowledged before SIGKILL`);

    // The WAL is still there, un-checkpointed: the restart must recover from it.
    const second = await startApiServer({ databasePath: first.databasePath, env });
    procs.push(second);
    const db = new Database(first.databasePath, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
    const stored = new Set(db.prepare('SELECT id FROM instances').pluck().all() as string[]);
    const missing = acknowledged.filter((id) => !stored.has(id));
    expect(missing).toEqual([]);
    const acts = new Set(db.prepare('SELECT id FROM activations').pluck().all() as string[]);
    expect(acknowledgedActivations.filter((id) => !acts.has(id))).toEqual([]);
    db.close();
    // And the restarted server answers with that data.
    const probe = acknowledged[acknowledged.length - 1]!;
    const r = await fetch(`${second.url}/marketplace/aliyun?${new URLSearchParams(signSpiParams({
      action: 'upgradeInstance', instanceId: probe, skuId: 'pro',
    }, KEY))}`);
    expect(r.status).toBe(200);
  });
});
