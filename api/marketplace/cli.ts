// Sandbox for people without a marketplace: sends the SPI calls the Alibaba Cloud Marketplace would
// send, signed the same way. `npm run marketplace -- help` lists the commands.
import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { GUANCE_PRODUCT_CODE } from '../../shared/sites';
import { ConfigError, findSpiKey, loadConfig, spiKeyFile, type Config } from '../config';
import { openDatabase } from '../db/connection';
import { seedDemo, type DemoSeed } from './demo';
import { signSpiParams } from './signature';

const USAGE = `usage: npm run marketplace -- <command> [options]

commands (each signs and sends one SPI call, as the marketplace would):
  create-instance   --account <16 digits> [--instance <digits>] [--sku <id>] [--expires "yyyy-MM-dd HH:mm:ss"] [--trial]
  renew-instance    --instance <digits> [--expires "yyyy-MM-dd HH:mm:ss"]   (default: one year from now)
  upgrade-instance  --instance <digits> --sku <id>
  expired-instance  --instance <digits>
  release-instance  --instance <digits> [--refund]
  verify            --instance <digits> [--send]
                    prints the free-login URL the "Login Directly" button opens: open it in the browser
                    with the extension (it works once, within 5 minutes). --send calls it here instead
                    and prints where it redirects.
  demo              [--email <address>]
                    sets up, in the server's database, a Billing Center account with a workspace that
                    an earlier (now released) purchase paid for, and a new purchase of the same cloud
                    account: prints the IDs and the account to bind it to. --email: a mailbox of yours
                    (the codes of the binding go there; by default they are printed by the server).

common options:
  --url <api>       where the API is (default: PUBLIC_URL, else http://127.0.0.1:8787)
  --key <secret>    the SPI key (default: ALIYUN_SPI_KEY, else the development key the server keeps
                    next to its database: run this with the server's DATABASE_PATH)
  --param k=v       an extra parameter, signed like the others (repeatable)`;

const ACTIONS: Record<string, string> = {
  'create-instance': 'createInstance',
  'renew-instance': 'renewInstance',
  'upgrade-instance': 'upgradeInstance',
  'expired-instance': 'expiredInstance',
  'release-instance': 'releaseInstance',
  verify: 'verify',
};

/** `yyyy-MM-dd HH:mm:ss` in Beijing time, as the marketplace writes dates. */
export function marketplaceTime(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

/** The query of one call, before signing. */
export function buildParams(command: string, o: {
  account?: string; instance?: string; sku?: string; expires?: string; trial?: boolean; refund?: boolean; param?: string[];
}, now = Date.now()): Record<string, string> {
  const action = ACTIONS[command];
  if (!action) fail(`unknown command ${JSON.stringify(command)}`);
  const p: Record<string, string> = { action };
  const instance = () => {
    if (!o.instance || !/^\d{1,20}$/.test(o.instance)) fail('--instance <1 to 20 digits> is required');
    return o.instance;
  };
  switch (action) {
    case 'createInstance': {
      if (!o.account || !/^\d{16}$/.test(o.account)) fail('--account <16 digits> is required');
      const id = o.instance ?? String(randomInt(1_000_000_000, 9_999_999_999));
      if (!/^\d{1,20}$/.test(id)) fail('--instance must be 1 to 20 digits');
      Object.assign(p, {
        aliUid: o.account, orderBizId: id, orderId: String(randomInt(100_000_000, 999_999_999)) + String(randomInt(100000, 999999)),
        productCode: GUANCE_PRODUCT_CODE, skuId: o.sku ?? 'cmgj00053362-payg', trial: o.trial ? 'true' : 'false',
      });
      if (o.expires) p.expiredOn = o.expires;
      break;
    }
    case 'renewInstance':
      Object.assign(p, { instanceId: instance(), orderId: String(randomInt(100_000_000, 999_999_999)),
        expiredOn: o.expires ?? marketplaceTime(now + 365 * 86400_000) });
      break;
    case 'upgradeInstance':
      if (!o.sku) fail('--sku <id> is required');
      Object.assign(p, { instanceId: instance(), skuId: o.sku, orderId: String(randomInt(100_000_000, 999_999_999)) });
      break;
    case 'expiredInstance':
      p.instanceId = instance();
      break;
    case 'releaseInstance':
      Object.assign(p, { instanceId: instance(), isRefund: o.refund ? 'true' : 'false' });
      break;
    case 'verify':
      Object.assign(p, { instanceId: instance(), timeStamp: marketplaceTime(now) });
      break;
  }
  for (const kv of o.param ?? []) {
    const eq = kv.indexOf('=');
    if (eq < 1) fail(`--param wants k=v, got ${JSON.stringify(kv)}`);
    p[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return p;
}

async function main(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      account: { type: 'string' }, instance: { type: 'string' }, url: { type: 'string' }, key: { type: 'string' },
      sku: { type: 'string' }, expires: { type: 'string' }, trial: { type: 'boolean' }, refund: { type: 'boolean' },
      param: { type: 'string', multiple: true }, send: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      email: { type: 'string' },
    },
  });
  const command = positionals[0];
  if (values.help || !command || command === 'help') {
    console.log(USAGE);
    return;
  }
  if (positionals.length > 1) fail(`unexpected ${positionals.slice(1).join(' ')}`);
  const params = command === 'demo' ? undefined : buildParams(command, values);
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) fail(e.message);
    throw e;
  }
  const base = (values.url ?? config.PUBLIC_URL).replace(/\/+$/, '');
  const { key, source } = values.key ? { key: values.key, source: '--key' } : (findSpiKey(config) ?? noKey(config));
  if (!params) return demo(config, key, base, values.email);
  const url = `${base}/marketplace/aliyun?${new URLSearchParams(signSpiParams(params, key))}`;
  if (params.action === 'verify' && !values.send) {
    // The marketplace sends the buyer's BROWSER here, and the token is single-use: calling it from
    // this command would spend it. Hand the URL to the user instead.
    console.log('Open this free-login URL in the browser where the extension is installed (single use, valid 5 minutes):');
    console.log(url);
    return;
  }
  console.log(`GET ${url}`);
  let res: Response;
  try {
    // A free login answers with a redirect whose #fragment carries the activation token: show it, don't follow it.
    res = await fetch(url, { redirect: params.action === 'verify' ? 'manual' : 'follow' });
  } catch (e) {
    console.error(`could not reach ${base}: ${e instanceof Error ? (e.cause as Error | undefined)?.message ?? e.message : String(e)} (is \`npm run api\` running?)`);
    process.exit(1);
  }
  const text = await res.text();
  const location = res.headers.get('location');
  console.log(location ? `${res.status} → ${new URL(location, base).href}` : `${res.status} ${text}`);
  if (res.status === 403 && /BAD_SIGNATURE/.test(text)) {
    console.error(`\nThe API at ${base} refused the signature: it uses another SPI key than this command (${source}). ` +
      'Run this command with the server\'s DATABASE_PATH (its development key sits next to the database) or its ALIYUN_SPI_KEY, or pass --key.');
  }
  if (!res.ok && !(res.status === 302 && location)) process.exit(1);
}

/** Never a new key here: a key the server does not have only earns 403s. Say what to do instead. */
function noKey(c: Config): never {
  console.error(`No SPI key to sign with: ALIYUN_SPI_KEY is not set and there is no development key at ${spiKeyFile(c)}.\n` +
    `The server keeps its development key next to its database (DATABASE_PATH, here ${c.DATABASE_PATH}). Run this command ` +
    'with the same DATABASE_PATH (or ALIYUN_SPI_KEY) as the server, after the server has started once, or pass --key.');
  process.exit(2);
}

async function demo(c: Config, key: string, base: string, email: string | undefined) {
  const path = c.DATABASE_PATH;
  if (path === ':memory:' || !existsSync(path)) {
    fail(`No database at ${resolve(path)}: start the server once (npm run api) and run this with its DATABASE_PATH.`);
  }
  const db = openDatabase(path);
  let seed: DemoSeed;
  try {
    seed = await seedDemo(db, key, { email });
  } finally {
    db.close();
  }
  // The demo wrote to the file; a running server on another file would not know any of it.
  let shared: boolean | undefined;
  try {
    const r = await fetch(`${base}/api/v1/activations/${seed.probe.id}`, { headers: { Authorization: `Bearer ${seed.probe.token}` } });
    shared = r.ok;
  } catch {
    shared = undefined;
  }
  console.log(`Demo purchase ready in ${resolve(path)}:

  Alibaba Cloud account ID   ${seed.accountId}
  Instance ID (new)          ${seed.instanceId}
  Billing Center username    ${seed.username}   (password ${seed.password}, email ${seed.email})
  Bindable workspace         "${seed.workspaceName}" (it was paid for by instance ${seed.releasedInstanceId}, now released)

Activate it: in the popup (or the web wizard) type the two IDs, or open a free-login link for it:
  npm run marketplace -- verify --instance ${seed.instanceId}
The cloud account is linked to ${seed.username}: bind it with the code mailed to ${seed.email}
(${email ? 'your mailbox' : 'the server prints it in development when SMTP_URL is not set'}), then bind "${seed.workspaceName}".`);
  if (shared === false) {
    console.error(`\nWarning: the API at ${base} does not know this demo: it runs on another database. ` +
      'Start it with the DATABASE_PATH used here, or pass --url for the server that does.');
  } else if (shared === undefined) {
    console.log(`\n(No API answered at ${base}: start it with the same DATABASE_PATH, e.g. npm run api.)`);
  }
}

if (process.argv[1]?.endsWith('marketplace/cli.ts')) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  });
}
