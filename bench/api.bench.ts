// The API under load: GET /health (the stack's ceiling here), POST /activations (a real insert per
// request, on many distinct marketplace instances) and GET /activations/:id, each at 32
// connections for 5 s against the real server in a child process with a file database.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { signSpiParams } from '../api/marketplace/signature';

const CONNECTIONS = 32;
const DURATION_S = 5;
const INSTANCES = 2000;
const KEY = 'bench-spi-key-0123456789abcdef';

const freePort = () =>
  new Promise<number>((ok, fail) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? ok(a.port) : fail(new Error('no port'))));
    });
  });

async function waitFor(url: string, child: ChildProcess, ms = 30_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

/** Runs `fn` over `items` with at most `n` in flight. */
async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<void>) {
  let i = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (i < items.length) await fn(items[i++]!);
  }));
}

type Result = { title: string; rps: number; p50: number; p99: number; non2xx: number; errors: number; total: number };

function run(title: string, url: string, request: autocannon.Request, duration = DURATION_S): Promise<Result> {
  return new Promise((ok, fail) => {
    autocannon({ url, connections: CONNECTIONS, duration, requests: [request] }, (err, r) => {
      if (err) return fail(err);
      ok({ title, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors, total: r.requests.total });
    });
  });
}

export default async function bench() {
  const dir = mkdtempSync(join(tmpdir(), 'ga-bench-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const root = resolve(import.meta.dirname, '..');
  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server under this load.
  const extra = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...extra, '--import', 'tsx', 'api/server.ts'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'test', PORT: String(port), HOST: '127.0.0.1', DATABASE_PATH: join(dir, 'bench.db'), ALIYUN_SPI_KEY: KEY, SMTP_URL: '', TRUST_PROXY: '1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitFor(`${base}/api/v1/health`, child);

    // Instances as the marketplace would create them: signed SPI calls, distinct accounts.
    const instances = Array.from({ length: INSTANCES }, (_, i) => ({
      accountId: String(1000000000000000 + i * 7919),
      instanceId: String(700000000 + i),
    }));
    await pool(instances, 16, async ({ accountId, instanceId }) => {
      const q = signSpiParams({ action: 'createInstance', aliUid: accountId, orderBizId: instanceId, orderId: `9${instanceId}`, productCode: 'cmgj00053362', skuId: 'payg', trial: 'false' }, KEY);
      const r = await fetch(`${base}/marketplace/aliyun?${new URLSearchParams(q)}`);
      if (!r.ok) throw new Error(`createInstance ${r.status} ${await r.text()}`);
    });

    // Activations to read back.
    const started: { id: string; token: string }[] = [];
    // Each start as from its own client (X-Forwarded-For, believed under TRUST_PROXY=1): the limit of
    // starts per client address stays in force, at its default, and is not what this measures.
    const client = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    for (const [i, inst] of instances.slice(0, 200).entries()) {
      const r = await fetch(`${base}/api/v1/activations`, {
        method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': client(i) }, body: JSON.stringify({ ...inst, site: 'cn1' }),
      });
      const b = (await r.json()) as { activation: { id: string }; token: string };
      started.push({ id: b.activation.id, token: b.token });
    }

    const reads = started.map((a) => ({ path: `/api/v1/activations/${a.id}`, headers: { authorization: `Bearer ${a.token}` } }));
    await run('warm-up', base, { method: 'GET', path: '/api/v1/health' }, 1);
    const results: Result[] = [];
    results.push(await run('GET  /api/v1/health', base, { method: 'GET', path: '/api/v1/health' }));
    let n = 0;
    const sites = ['cn1', 'cn2', 'cn4', 'us1', 'eu1'];
    // Bodies made up front: the load generator shares the machine's two cores with the server.
    const bodies = instances.map((inst, i) => JSON.stringify({ ...inst, site: sites[i % sites.length] }));
    results.push(await run('POST /api/v1/activations', base, {
      method: 'POST',
      path: '/api/v1/activations',
      headers: { 'content-type': 'application/json' },
      setupRequest: (req) => ({ ...req, headers: { ...req.headers, 'x-forwarded-for': client(1000 + n) }, body: bodies[n++ % INSTANCES] }),
    }));
    let m = 0;
    results.push(await run('GET  /api/v1/activations/:id', base, {
      method: 'GET',
      setupRequest: (req) => {
        const a = reads[m++ % reads.length]!;
        return { ...req, path: a.path, headers: a.headers };
      },
    }));

    const health = results[0]!;
    console.log(`${CONNECTIONS} connections, ${DURATION_S} s each, server: tsx api/server.ts (child process, WAL file database, access log on)`);
    console.log('route                           req/s    p50 ms  p99 ms  rate/health  p99/health  requests  non-2xx  errors');
    for (const r of results) {
      console.log(
        `${r.title.padEnd(30)} ${r.rps.toFixed(0).padStart(7)} ${String(r.p50).padStart(8)} ${String(r.p99).padStart(7)} ` +
        `${(r.rps / health.rps).toFixed(2).padStart(11)} ${(health.p99 ? r.p99 / health.p99 : NaN).toFixed(2).padStart(11)} ` +
        `${String(r.total).padStart(9)} ${String(r.non2xx).padStart(8)} ${String(r.errors).padStart(7)}`,
      );
    }
    const start = results[1]!;
    const ok = start.rps / health.rps >= 0.4 && start.p99 < 20;
    console.log(`target (POST /activations ≥ 40% of health's rate, p99 < 20 ms): ${ok ? 'met' : 'NOT met'} ` +
      `(${((start.rps / health.rps) * 100).toFixed(0)}%, p99 ${start.p99} ms)`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    rmSync(dir, { recursive: true, force: true });
  }
}
