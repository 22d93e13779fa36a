// @vitest-environment node
// The wizard's model (reducer + effects) with no view and no extension page: the same code a web
// page would run. Its transport here is the background's API proxy over the real API app, so every
// answer is a real one.
import 'fake-indexeddb/auto';
import { beforeEach, expect, test } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { randomDigits, setup } from '../../../api/test-support';
import { activationStore } from '../../background/activation-store';
import { createApiClient } from '../../background/api-client';
import { createApiProxy } from '../../background/api-proxy';
import { createWizardEffects } from './effects';
import { initialState, reducer } from './reducer';
import type { WizardEnv, WizardTransport } from './transport';
import type { Action, Draft, WizardState } from './types';

function world() {
  const api = setup();
  const calls: string[] = [];
  const client = createApiClient({
    baseUrl: 'http://api.test',
    fetch: ((input: RequestInfo | URL, init?: RequestInit) => api.app.request(String(input), init)) as typeof fetch,
  });
  const proxy = createApiProxy({ client: async () => ({ client, baseUrl: 'http://api.test' }), now: api.clock.now });
  const transport: WizardTransport = { call: (call, body) => (calls.push(call), proxy.call(call, body)) };
  let saved: Draft | null = null;
  const env: WizardEnv = {
    transport,
    drafts: { load: async () => saved, save: async (d) => void (saved = d) },
    open: () => undefined,
    now: api.clock.now,
  };
  let state: WizardState = initialState();
  const dispatch = (a: Action) => void (state = reducer(state, a));
  const fx = createWizardEffects(env, () => state, dispatch);
  const type = (form: 'ids' | 'register', name: string, value: string) => dispatch({ type: 'field', form, name, value });
  return { api, fx, calls, state: () => state, type };
}

beforeEach(async () => {
  fakeBrowser.reset();
  await activationStore.remove();
});

test('step 1 to the register path: empty fields and bad formats are caught before any call', async () => {
  const w = world();
  const accountId = randomDigits(16);
  await w.api.createInstance(accountId, '6101');
  await w.fx.catchUp(await w.fx.restore());
  expect(w.calls).toEqual(['get-activation']);
  expect(w.state().status).toBe('ids');

  await w.fx.run('start-activation');
  expect(Object.keys(w.state().errors.fields)).toEqual(['accountId', 'instanceId']);
  w.type('ids', 'accountId', accountId);
  w.type('ids', 'instanceId', '6101');
  await w.fx.run('start-activation');
  expect(w.state()).toMatchObject({ status: 'register-basic', pending: null, activation: { accountId, state: 'needs-billing-account' } });

  // "Next" checks the formats with the API's schemas where the model runs: no call for that.
  for (const [name, value] of [['username', 'alice'], ['password', 'secret123'], ['passwordConfirm', 'secret123'], ['email', 'not-an-email'], ['code', '123456']]) {
    w.type('register', name!, value!);
  }
  const before = w.calls.length;
  await w.fx.next();
  expect(w.state().status).toBe('register-basic');
  expect(w.state().errors.fields.email?.key).toBe('error_invalid_email');
  expect(w.calls.length).toBe(before);
  w.type('register', 'email', 'alice@example.com');
  // The code is checked where it is typed: a wrong one stays on this step, under the code field.
  await w.fx.run('send-code');
  const code = w.api.lastCode('alice@example.com');
  w.type('register', 'code', code === '123456' ? '654321' : '123456');
  await w.fx.next();
  expect(w.calls.slice(-1)).toEqual(['check-code']);
  expect(w.state()).toMatchObject({ status: 'register-basic', pending: null });
  expect(w.state().errors.fields.code?.key).toBe('error_code_CODE_INVALID');
  w.type('register', 'code', code);
  await w.fx.next();
  expect(w.state().status).toBe('register-company');
});

test('restore and catch up: a draft resumes its step; an activation the draft never saw is taken up', async () => {
  const w = world();
  const accountId = randomDigits(16);
  await w.api.createInstance(accountId, '6102');
  w.type('ids', 'accountId', accountId);
  w.type('ids', 'instanceId', '6102');
  await w.fx.run('start-activation');
  const held = (await activationStore.get())!;

  // A fresh wizard (a popup opening) with no draft: the transport's activation is taken up.
  const fresh = world();
  await fresh.fx.catchUp(await fresh.fx.restore());
  expect(fresh.state()).toMatchObject({ status: 'register-basic', activation: { id: held.id }, values: { ids: { accountId, instanceId: '6102' } } });

  // Start over forgets the activation on the transport's side too.
  await fresh.fx.startOver();
  expect(fresh.state().status).toBe('ids');
  expect(await activationStore.get()).toBeNull();
});
