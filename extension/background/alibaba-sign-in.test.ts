// @vitest-environment node
// Sign in with Alibaba Cloud as the background runs it: the API proxy asks the API for the
// authorization URL, hands it to `identity.launchWebAuthFlow` (here the test's real OpenID
// provider, oidc-provider, playing the browser window) and gives the URL it returns back to the
// API, which proves the activation. The popup only sees the proved activation.
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { EXTENSION_REDIRECT_URI } from '../../api/app';
import { randomDigits, setup } from '../../api/test-support';
import { CLIENT_ID, CLIENT_SECRET, startAlibabaProvider, type AlibabaIdentity } from '../../api/test-oidc-provider';
import { SIGN_IN_CANCELLED } from '../../shared/wizard';
import { initialState, reducer } from '../popup/model/reducer';
import { activationStore } from './activation-store';
import { createApiClient } from './api-client';
import { createApiProxy, SIGN_IN_REDIRECT_PATH, type IdentityLike } from './api-proxy';

let op: Awaited<ReturnType<typeof startAlibabaProvider>>;
beforeAll(async () => {
  op = await startAlibabaProvider([EXTENSION_REDIRECT_URI]);
});
afterAll(() => op.close());
beforeEach(async () => {
  fakeBrowser.reset();
  await activationStore.remove();
});

function world(who: () => AlibabaIdentity | 'closed') {
  const api = setup({
    now: Date.now,
    requireVerifiedLink: true,
    alibabaSignIn: { issuer: op.issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
  });
  const client = createApiClient({
    baseUrl: 'http://api.test',
    fetch: ((input: RequestInfo | URL, init?: RequestInit) => api.app.request(String(input), init)) as typeof fetch,
  });
  const flows: string[] = [];
  let reopened = 0;
  const identity: IdentityLike = {
    getRedirectURL: (path) => EXTENSION_REDIRECT_URI.replace(SIGN_IN_REDIRECT_PATH, path ?? ''),
    async launchWebAuthFlow({ url, interactive }) {
      flows.push(`${new URL(url).origin} interactive=${String(interactive)}`);
      const w = who();
      if (w === 'closed') throw new Error('The user did not approve access.');
      return op.browse(url, w);
    },
  };
  const proxy = createApiProxy({ client: async () => ({ client, baseUrl: 'http://api.test' }), identity, openPopup: async () => void reopened++ });
  return { api, proxy, flows, reopened: () => reopened };
}

const owner = (accountId: string): AlibabaIdentity => ({ sub: `main-${accountId}`, aid: accountId, uid: accountId });

describe('Sign in with Alibaba Cloud from the background', () => {
  test('typed IDs → prove; the background runs the flow; the activation comes back proved and the wizard moves on', async () => {
    const accountId = randomDigits(16);
    const w = world(() => owner(accountId));
    await w.api.createInstance(accountId, '7101');
    const started = await w.proxy.call('start-activation', { accountId, instanceId: '7101', site: 'cn1' });
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    expect(started.data.activation).toMatchObject({ next: 'prove', proofs: ['alibaba-sign-in', 'marketplace'], paths: [] });
    let s = reducer(initialState(), { type: 'activation', kind: 'start-activation', activation: started.data.activation });
    expect(s.status).toBe('prove');

    const r = await w.proxy.call('alibaba-sign-in', {});
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(w.flows).toEqual([`${op.issuer} interactive=true`]);
    expect(r.data.activation).toMatchObject({ proof: 'alibaba-sign-in', next: 'register', paths: ['register', 'bind-billing-account'] });
    // The popup that asked may have closed: the proved activation is what the store holds, and the popup is reopened.
    expect((await activationStore.get())?.activation.proof).toBe('alibaba-sign-in');
    expect(w.reopened()).toBe(1);
    s = reducer(s, { type: 'activation', kind: 'alibaba-sign-in', activation: r.data.activation });
    expect(s.status).toBe('register-basic');
  });

  test('another account signed in: refused on the cloud account; a closed window: cancelled; nothing proved', async () => {
    const accountId = randomDigits(16);
    let as: AlibabaIdentity | 'closed' = owner(randomDigits(16));
    const w = world(() => as);
    await w.api.createInstance(accountId, '7102');
    const started = await w.proxy.call('start-activation', { accountId, instanceId: '7102', site: 'cn1' });
    if (!started.ok) throw new Error('start');
    const at = reducer(initialState(), { type: 'activation', kind: 'start-activation', activation: started.data.activation });

    const other = await w.proxy.call('alibaba-sign-in', {});
    expect(other).toMatchObject({ ok: false, error: { kind: 'api', code: 'INSTANCE_ACCOUNT_MISMATCH', details: { field: 'accountId' } } });
    if (other.ok) return;
    const s = reducer(reducer(at, { type: 'request', kind: 'alibaba-sign-in' }), { type: 'failed', kind: 'alibaba-sign-in', error: other.error });
    expect(s.status).toBe('prove');
    expect(s.errors.fields.accountId?.key).toBe('error_code_INSTANCE_ACCOUNT_MISMATCH');

    as = 'closed';
    expect(await w.proxy.call('alibaba-sign-in', {})).toMatchObject({ ok: false, error: { code: SIGN_IN_CANCELLED } });
    expect((await activationStore.get())?.activation.proof).toBeNull();
    expect(w.reopened()).toBe(0);
  });

  test('check-code: a code confirmed without being used (204 through the typed client)', async () => {
    const w = world(() => 'closed');
    const accountId = randomDigits(16);
    await w.api.createInstance(accountId, '7103');
    const started = await w.proxy.call('start-activation', { accountId, instanceId: '7103', site: 'cn1' });
    if (!started.ok) throw new Error('start');
    // Proof first (free login would do the same): here the sandbox's own rule is not in play.
    w.api.fixture(() => w.api.db.prepare("UPDATE activations SET proof = 'marketplace'").run());
    expect(await w.proxy.call('send-code', { purpose: 'register', email: 'cc@example.com' })).toMatchObject({ ok: true });
    const code = w.api.lastCode('cc@example.com');
    const wrong = code === '111111' ? '222222' : '111111';
    expect(await w.proxy.call('check-code', { purpose: 'register', email: 'cc@example.com', code: wrong }))
      .toMatchObject({ ok: false, error: { code: 'CODE_INVALID', details: { field: 'code' } } });
    expect(await w.proxy.call('check-code', { purpose: 'register', email: 'cc@example.com', code })).toEqual({ ok: true, data: {} });
    expect(await w.proxy.call('check-code', { purpose: 'register', email: 'cc@example.com', code })).toEqual({ ok: true, data: {} });
  });
});
