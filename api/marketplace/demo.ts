// `npm run marketplace -- demo`: a newcomer's sandbox in one command. Through the real API (run in
// this process on the server's own database file), it makes what a bindable workspace needs: a
// Billing Center account whose cloud account bought Guance before, a workspace that purchase paid
// for, the purchase released (so the workspace is settled directly and may be bound again), and a
// new purchase to activate. Codes of these steps are caught here and never mailed.
import { randomBytes, randomInt } from 'node:crypto';
import { createApi } from '../app';
import type { Db } from '../db/connection';
import { createRepositories } from '../db/repositories';
import type { MailMessage } from '../mail/mailer';
import { formatBeijingTime } from './free-login';
import { signSpiParams } from './signature';
import { GUANCE_PRODUCT_CODE } from '../../shared/sites';

export interface DemoSeed {
  accountId: string;
  /** The new purchase, to activate from the popup, the web wizard or free login. */
  instanceId: string;
  /** The earlier purchase, released: its workspace is now bindable. */
  releasedInstanceId: string;
  username: string;
  email: string;
  password: string;
  workspaceName: string;
  /** An activation of the released purchase, to tell whether a running server shares this database. */
  probe: { id: string; token: string };
}

const digits = (n: number) => String(randomInt(1, 10)) + Array.from({ length: n - 1 }, () => randomInt(0, 10)).join('');

export async function seedDemo(db: Db, spiKey: string, opts: { email?: string; now?: () => number } = {}): Promise<DemoSeed> {
  const mail: MailMessage[] = [];
  const { app, outbox } = createApi({
    db, spiKey, now: opts.now, log: () => {},
    mailer: { send: async (m) => { mail.push(m); } },
  });
  const fail = async (what: string, res: Response): Promise<never> => {
    throw new Error(`demo: ${what} failed: ${res.status} ${await res.text()}`);
  };
  const spi = async (params: Record<string, string>) => {
    const res = await app.request(`/marketplace/aliyun?${new URLSearchParams(signSpiParams(params, spiKey))}`);
    if (!res.ok) await fail(params.action!, res);
  };
  const api = (path: string, body: unknown, token?: string) => app.request(`/api/v1${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const createInstance = (accountId: string, instanceId: string) => spi({
    action: 'createInstance', aliUid: accountId, orderBizId: instanceId, orderId: digits(15),
    productCode: GUANCE_PRODUCT_CODE, skuId: 'cmgj00053362-payg', trial: 'false',
  });

  const tag = randomBytes(3).toString('hex');
  const accountId = digits(16);
  const releasedInstanceId = digits(10);
  const instanceId = digits(10);
  const username = `demo_${tag}`;
  const email = (opts.email ?? `demo+${tag}@example.com`).trim().toLowerCase();
  const password = `Demo-${randomBytes(6).toString('base64url')}1`;
  const workspaceName = `Demo workspace ${tag}`;

  await createInstance(accountId, releasedInstanceId);
  // The earlier purchase is activated as its owner would: through Login Directly (a signed free
  // login proves the purchase, which a first link needs by default).
  const login = await app.request(`/marketplace/aliyun?${new URLSearchParams(signSpiParams({
    action: 'verify', instanceId: releasedInstanceId, timeStamp: formatBeijingTime((opts.now ?? Date.now)()),
  }, spiKey))}`);
  if (login.status !== 302) await fail('the free login', login);
  const landing = new URL(login.headers.get('Location')!);
  const activation = { id: landing.searchParams.get('activation') ?? '' };
  const token = new URLSearchParams(landing.hash.slice(1)).get('token') ?? '';
  const sent = await api(`/activations/${activation.id}/verification-codes`, { purpose: 'register', email }, token);
  if (sent.status !== 202) await fail('asking for a registration code', sent);
  const code = /\b(\d{6})\b/.exec([...mail].reverse().find((m) => m.to === email)?.text ?? '')?.[1];
  if (!code) throw new Error('demo: no registration code was caught');
  const registered = await api(`/activations/${activation.id}/registration`, {
    username, password, email, code,
    company: { name: 'Demo Ltd', contactName: 'Demo Buyer' },
    workspace: { name: workspaceName, language: 'en' }, agreeTerms: true,
  }, token);
  if (registered.status !== 201) await fail('registering the Billing Center account', registered);
  await spi({ action: 'releaseInstance', instanceId: releasedInstanceId, isRefund: 'false' });
  await createInstance(accountId, instanceId);
  // The release notice went to the outbox with the release: caught here too, not left for the
  // server's mail worker to send to the demo address.
  for (const m of createRepositories(db).outbox.to(email)) if (m.status === 'pending') await outbox.deliver(m.id);
  return { accountId, instanceId, releasedInstanceId, username, email, password, workspaceName, probe: { id: activation.id, token } };
}
