// Property: whatever arrives (bodies, query strings, headers, methods, on every route), the API
// never answers 500, every refusal has the one error shape ({error: {code, message, details?}}),
// and a refused request changes nothing.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTENSION_REDIRECT_URI } from '../app';
import { WEB_CALLBACK_PATH } from '../services/alibaba-sign-in';
import { CLIENT_ID, CLIENT_SECRET, startAlibabaProvider } from '../test-oidc-provider';
import { isApiErrorBody } from '../../shared/errors';
import { SPI_KEY, setup } from '../test-support';
import { arbitraries, LATEST_CODE, type GenRequest, type World } from './arbitraries';
import { domainSnapshot } from './snapshot';
import { addOperator, ConsoleClient } from '../operator/test-support';

const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);

// Sign in with Alibaba Cloud is configured against a real provider, so its routes reach past
// "not configured" (the authorization URL is built; made-up answers are refused).
const WEB_REDIRECT = `https://activator.test${WEB_CALLBACK_PATH}`;
let op: Awaited<ReturnType<typeof startAlibabaProvider>>;
beforeAll(async () => {
  op = await startAlibabaProvider([EXTENSION_REDIRECT_URI, WEB_REDIRECT]);
});
afterAll(() => op.close());

async function buildWorld() {
  const s = setup({ alibabaSignIn: { issuer: op.issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } });
  // An activated account, a second activation of the same cloud account waiting for a workspace,
  // a fresh one on another account, and one on an instance that has since expired.
  const { act: done } = await s.register('alice_01', 'alice@example.com');
  const waiting = await s.start(done.accountId, '5550001');
  const code = await s.codeFor(waiting, { purpose: 'bind-billing-account', username: 'alice_01' }, 'alice@example.com');
  const bound = await waiting.call('POST', '/billing-account', { username: 'alice_01', code });
  expect(bound.status).toBe(200);
  const fresh = await s.start('6543210987654321', '5550002');
  const old = await s.start('1111222233334444', '5550003');
  await s.spi({ action: 'expiredInstance', instanceId: '5550003' });
  const ws = s.db.prepare('SELECT id FROM workspaces').pluck().all() as string[];
  // A kept call, and a signed-in operator console browser (its cookies and tokens).
  await s.spi({ action: 'renewInstance', instanceId: '7770001', expiredOn: '2027-01-01 00:00:00' });
  await addOperator(s.db, s.clock.now());
  const console_ = new ConsoleClient(s.app);
  await console_.signIn();
  const cookie = console_.cookieHeader();
  const csrf = console_.csrf;
  const pre = new ConsoleClient(s.app);
  await pre.get('/operator/sign-in');
  const world: World = {
    spiKey: SPI_KEY,
    now: s.clock.now,
    accountIds: [done.accountId, '6543210987654321', '1111222233334444'],
    instanceIds: [done.instanceId, '5550002', '5550003', '5550001'], // the first three belong to accountIds[i]
    activations: [done, waiting, fresh, old].map((a) => ({ id: a.id, token: a.token })),
    usernames: ['alice_01'],
    emails: ['alice@example.com'],
    workspaceIds: ws,
    redirectUris: [EXTENSION_REDIRECT_URI, WEB_REDIRECT],
    operator: { origin: 'https://activator.test', cookie, csrf, preCookie: pre.cookieHeader(), preToken: pre.csrf },
    pendingIds: s.db.prepare('SELECT id FROM spi_pending').pluck().all().map(String),
    mailIds: s.db.prepare('SELECT id FROM outbox').pluck().all().map(String),
  };
  return { s, world };
}

describe('every route under generated input', () => {
  it(`never answers 500 and changes nothing when it refuses (${RUNS} requests)`, async () => {
    const { s, world } = await buildWorld();
    const { request } = arbitraries(world);
    const latestCode = () => {
      // The latest mail as its reader sees it (the outbox keeps a code apart from the text).
      const body = s.repos.outbox.list(undefined, 1)[0]?.body;
      return /\b(\d{6})\b/.exec(body ?? '')?.[1] ?? '000000';
    };
    const statuses = new Map<number, number>();

    await fc.assert(
      fc.asyncProperty(request, async (r: GenRequest) => {
        const body = r.body?.includes(LATEST_CODE) ? r.body.replaceAll(LATEST_CODE, latestCode()) : r.body;
        const before = domainSnapshot(s.db);
        const res = await s.app.request(r.path, { method: r.method, headers: r.headers, body });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status, `${r.method} ${r.path}`).toBeLessThan(500);
        const text = await res.text();
        if (res.status >= 400 && r.method !== 'HEAD') {
          if (/text\/html/.test(res.headers.get('Content-Type') ?? '')) {
            // Pages are for people: the landing page, free login's refusals to a browser, the operator console.
            const forBrowser = r.path.startsWith('/activate/') || r.path.startsWith('/operator/')
              || (r.path.startsWith('/marketplace/') && /text\/html/.test(r.headers.Accept ?? ''));
            expect(forBrowser, `${r.method} ${r.path} answered HTML`).toBe(true);
          } else {
            expect(isApiErrorBody(JSON.parse(text) as unknown), text).toBe(true);
          }
        }
        if (res.status >= 400) expect(domainSnapshot(s.db), `${r.method} ${r.path} → ${res.status}`).toBe(before);
        expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
      }),
      { numRuns: RUNS, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined },
    );
    // The generators must reach past validation: some requests succeed, and many kinds are refused.
    const ok = [...statuses].filter(([st]) => st < 400).reduce((n, [, c]) => n + c, 0);
    expect(ok).toBeGreaterThan(RUNS / 50);
    expect([...statuses.keys()].filter((st) => st >= 400).length).toBeGreaterThan(6);
    console.log(`fuzz statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`);
  }, 120_000);
});
