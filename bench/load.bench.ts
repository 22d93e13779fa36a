// Mixed load on a real API process: activation starts, verification-code sends, workspace
// bindings and marketplace SPI calls, 64 connections for 30 seconds (LOAD_SECONDS to change).
// Prints throughput, latency, the answers by kind, errors (anything that is neither 2xx nor a
// rate-limit 429) and the server's peak memory.
//
// Data the workload consumes (activations waiting for a workspace, unsettled workspaces, active
// instances) is written into the database before the server starts, so the measured part is only
// the workload. The server runs with TRUST_PROXY=1 and each simulated client sends its own
// X-Forwarded-For address, as browsers behind a reverse proxy would: the per-client limit on
// activation starts applies per simulated client. No limit is raised for the bench.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { openDatabase } from '../api/db/connection';
import { createRepositories } from '../api/db/repositories';
import { newId, newToken, sha256 } from '../api/lib/crypto';
import { signSpiParams } from '../api/marketplace/signature';
import { startApiServer } from '../test/support/api-server';

const SECONDS = Number(process.env.LOAD_SECONDS ?? 30);
const CONNECTIONS = 64;
const KEY = 'bench-spi-key-0123456789abcdef';
// Half the pool is bound during the run, half receives code sends: enough for ~4,000 req/s for 30 s.
const POOL = 120_000;
const HALF = POOL / 2;

type Kind = 'start' | 'code' | 'binding' | 'spi';

function seed(file: string) {
  const db = openDatabase(file);
  const r = createRepositories(db);
  const now = Date.now();
  const account = '8000000000000001';
  const bindings: Array<{ id: string; token: string; workspaceId: string }> = [];
  const instances: Array<{ accountId: string; instanceId: string }> = [];
  r.tx(() => {
    r.instances.insert({ id: '900000000', accountId: account, orderId: null, productCode: 'cmgj00053362', skuId: 'payg', trial: false, template: null, expiredOn: null }, now);
    const billing = { id: newId('ba'), username: 'bench_owner', email: 'owner@bench.test', passwordHash: 'x', phone: null, companyName: 'Bench', contactName: 'B', industry: null };
    r.accounts.insertBilling(billing, now);
    r.accounts.insertGuance({ id: 'ga_bench', username: 'bench_owner', email: 'owner@bench.test', passwordHash: 'x', phone: null }, now);
    r.accounts.insertLink(account, billing.id, now);
    for (let i = 0; i < POOL; i++) {
      // An activation of its own purchase (its own cloud account and instance: a purchase that is
      // activated refuses every other activation of it) that bound the Billing Center account and
      // waits for a workspace, and a workspace of that account no cloud account pays for yet.
      const token = newToken();
      const id = newId('act');
      const cloud = `83${String(i).padStart(14, '0')}`;
      const instanceId = String(930_000_000 + i);
      r.instances.insert({ id: instanceId, accountId: cloud, orderId: null, productCode: 'cmgj00053362', skuId: 'payg', trial: false, template: null, expiredOn: null }, now);
      r.accounts.insertLink(cloud, billing.id, now);
      r.activations.insert({ id, tokenHash: sha256(token), accountId: cloud, instanceId, site: 'cn1', expiresAt: now + 86_400_000 }, now);
      r.activations.advance(id, 'needs-billing-account', 'needs-workspace', { billingAccountId: billing.id }, now);
      const ws = { id: newId('ws'), name: `bench ${i}`, site: 'cn1' as const, language: 'en' as const, billingAccountId: billing.id };
      r.workspaces.insert(ws, 'ga_bench', now);
      bindings.push({ id, token, workspaceId: ws.id });
    }
    for (let i = 0; i < 2000; i++) {
      const accountId = `81${String(i).padStart(14, '0')}`;
      const instanceId = String(910_000_000 + i);
      r.instances.insert({ id: instanceId, accountId, orderId: null, productCode: 'cmgj00053362', skuId: 'payg', trial: false, template: null, expiredOn: null }, now);
      instances.push({ accountId, instanceId });
    }
  });
  db.close();
  return { bindings, instances };
}

export default async function load(): Promise<void> {
  const file = join(mkdtempSync(join(tmpdir(), 'load-bench-')), 'api.sqlite');
  const seeded = seed(file);
  const server = await startApiServer({ databasePath: file, env: { ALIYUN_SPI_KEY: KEY, TRUST_PROXY: '1', NODE_ENV: 'test', REQUIRE_VERIFIED_LINK: 'false' } });
  const statuses: Record<Kind, Record<number, number>> = { start: {}, code: {}, binding: {}, spi: {} };
  let nextBinding = 0;
  let nextCodeAct = 0;
  let nextOrder = 0;
  const ip = () => `10.${(Math.random() * 255) | 0}.${(Math.random() * 255) | 0}.${(Math.random() * 254 + 1) | 0}`;
  const kinds: Kind[] = ['start', 'code', 'binding', 'spi'];
  let turn = 0;

  const make = (req: Record<string, unknown>, context: Record<string, unknown>) => {
    const kind = kinds[turn++ % kinds.length]!;
    context.kind = kind;
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-forwarded-for': ip() };
    if (kind === 'start') {
      const inst = seeded.instances[(Math.random() * seeded.instances.length) | 0]!;
      return { ...req, method: 'POST', path: '/api/v1/activations', headers, body: JSON.stringify({ ...inst, site: 'cn1' }) };
    }
    if (kind === 'code') {
      const a = seeded.bindings[seeded.bindings.length - 1 - (nextCodeAct++ % HALF)]!;
      return {
        ...req, method: 'POST', path: `/api/v1/activations/${a.id}/verification-codes`,
        headers: { ...headers, authorization: `Bearer ${a.token}` },
        body: JSON.stringify({ purpose: 'guance-account', email: `user${nextCodeAct}@bench.test` }),
      };
    }
    if (kind === 'binding') {
      const b = seeded.bindings[nextBinding++ % HALF]!;
      return {
        ...req, method: 'POST', path: `/api/v1/activations/${b.id}/workspace-bindings`,
        headers: { ...headers, authorization: `Bearer ${b.token}` }, body: JSON.stringify({ workspaceId: b.workspaceId }),
      };
    }
    const n = nextOrder++;
    const params: Record<string, string> = n % 3 === 2
      ? { action: 'upgradeInstance', instanceId: String(910_000_000 + (n % 2000)), skuId: `sku${n % 5}` }
      : { action: 'createInstance', aliUid: `82${String(n).padStart(14, '0')}`, orderBizId: String(920_000_000 + n), orderId: String(n), productCode: 'cmgj00053362', skuId: 'payg', trial: 'false' };
    return { ...req, method: 'GET', path: `/marketplace/aliyun?${new URLSearchParams(signSpiParams(params, KEY))}`, headers: { 'x-forwarded-for': headers['x-forwarded-for']! }, body: undefined };
  };

  const result = await autocannon({
    url: server.url,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [{
      setupRequest: make as never,
      onResponse: ((status: number, _body: string, context: Record<string, unknown>) => {
        const k = context.kind as Kind;
        statuses[k][status] = (statuses[k][status] ?? 0) + 1;
      }) as never,
    }],
  });
  const peakKb = server.peakRssKb();
  await server.stop('SIGTERM');

  let rateLimited = 0;
  let errors = result.errors + result.timeouts;
  for (const k of kinds) for (const [st, n] of Object.entries(statuses[k])) {
    if (Number(st) === 429) rateLimited += n;
    else if (Number(st) >= 300) errors += n;
  }
  if (nextBinding > HALF) console.log(`warning: the binding pool ran out (${nextBinding} bindings asked for ${HALF} prepared)`);
  console.log(`mixed load, ${CONNECTIONS} connections, ${SECONDS} s: ${result.requests.total} requests, ${result.requests.average.toFixed(0)} req/s`);
  console.log(`latency: p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`);
  for (const k of kinds) console.log(`  ${k.padEnd(8)} ${JSON.stringify(statuses[k])}`);
  console.log(`rate-limited (429): ${rateLimited}; errors (not 2xx, not 429, or transport): ${errors}`);
  console.log(`server peak memory (VmHWM): ${peakKb === undefined ? 'n/a' : `${(peakKb / 1024).toFixed(1)} MiB`}`);
  if (errors > 0) process.exitCode = 1;
}
