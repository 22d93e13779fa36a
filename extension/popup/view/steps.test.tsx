// The step components with Testing Library: every field labelled, errors at their field and
// announced, buttons disabled while in flight, and user input turned into reducer actions.
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, test } from 'vitest';
import type { Activation } from '../../../shared/schemas';
import { createTranslate } from '../../lib/i18n';
import en from '../../public/_locales/en/messages.json';
import zh from '../../public/_locales/zh_CN/messages.json';
import { initialState, reducer } from '../model/reducer';
import { BindBillingAccount } from './steps/BindBillingAccount';
import { Done } from './steps/Done';
import { ACCOUNT_CENTER_URL, IdsStep, PURCHASED_SERVICES_URL } from './steps/IdsStep';
import { RegisterBasic, RegisterMethod } from './steps/RegisterSteps';
import { ConfirmBind, WorkspaceChoose, WorkspaceCreate } from './steps/WorkspaceSteps';
import type { Action, RequestKind, Status, WizardState } from '../model/types';
import { I18n, type StepProps } from './ui';
import { CloudAccount, Offer, Progress, SitePicker, StartOver } from './frame';
import { ProveStep } from './steps/ProveStep';
import { PURCHASED_SERVICES_URL as MARKET_PURCHASED } from '../../../shared/free-login';

afterEach(cleanup);

const activation = (over: Partial<Activation> = {}): Activation => ({
  id: 'a1', accountId: '1234567890123456', instanceId: '99001', site: 'cn1', state: 'needs-billing-account',
  billingAccount: null, workspace: null, loginUrl: null, expiresAt: '2030-01-01T00:00:00Z', ...over,
});

function setup(state: WizardState, el: (p: StepProps) => preact.JSX.Element, lang: 'en' | 'zh_CN' = 'en') {
  const actions: Action[] = [];
  const runs: RequestKind[] = [];
  const opened: string[] = [];
  let nexts = 0;
  const p: StepProps = {
    state,
    dispatch: (a) => actions.push(a),
    run: (k) => runs.push(k),
    next: () => nexts++,
    open: (u) => opened.push(u),
    now: 1_000,
  };
  const t = createTranslate({ en, zh_CN: zh }, lang);
  render(<I18n.Provider value={t}>{el(p)}</I18n.Provider>);
  return { actions, runs, opened, nexts: () => nexts };
}

const at = (status: Status, over: Partial<WizardState> = {}): WizardState => ({ ...initialState(), status, activation: activation(), ...over });

describe('step 1: IDs and site', () => {
  test('labelled, prefilled fields, "where do I find this" links, the site selector with its note', () => {
    const s = reducer(initialState(), { type: 'detected', accountId: '1234567890123456', instanceIds: ['99001'], preferredInstanceId: '99001' });
    const { actions, runs } = setup(s, (p) => <IdsStep p={p} lang="en" snapshot={null} />);
    expect((screen.getByLabelText('Alibaba Cloud account ID') as HTMLInputElement).value).toBe('1234567890123456');
    expect((screen.getByLabelText('Product instance ID') as HTMLInputElement).value).toBe('99001');
    const links = screen.getAllByRole('link', { name: 'Where do I find this?' }).map((a) => a.getAttribute('href'));
    expect(links).toEqual([ACCOUNT_CENTER_URL, PURCHASED_SERVICES_URL]);
    const site = screen.getByLabelText('Site') as HTMLSelectElement;
    expect(site.value).toBe('cn1');
    expect(site.getAttribute('aria-describedby')).toContain('h-site');
    expect(screen.getByText(/can never be changed/)).toBeTruthy();
    fireEvent.change(site, { target: { value: 'us1' } });
    expect(actions).toContainEqual({ type: 'field', form: 'ids', name: 'site', value: 'us1' });
    fireEvent.input(screen.getByLabelText('Product instance ID'), { target: { value: '12' } });
    expect(actions).toContainEqual({ type: 'field', form: 'ids', name: 'instanceId', value: '12' });
    fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    expect(runs).toEqual(['start-activation']);
  });

  test('several detected instances are offered as a choice', () => {
    const s = reducer(initialState(), { type: 'detected', accountId: null, instanceIds: ['11', '22'], preferredInstanceId: '11' });
    const { actions } = setup(s, (p) => <IdsStep p={p} lang="en" snapshot={null} />);
    const radios = screen.getAllByRole('radio') as HTMLInputElement[];
    expect(radios.map((r) => [r.value, r.checked])).toEqual([['11', true], ['22', false]]);
    fireEvent.click(radios[1]!);
    expect(actions).toContainEqual({ type: 'field', form: 'ids', name: 'instanceId', value: '22' });
  });

  test('site names in Chinese when the interface is Chinese', () => {
    setup(initialState(), (p) => <IdsStep p={p} lang="zh_CN" snapshot={null} />, 'zh_CN');
    expect(screen.getByRole('option', { name: '中国区1（杭州）' })).toBeTruthy();
    expect(screen.getByLabelText('阿里云账号 ID')).toBeTruthy();
  });
});

describe('register: basic information', () => {
  test('an error sits at its field, marked invalid and announced', () => {
    const s = reducer(at('register-basic'), { type: 'failed', kind: 'register', error: { kind: 'api', status: 409, code: 'USERNAME_TAKEN', message: 'taken' } });
    setup(s, (p) => <RegisterBasic p={p} />);
    const input = screen.getByLabelText('Username');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    const alert = screen.getByText('This username is taken. Choose another one.');
    expect(alert.getAttribute('role')).toBe('alert');
    expect(input.getAttribute('aria-describedby')).toContain(alert.id);
    expect(screen.getByText(/can never be changed later/)).toBeTruthy();
  });

  test('send code, then the countdown and where it went; Next goes through the checks', () => {
    const { runs, nexts } = setup(at('register-basic'), (p) => <RegisterBasic p={p} />);
    fireEvent.click(screen.getByRole('button', { name: 'Send code' }));
    expect(runs).toEqual(['send-code']);
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(nexts()).toBe(1);
    cleanup();
    const sent = reducer(at('register-basic'), { type: 'code-sent', form: 'register', purpose: 'register', sentTo: 'a***e@x.com', resendInSeconds: 60, expiresInSeconds: 600, now: 1_000 });
    setup({ ...sent }, (p) => <RegisterBasic p={p} />);
    const btn = screen.getByRole('button', { name: 'Again in 60 s' }) as HTMLButtonElement;
    expect(btn.disabled).toBe(true);
    expect(screen.getByText(/Code sent to a\*\*\*e@x.com/)).toBeTruthy();
  });

  test('while a request is in flight every button is disabled (no double submission)', () => {
    const s = reducer(at('register-basic'), { type: 'request', kind: 'send-code' });
    setup(s, (p) => <RegisterBasic p={p} />);
    for (const b of screen.getAllByRole('button')) expect((b as HTMLButtonElement).disabled).toBe(true);
  });

  test('switch to "I already have an account"', () => {
    const { actions } = setup(at('register-basic'), (p) => <RegisterBasic p={p} />);
    fireEvent.click(screen.getByRole('button', { name: 'Bind it instead' }));
    expect(actions).toContainEqual({ type: 'switch', to: 'bind-billing-account' });
  });
});

test('activation method needs the terms box; the IDs are on the cloud-account line above every step', () => {
  const s = { ...at('register-method'), values: { ...initialState().values, ids: { accountId: '1234567890123456', instanceId: '99001', site: 'cn1' } } };
  const { actions, runs } = setup(s, (p) => (
    <>
      <CloudAccount p={p} activation={p.state.activation!} />
      <RegisterMethod p={p} lang="en" />
    </>
  ));
  expect(screen.getByTestId('cloud-account').textContent).toContain('Alibaba Cloud account 1234567890123456 · instance 99001');
  expect(screen.queryByLabelText('Alibaba Cloud account ID')).toBeNull();
  fireEvent.click(screen.getByLabelText(/I agree/));
  expect(actions).toContainEqual({ type: 'field', form: 'register', name: 'agreeTerms', value: true });
  fireEvent.click(screen.getByRole('button', { name: 'Activate' }));
  expect(runs).toEqual(['register']);
});

test('bind: a network failure says so and offers a retry of the same request', () => {
  const s = reducer(at('bind-billing-account'), { type: 'failed', kind: 'bind-billing-account', error: { kind: 'network', message: 'Failed to fetch' } });
  const { runs } = setup(s, (p) => <BindBillingAccount p={p} />);
  expect(screen.getByText(/Cannot reach the Guance Activator API/)).toBeTruthy();
  fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
  expect(runs).toEqual(['bind-billing-account']);
});

describe('workspaces', () => {
  const list = [
    { id: 'w1', name: 'Prod', site: 'cn1' as const, language: 'zh' as const, bindable: false, reason: 'settled-by-other-account' },
    { id: 'w2', name: 'Dev', site: 'us1' as const, language: 'en' as const, bindable: true, reason: null },
  ];
  const ws = activation({ state: 'needs-workspace', billingAccount: { username: 'acme' } });

  test('the list says why one cannot be bound; create with or without a Guance account', () => {
    const { actions } = setup(at('workspace-choose', { activation: ws, workspaces: list }), (p) => <WorkspaceChoose p={p} lang="en" />);
    const radios = screen.getAllByRole('radio') as HTMLInputElement[];
    expect(radios[0]!.disabled).toBe(true);
    expect(screen.getByText(/settled by another Alibaba Cloud account/)).toBeTruthy();
    fireEvent.click(radios[1]!);
    fireEvent.click(screen.getByRole('button', { name: 'Bind' }));
    fireEvent.click(screen.getByRole('button', { name: "I don't have a Guance account" }));
    expect(actions).toEqual([
      { type: 'field', form: 'workspace', name: 'workspaceId', value: 'w2' },
      { type: 'ask-confirm-bind' },
      { type: 'create-workspace', kind: 'new' },
    ]);
  });

  test('a workspace frozen by an expired instance says so, in English and in Chinese', () => {
    const frozen = [{ id: 'w3', name: 'Old', site: 'cn1' as const, language: 'zh' as const, bindable: false, reason: 'frozen', frozenUntil: '2026-01-29T08:00:00.000Z' }];
    setup(at('workspace-choose', { activation: ws, workspaces: frozen }), (p) => <WorkspaceChoose p={p} lang="en" />);
    expect(screen.getByText(/frozen: the marketplace instance that paid for it has expired/)).toBeTruthy();
    expect((screen.getByRole('radio') as HTMLInputElement).disabled).toBe(true);
    cleanup();
    setup(at('workspace-choose', { activation: ws, workspaces: frozen }), (p) => <WorkspaceChoose p={p} lang="zh_CN" />, 'zh_CN');
    expect(screen.getByText(/已冻结：为其付费的云市场实例已到期/)).toBeTruthy();
  });

  test('"I don\'t have a Guance account" asks for username and password twice; "I have one" only email and code', () => {
    setup(at('workspace-create-new', { activation: ws }), (p) => <WorkspaceCreate p={p} lang="en" />);
    for (const l of ['Workspace name', 'Workspace language', 'Username', 'Password', 'Password again', 'Email', 'Verification code', /Phone/]) expect(screen.getByLabelText(l)).toBeTruthy();
    cleanup();
    setup(at('workspace-create-existing', { activation: ws }), (p) => <WorkspaceCreate p={p} lang="en" />);
    expect(screen.queryByLabelText('Username')).toBeNull();
    expect(screen.getByLabelText('Email of your Guance account')).toBeTruthy();
  });

  test('confirmation names the workspace and the instance', () => {
    const s = { ...at('workspace-confirm-bind', { activation: ws, workspaces: list }) };
    s.values = { ...s.values, workspace: { ...s.values.workspace, workspaceId: 'w2' } };
    const { runs } = setup(s, (p) => <ConfirmBind p={p} lang="en" />);
    expect(screen.getByText(/Bind workspace Dev \(Americas 1 \(Oregon\)\) so that instance 99001/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Confirm' }));
    expect(runs).toEqual(['bind-workspace']);
  });
});

test('done: what was bound, and a button that opens the site\'s login page', () => {
  const a = activation({ state: 'activated', billingAccount: { username: 'acme' }, workspace: { id: 'w', name: 'Prod', site: 'cn4', language: 'zh' }, loginUrl: 'https://cn4-auth.guance.com/login/pwd' });
  const { opened } = setup(at('done', { activation: a }), (p) => <Done p={p} lang="en" />);
  expect(screen.getByText('acme')).toBeTruthy();
  expect(screen.getByText('Bound')).toBeTruthy();
  fireEvent.click(screen.getByRole('button', { name: 'Open Guance login' }));
  expect(opened).toEqual(['https://cn4-auth.guance.com/login/pwd']);
});

describe('proving the purchase', () => {
  const proving = (over: Partial<Activation> = {}) => at('prove', { activation: activation({ next: 'prove', proof: null, proofs: ['alibaba-sign-in', 'marketplace'], paths: [], ...over }) });

  test('Sign in with Alibaba Cloud when the API offers it, and Purchased Services one click away', () => {
    const { runs, opened } = setup(proving(), (p) => <ProveStep p={p} />);
    fireEvent.click(screen.getByRole('button', { name: 'Sign in with Alibaba Cloud' }));
    expect(runs).toEqual(['alibaba-sign-in']);
    fireEvent.click(screen.getByRole('button', { name: 'Open Purchased Services' }));
    expect(opened).toEqual([MARKET_PURCHASED]);
    expect(screen.getByText(/click Login Directly next to Guance/)).toBeTruthy();
  });

  test('without Alibaba sign-in configured only Login Directly is offered (as the primary button)', () => {
    setup(proving({ proofs: ['marketplace'] }), (p) => <ProveStep p={p} />);
    expect(screen.queryByRole('button', { name: 'Sign in with Alibaba Cloud' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Open Purchased Services' }).className).toContain('primary');
  });

  test('an already activated purchase asks for proof instead of a form; signing in says it is under way', () => {
    const s = reducer(proving({ next: 'returning' }), { type: 'request', kind: 'alibaba-sign-in' });
    setup(s, (p) => <ProveStep p={p} />);
    expect(screen.getByText(/already activated/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Signing in with Alibaba Cloud…' })).toBeTruthy();
  });

  test('the cloud-account line says how the activation was proved, in both languages', () => {
    const cases: [Partial<Activation>, RegExp][] = [
      [{ proof: 'marketplace', verified: true }, /Login Directly: confirmed by the Alibaba Cloud Marketplace/],
      [{ proof: 'alibaba-sign-in' }, /Proved by signing in with Alibaba Cloud/],
      [{ proof: null }, /Not proved/],
    ];
    for (const [over, text] of cases) {
      setup(at('register-basic', { activation: activation(over) }), (p) => <CloudAccount p={p} activation={p.state.activation!} />);
      expect(document.body.textContent).toMatch(text);
      cleanup();
    }
    setup(at('register-basic', { activation: activation({ proof: 'alibaba-sign-in' }) }), (p) => <CloudAccount p={p} activation={p.state.activation!} />, 'zh_CN');
    expect(document.body.textContent).toContain('已通过阿里云账号登录证明');
  });

  test('an error about the cloud account sits on the cloud-account line, on the step where it happened', () => {
    const s = reducer(at('bind-billing-account'), {
      type: 'failed', kind: 'bind-billing-account',
      error: { kind: 'api', status: 409, code: 'CLOUD_ACCOUNT_LINKED_ELSEWHERE', message: 'linked', details: { field: 'accountId', issues: [{ path: 'accountId', message: 'linked' }] } },
    });
    expect(s.status).toBe('bind-billing-account');
    setup(s, (p) => (
      <>
        <CloudAccount p={p} activation={p.state.activation!} />
        <BindBillingAccount p={p} />
      </>
    ));
    const line = screen.getByTestId('cloud-account');
    expect(line.querySelector('#e-accountId')?.textContent).toMatch(/already linked to another Billing Center account/);
    expect(line.querySelector('#e-accountId')?.getAttribute('role')).toBe('alert');
    expect(document.querySelector('#form-error')?.textContent).toBe('');
  });
});

describe('the frame around the steps', () => {
  test('progress: the phases with the current one marked', () => {
    setup(at('workspace-create-new'), () => <Progress status="workspace-create-new" />);
    const items = screen.getAllByRole('listitem');
    expect(items.map((i) => i.textContent)).toEqual(['Purchase', 'Billing Center account', 'Workspace', 'Done']);
    expect(items[2]!.getAttribute('aria-current')).toBe('step');
  });

  test('the site is one line where it does nothing, the whole picker where a workspace is created', () => {
    const { actions } = setup(at('bind-billing-account'), (p) => <SitePicker p={p} lang="en" />);
    expect(screen.getByTestId('site-line').textContent).toContain('China 1 (Hangzhou)');
    expect(screen.queryByLabelText('Site')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Change' }));
    fireEvent.change(screen.getByLabelText('Site'), { target: { value: 'us1' } });
    expect(actions).toContainEqual({ type: 'field', form: 'ids', name: 'site', value: 'us1' });
    cleanup();
    setup(at('register-method'), (p) => <SitePicker p={p} lang="en" />);
    expect(screen.getByLabelText('Site')).toBeTruthy();
  });

  test('"Start over" asks first; Cancel keeps everything', () => {
    let confirmed = 0;
    setup(at('register-company'), (p) => <StartOver p={p} onConfirm={() => confirmed++} />);
    fireEvent.click(screen.getByRole('button', { name: 'Start over' }));
    expect(confirmed).toBe(0);
    expect(screen.getByText(/What you typed after step 1 is lost/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(confirmed).toBe(0);
    fireEvent.click(screen.getByRole('button', { name: 'Start over' }));
    fireEvent.click(screen.getByRole('button', { name: 'Yes, start over' }));
    expect(confirmed).toBe(1);
  });

  test('an activation free login brought while another is in progress: both IDs, and the choice', () => {
    const chosen: boolean[] = [];
    const offer = activation({ id: 'a2', accountId: '6543210987654321', instanceId: '77002', verified: true, proof: 'marketplace' });
    setup(at('register-basic'), (p) => <Offer current={p.state.activation} offer={offer} onChoose={(a) => chosen.push(a)} />);
    expect(screen.getByText('Alibaba Cloud account 6543210987654321 · instance 77002')).toBeTruthy();
    expect(screen.getByText('Alibaba Cloud account 1234567890123456 · instance 99001')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Keep the one in progress' }));
    fireEvent.click(screen.getByRole('button', { name: 'Continue with the new one' }));
    expect(chosen).toEqual([false, true]);
  });
});

describe('walk-through fixes on the steps', () => {
  test('Enter in the bind username field sends the code (not Bind)', () => {
    const { runs } = setup(at('bind-billing-account'), (p) => <BindBillingAccount p={p} />);
    const user = screen.getByLabelText('Billing Center username');
    fireEvent.keyDown(user, { key: 'Enter' });
    expect(runs).toEqual(['send-code']);
  });

  test('a cloud account that can only bind is not offered registration', () => {
    setup(at('bind-billing-account', { activation: activation({ next: 'bind-billing-account', paths: ['bind-billing-account'] }) }), (p) => <BindBillingAccount p={p} />);
    expect(screen.queryByRole('button', { name: /Register one/ })).toBeNull();
    cleanup();
    setup(at('bind-billing-account', { activation: activation({ next: 'register', paths: ['register', 'bind-billing-account'] }) }), (p) => <BindBillingAccount p={p} />);
    expect(screen.getByRole('button', { name: /Register one/ })).toBeTruthy();
  });

  test('Done says which Guance account logs in', () => {
    const a = activation({ state: 'activated', workspace: { id: 'w1', name: 'Prod', site: 'cn1', language: 'en' }, billingAccount: { username: 'alice' }, guanceAccount: { username: 'alice', email: 'a***e@example.com' } });
    setup(at('done', { activation: a }), (p) => <Done p={p} lang="en" />);
    expect(screen.getByText('Logs in to Guance')).toBeTruthy();
    expect(document.querySelector('[data-field="guanceAccount"]')?.textContent).toBe('alice (a***e@example.com)');
  });
});
