import { describe, expect, test } from 'vitest';
import type { Activation } from '../../../shared/schemas';
import { readSecrets, SECRETS_TTL_MS, toDraft, toSecrets } from './draft';
import { canGoBack, emptyValues, initialState, reducer, statusFor } from './reducer';
import type { Action, Status, WizardState } from './types';

const activation = (over: Partial<Activation> = {}): Activation => ({
  id: 'act_1',
  accountId: '1234567890123456',
  instanceId: '987654321',
  site: 'cn1',
  state: 'needs-billing-account',
  billingAccount: null,
  workspace: null,
  loginUrl: null,
  expiresAt: '2030-01-01T00:00:00.000Z',
  ...over,
});

const run = (s: WizardState, ...actions: Action[]) => actions.reduce(reducer, s);
const at = (status: Status, a: Activation | null = activation()): WizardState => ({ ...initialState(), status, activation: a });

describe('starting', () => {
  test('starts on the IDs step with cn1 and nothing in flight', () => {
    const s = initialState();
    expect(s.status).toBe('ids');
    expect(s.values.ids.site).toBe('cn1');
    expect(s.pending).toBeNull();
  });

  test('detected IDs prefill empty fields but never overwrite what the user typed', () => {
    let s = reducer(initialState(), { type: 'detected', accountId: '1111222233334444', instanceIds: ['5', '6'], preferredInstanceId: '5' });
    expect(s.values.ids).toMatchObject({ accountId: '1111222233334444', instanceId: '5' });
    expect(s.detectedInstances).toEqual(['5', '6']);
    s = run(initialState(), { type: 'field', form: 'ids', name: 'instanceId', value: '42' }, { type: 'detected', accountId: null, instanceIds: ['5'], preferredInstanceId: '5' });
    expect(s.values.ids.instanceId).toBe('42');
  });

  test('the API answer decides the path', () => {
    const from = (a: Activation) => run(initialState(), { type: 'request', kind: 'start-activation' }, { type: 'activation', kind: 'start-activation', activation: a });
    expect(from(activation()).status).toBe('register-basic');
    expect(from(activation({ billingAccount: { username: 'acme' } })).status).toBe('bind-billing-account');
    expect(from(activation({ billingAccount: { username: 'acme' } })).values['bind-billing-account'].username).toBe('acme');
    expect(from(activation({ state: 'needs-workspace', billingAccount: { username: 'acme' } })).status).toBe('workspace-choose');
    expect(from(activation({ state: 'activated' })).status).toBe('done');
    expect(from(activation()).pending).toBeNull();
  });

  test('next: a linked cloud account goes straight to bind (username not known), and the user can still switch', () => {
    const from = (a: Activation) => run(initialState(), { type: 'request', kind: 'start-activation' }, { type: 'activation', kind: 'start-activation', activation: a });
    const linked = from(activation({ next: 'bind-billing-account' }));
    expect(linked.status).toBe('bind-billing-account');
    expect(linked.values['bind-billing-account'].username).toBeUndefined();
    expect(reducer(linked, { type: 'switch', to: 'register' }).status).toBe('register-basic');
    expect(from(activation({ next: 'register' })).status).toBe('register-basic');
  });

  test('statusFor keeps the current step while it still fits the activation', () => {
    expect(statusFor(activation(), 'register-company')).toBe('register-company');
    expect(statusFor(activation(), 'bind-billing-account')).toBe('bind-billing-account');
    expect(statusFor(activation({ state: 'needs-workspace' }), 'workspace-create-new')).toBe('workspace-create-new');
    expect(statusFor(activation({ state: 'needs-workspace' }), 'bind-billing-account')).toBe('workspace-choose');
    expect(statusFor(activation({ state: 'activated' }), 'workspace-confirm-bind')).toBe('done');
  });
});

describe('register path', () => {
  test('basic → company → method, and back again to the IDs', () => {
    let s = at('register-basic');
    s = reducer(s, { type: 'next' });
    expect(s.status).toBe('register-company');
    s = reducer(s, { type: 'next' });
    expect(s.status).toBe('register-method');
    expect(reducer(s, { type: 'next' }).status).toBe('register-method');
    s = run(s, { type: 'back' }, { type: 'back' }, { type: 'back' });
    expect(s.status).toBe('ids');
    expect(reducer(s, { type: 'back' }).status).toBe('ids');
  });

  test('every step change moves the focus and clears the old errors', () => {
    let s = reducer(at('register-basic'), { type: 'invalid', fields: { username: { key: 'error_required' } } });
    const tick = s.focusTick;
    s = reducer(s, { type: 'next' });
    expect(s.focusTick).toBe(tick + 1);
    expect(s.errors.fields).toEqual({});
  });

  test('switch between register and bind, only while the activation needs a Billing Center account', () => {
    const s = reducer(at('register-company'), { type: 'switch', to: 'bind-billing-account' });
    expect(s.status).toBe('bind-billing-account');
    expect(reducer(s, { type: 'switch', to: 'register' }).status).toBe('register-basic');
    expect(reducer(at('workspace-choose', activation({ state: 'needs-workspace' })), { type: 'switch', to: 'register' }).status).toBe('workspace-choose');
    expect(reducer(at('bind-billing-account'), { type: 'switch', to: 'bind-billing-account' }).status).toBe('bind-billing-account');
  });

  test('register succeeds → done, and passwords are dropped from memory', () => {
    let s = run(at('register-method'), { type: 'field', form: 'register', name: 'password', value: 'secret123' }, { type: 'request', kind: 'register' });
    expect(s.pending).toBe('register');
    s = reducer(s, { type: 'activation', kind: 'register', activation: activation({ state: 'activated', billingAccount: { username: 'u' }, loginUrl: 'https://auth.guance.com/login/pwd' }) });
    expect(s.status).toBe('done');
    expect(s.values.register.password).toBeUndefined();
    expect(s.pending).toBeNull();
  });
});

describe('requests and errors', () => {
  test('no double submission: a second request while one is in flight is ignored', () => {
    const s = run(at('register-method'), { type: 'request', kind: 'register' }, { type: 'request', kind: 'send-code' });
    expect(s.pending).toBe('register');
  });

  test('back and switch are refused while a request is in flight', () => {
    const s = reducer(at('register-company'), { type: 'request', kind: 'send-code' });
    expect(reducer(s, { type: 'back' }).status).toBe('register-company');
    expect(reducer(s, { type: 'switch', to: 'bind-billing-account' }).status).toBe('register-company');
  });

  test('USERNAME_TAKEN on Activate goes back to the basic step with the error at the username', () => {
    const s = run(at('register-method'), { type: 'request', kind: 'register' }, {
      type: 'failed',
      kind: 'register',
      error: { kind: 'api', status: 409, code: 'USERNAME_TAKEN', message: 'taken' },
    });
    expect(s.status).toBe('register-basic');
    expect(s.errors.fields.username?.key).toBe('error_code_USERNAME_TAKEN');
    expect(s.pending).toBeNull();
  });

  test('VALIDATION_FAILED details (dotted paths, the one FieldIssue shape) land on the fields, on their step', () => {
    let s = reducer(at('register-method'), {
      type: 'failed',
      kind: 'register',
      error: { kind: 'api', status: 400, code: 'VALIDATION_FAILED', message: 'x', details: [{ path: 'company.name', message: 'A company name is required' }] },
    });
    expect(s.status).toBe('register-company');
    expect(s.errors.fields.companyName?.key).toBe('error_required');
    s = reducer(at('workspace-create-new', activation({ state: 'needs-workspace' })), {
      type: 'failed',
      kind: 'create-workspace',
      error: { kind: 'api', status: 400, code: 'VALIDATION_FAILED', message: 'x', details: [{ path: 'guanceAccount.passwordConfirm', message: 'differ' }] },
    });
    expect(s.status).toBe('workspace-create-new');
    expect(Object.keys(s.errors.fields)).toEqual(['passwordConfirm']);
  });

  test('CODE_INVALID sits at the code field; a network failure offers a retry of the same request', () => {
    let s = reducer(at('bind-billing-account'), { type: 'failed', kind: 'bind-billing-account', error: { kind: 'api', status: 422, code: 'CODE_INVALID', message: 'wrong' } });
    expect(s.errors.fields.code?.key).toBe('error_code_CODE_INVALID');
    expect(s.errors.retry).toBeNull();
    s = reducer(at('bind-billing-account'), { type: 'failed', kind: 'bind-billing-account', error: { kind: 'network', message: 'Failed to fetch' } });
    expect(s.errors.form?.key).toBe('error_network');
    expect(s.errors.retry).toBe('bind-billing-account');
  });

  test('a step-level refusal is shown for the step; a 5xx can be retried', () => {
    const s = reducer(at('ids', null), { type: 'failed', kind: 'start-activation', error: { kind: 'api', status: 502, code: 'MAIL_FAILED', message: 'smtp down' } });
    expect(s.errors.form).toMatchObject({ key: 'error_code_MAIL_FAILED', detail: 'smtp down' });
    expect(s.errors.retry).toBe('start-activation');
  });

  test('an activation the API no longer knows asks the user to start over', () => {
    const s = reducer(at('register-basic'), { type: 'failed', kind: 'send-code', error: { kind: 'api', status: 401, code: 'UNAUTHORIZED', message: 'expired' } });
    expect(s.errors.form?.key).toBe('error_activation_lost');
    const lost = reducer(at('register-basic'), { type: 'activation-lost' });
    expect(lost.status).toBe('ids');
    expect(lost.activation).toBeNull();
  });

  test('typing in a field clears that field\'s error only', () => {
    let s = reducer(at('register-basic'), { type: 'invalid', fields: { username: { key: 'error_required' }, email: { key: 'error_required' } } });
    s = reducer(s, { type: 'field', form: 'register', name: 'username', value: 'a' });
    expect(Object.keys(s.errors.fields)).toEqual(['email']);
  });

  test('local validation of a later field goes to its own step', () => {
    const s = reducer(at('register-method'), { type: 'invalid', fields: { email: { key: 'error_required' } } });
    expect(s.status).toBe('register-basic');
  });

  test('code sent: remembers where and when a resend is allowed', () => {
    const s = reducer(at('bind-billing-account'), { type: 'code-sent', form: 'bind-billing-account', purpose: 'bind-billing-account', sentTo: 'a***e@x.com', resendInSeconds: 60, expiresInSeconds: 600, now: 1000 });
    expect(s.codes['bind-billing-account']).toEqual({ purpose: 'bind-billing-account', sentTo: 'a***e@x.com', resendAt: 61_000, expiresAt: 601_000 });
  });

  test('get-activation finding the same state keeps the step and its errors', () => {
    const before = reducer(at('register-company'), { type: 'invalid', fields: { companyName: { key: 'error_required' } } });
    const s = reducer(before, { type: 'activation', kind: 'get-activation', activation: activation() });
    expect(s.status).toBe('register-company');
    expect(s.errors.fields.companyName).toBeDefined();
  });
});

describe('workspace step', () => {
  const ws = [
    { id: 'w1', name: 'Prod', site: 'cn1' as const, language: 'zh' as const, bindable: true, reason: null },
    { id: 'w2', name: 'Other', site: 'cn1' as const, language: 'en' as const, bindable: false, reason: 'settled-by-other-account' },
  ];
  const choose = () => reducer(at('workspace-choose', activation({ state: 'needs-workspace', billingAccount: { username: 'acme' } })), { type: 'workspaces', list: ws });

  test('create with or without a Guance account, and back to the list', () => {
    expect(reducer(choose(), { type: 'create-workspace', kind: 'existing' }).status).toBe('workspace-create-existing');
    const s = reducer(choose(), { type: 'create-workspace', kind: 'new' });
    expect(s.status).toBe('workspace-create-new');
    expect(reducer(s, { type: 'back' }).status).toBe('workspace-choose');
  });

  test('binding asks for confirmation first; nothing chosen or not bindable is refused at the list', () => {
    expect(reducer(choose(), { type: 'ask-confirm-bind' }).errors.fields.workspaceId?.key).toBe('error_choose_workspace');
    const notBindable = run(choose(), { type: 'field', form: 'workspace', name: 'workspaceId', value: 'w2' }, { type: 'ask-confirm-bind' });
    expect(notBindable.status).toBe('workspace-choose');
    expect(notBindable.errors.fields.workspaceId?.key).toBe('error_code_WORKSPACE_NOT_BINDABLE');
    const s = run(choose(), { type: 'field', form: 'workspace', name: 'workspaceId', value: 'w1' }, { type: 'ask-confirm-bind' });
    expect(s.status).toBe('workspace-confirm-bind');
    expect(reducer(s, { type: 'back' }).status).toBe('workspace-choose');
    const done = run(s, { type: 'request', kind: 'bind-workspace' }, {
      type: 'activation',
      kind: 'bind-workspace',
      activation: activation({ state: 'activated', workspace: { id: 'w1', name: 'Prod', site: 'cn1', language: 'zh' } }),
    });
    expect(done.status).toBe('done');
  });

  test('the list step has no way back: the Billing Center account is bound for good', () => {
    expect(reducer(choose(), { type: 'back' }).status).toBe('workspace-choose');
  });

  test('bind-billing-account success leads to the list, which is then (re)loaded', () => {
    const s = reducer({ ...at('bind-billing-account'), workspaces: ws }, { type: 'activation', kind: 'bind-billing-account', activation: activation({ state: 'needs-workspace', billingAccount: { username: 'acme' } }) });
    expect(s.status).toBe('workspace-choose');
    expect(s.workspaces).toBeNull();
  });
});

describe('start over and persistence', () => {
  test('start over keeps the IDs and site, forgets everything else', () => {
    let s = run(
      initialState(),
      { type: 'field', form: 'ids', name: 'accountId', value: '1234567890123456' },
      { type: 'field', form: 'ids', name: 'site', value: 'us1' },
      { type: 'activation', kind: 'start-activation', activation: activation({ site: 'us1' }) },
      { type: 'field', form: 'register', name: 'username', value: 'alice' },
    );
    s = reducer(s, { type: 'start-over' });
    expect(s.status).toBe('ids');
    expect(s.activation).toBeNull();
    expect(s.values.ids).toMatchObject({ accountId: '1234567890123456', site: 'us1' });
    expect(s.values.register.username).toBeUndefined();
  });

  test('the draft has everything typed except passwords, and hydrating it resumes the same step', () => {
    const s = run(
      at('register-basic'),
      { type: 'field', form: 'register', name: 'username', value: 'alice' },
      { type: 'field', form: 'register', name: 'password', value: 'secret123' },
      { type: 'field', form: 'register', name: 'passwordConfirm', value: 'secret123' },
      { type: 'code-sent', form: 'register', purpose: 'register', sentTo: 'a***e@x.com', resendInSeconds: 60, expiresInSeconds: 600, now: 5 },
    );
    const draft = toDraft(s, 99);
    expect(JSON.stringify(draft)).not.toContain('secret123');
    expect(draft.savedAt).toBe(99);
    const back = reducer(initialState(), { type: 'hydrate', draft: JSON.parse(JSON.stringify(draft)) });
    expect(back.status).toBe('register-basic');
    expect(back.values.register.username).toBe('alice');
    expect(back.values.register.password).toBeUndefined();
    expect(back.codes.register?.sentTo).toBe('a***e@x.com');
    expect(back.activation?.id).toBe('act_1');
    expect(back.values.workspace.language).toBe('zh');
  });
});

describe('free login (verified activations)', () => {
  const verified = (over: Partial<Activation> = {}) => activation({ verified: true, next: 'register', ...over });

  // Free login confirms an activation in the background; the wizard takes it up when it reads it back.
  const readBack = (s: WizardState, a: Activation) => reducer(s, { type: 'activation', kind: 'get-activation', activation: a });

  test('read back, a new activation starts past step 1 with the marketplace IDs', () => {
    const d = readBack(initialState(), verified({ site: 'cn1' }));
    expect(d).toMatchObject({ status: 'register-basic', values: { ids: { accountId: '1234567890123456', instanceId: '987654321', site: 'cn1' } } });
    expect(readBack(initialState(), verified({ next: 'bind-billing-account' })).status).toBe('bind-billing-account');
    expect(readBack(initialState(), verified({ state: 'needs-workspace', next: 'workspace' })).status).toBe('workspace-choose');
  });

  test('read back, the same activation keeps values and step; another replaces them', () => {
    const prev = run(at('register-company', verified()), { type: 'field', form: 'register', name: 'username', value: 'bob' });
    const same = readBack(prev, verified());
    expect(same.status).toBe('register-company');
    expect(same.values.register.username).toBe('bob');
    const other = readBack(prev, verified({ id: 'act_2' }));
    expect(other.status).toBe('register-basic');
    expect(other.values.register.username).toBeUndefined();
  });

  test('no Back to step 1 from a verified activation; an unverified one still goes back', () => {
    for (const st of ['register-basic', 'bind-billing-account'] as const) {
      const s = at(st, verified());
      expect(canGoBack(s)).toBe(false);
      expect(reducer(s, { type: 'back' })).toBe(s);
      expect(reducer(at(st), { type: 'back' }).status).toBe('ids');
    }
    expect(reducer(at('register-company', verified()), { type: 'back' }).status).toBe('register-basic');
  });

  test('the code steps are never skipped: switching between register and bind still works', () => {
    const s = run(at('register-basic', verified()), { type: 'switch', to: 'bind-billing-account' });
    expect(s.status).toBe('bind-billing-account');
  });
});

describe('changing the site of an existing activation', () => {
  test('the activation answer sets the site; a refusal stays on the step and snaps back', () => {
    let s = at('bind-billing-account', activation({ site: 'cn1' }));
    s = run(s, { type: 'field', form: 'ids', name: 'site', value: 'eu1' }, { type: 'request', kind: 'update-activation' });
    expect(s.pending).toBe('update-activation');
    const ok = reducer(s, { type: 'activation', kind: 'update-activation', activation: activation({ site: 'eu1' }) });
    expect(ok).toMatchObject({ status: 'bind-billing-account', pending: null, activation: { site: 'eu1' }, values: { ids: { site: 'eu1' } } });

    const refused = reducer(s, { type: 'failed', kind: 'update-activation', error: { kind: 'api', status: 409, code: 'WRONG_STATE', message: 'bound' } });
    expect(refused.status).toBe('bind-billing-account');
    expect(refused.values.ids.site).toBe('cn1');
    expect(refused.errors.form).not.toBeNull();

    const offline = reducer(s, { type: 'failed', kind: 'update-activation', error: { kind: 'network', message: 'down' } });
    expect(offline).toMatchObject({ status: 'bind-billing-account', values: { ids: { site: 'eu1' } }, errors: { retry: 'update-activation' } });
  });
});

describe('proof, paths and the walk-through fixes', () => {
  const a = (over: Partial<Activation> = {}) => activation({ next: 'prove', proof: null, proofs: ['marketplace'], paths: [], ...over });
  const started = (act: Activation) => reducer(initialState(), { type: 'activation', kind: 'start-activation', activation: act });

  test("next 'prove' shows the proofs; proved (sign-in), the path the API offers follows", () => {
    const s = started(a());
    expect(s.status).toBe('prove');
    expect(canGoBack(s)).toBe(true);
    const proved = reducer(s, { type: 'activation', kind: 'alibaba-sign-in', activation: a({ next: 'register', proof: 'alibaba-sign-in', proofs: [], paths: ['register', 'bind-billing-account'] }) });
    expect(proved.status).toBe('register-basic');
  });

  test("next 'returning': unproved, the prove step; proved, the returning step; never registration", () => {
    expect(started(a({ next: 'returning' })).status).toBe('prove');
    const proved = started(a({ next: 'returning', proof: 'marketplace', verified: true, paths: ['bind-billing-account'], returning: { workspaces: [] } }));
    expect(proved.status).toBe('returning');
    const another = reducer(proved, { type: 'another-workspace' });
    expect(another.status).toBe('bind-billing-account');
    expect(reducer(another, { type: 'switch', to: 'register' }).status).toBe('bind-billing-account');
    expect(started(a({ next: 'returning', state: 'needs-workspace', proof: null })).status).toBe('prove');
  });

  test('a cloud account that can only bind goes to bind and cannot switch to register', () => {
    const s = started(a({ next: 'register', proof: 'marketplace', paths: ['bind-billing-account'] }));
    expect(s.status).toBe('bind-billing-account');
    expect(reducer(s, { type: 'switch', to: 'register' }).status).toBe('bind-billing-account');
  });

  test("details.field / details.issues put the error on that field; one the step does not show goes to the step's message", () => {
    const at = started(a({ next: 'register', proof: 'marketplace', paths: ['register', 'bind-billing-account'] }));
    const onId = reducer(at, { type: 'failed', kind: 'register', error: { kind: 'api', status: 403, code: 'VERIFICATION_REQUIRED', message: 'm', details: { issues: [{ path: 'accountId', message: 'm' }] } } });
    expect(onId).toMatchObject({ status: 'register-basic', errors: { fields: { accountId: { key: 'error_code_VERIFICATION_REQUIRED' } }, form: null } });
    const proving = started(a());
    const hidden = reducer(proving, { type: 'failed', kind: 'alibaba-sign-in', error: { kind: 'api', status: 400, code: 'BAD_REQUEST', message: 'state', details: { field: 'callbackUrl' } } });
    expect(hidden.errors).toMatchObject({ fields: {}, form: { key: 'error_code_BAD_REQUEST' } });
  });

  test('"Activate another instance" from Done starts with empty IDs; Start over mid-path keeps them', () => {
    const done = { ...started(activation({ state: 'activated', instanceId: '99001' })), values: { ...emptyValues(), ids: { accountId: '1234567890123456', instanceId: '99001', site: 'us1' } }, detectedInstances: ['99001', '99002'] };
    expect(done.status).toBe('done');
    const next = reducer(done, { type: 'start-over' });
    expect(next.values.ids).toEqual({ accountId: '', instanceId: '', site: 'us1' });
    expect(next.detectedInstances).toEqual(['99002']);
    const mid = { ...done, status: 'register-company' as const };
    expect(reducer(mid, { type: 'start-over' }).values.ids.instanceId).toBe('99001');
  });

  test('the workspace language follows the interface until the user picks one', () => {
    let s = initialState('en');
    expect(s.values.register.language).toBe('en');
    s = reducer(s, { type: 'ui-language', language: 'zh' });
    expect(s.values.workspace.language).toBe('zh');
    s = reducer(s, { type: 'field', form: 'register', name: 'language', value: 'en' });
    s = reducer(s, { type: 'ui-language', language: 'en' });
    s = reducer(s, { type: 'ui-language', language: 'zh' });
    expect(s.values.register.language).toBe('en');
    expect(reducer(s, { type: 'start-over' }).values.register.language).toBe('zh');
  });

  test('passwords: kept apart from the draft for their activation only, for a few minutes, never after Done', () => {
    let s = run(at('register-basic'), { type: 'field', form: 'register', name: 'password', value: 'Secret123' }, { type: 'field', form: 'register', name: 'passwordConfirm', value: 'Secret123' });
    const kept = toSecrets(s, 1_000)!;
    expect(kept).toEqual({ v: 1, activationId: 'act_1', values: { register: { password: 'Secret123', passwordConfirm: 'Secret123' } }, savedAt: 1_000 });
    expect(JSON.stringify(toDraft(s, 1_000))).not.toContain('Secret123');
    expect(readSecrets(kept, 'act_2', 2_000)).toBeNull();
    expect(readSecrets(kept, 'act_1', 1_000 + SECRETS_TTL_MS + 1)).toBeNull();
    const back = reducer(initialState(), { type: 'secrets', values: readSecrets(JSON.parse(JSON.stringify(kept)), 'act_1', 2_000)! });
    expect(back.values.register.password).toBe('Secret123');
    s = { ...s, status: 'done' };
    expect(toSecrets(s, 1_000)).toBeNull();
    expect(toSecrets({ ...s, status: 'register-basic', values: emptyValues() }, 1_000)).toBeNull();
  });

  test('an offer of another activation is kept until chosen; one of the same activation is none', () => {
    const s = at('register-basic');
    expect(reducer(s, { type: 'offer', offer: activation({ id: 'act_9' }) }).offer?.id).toBe('act_9');
    expect(reducer(s, { type: 'offer', offer: activation() }).offer).toBeNull();
  });
});
