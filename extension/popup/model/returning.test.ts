// A returning buyer: the instance pays for a workspace already. The wizard shows what is bound and
// the way in; binding another workspace happens only after the explicit choice on that step.
import { describe, expect, test } from 'vitest';
import type { Activation } from '../../../shared/schemas';
import { readDraft, toDraft } from './draft';
import { initialState, reducer } from './reducer';
import { requestFor } from './requests';
import { siteChangeable } from './effects';
import type { Action, WizardState } from './types';

const bound = {
  id: 'ws_1', name: 'ACME production', site: 'cn1' as const, language: 'en' as const, loginUrl: 'https://auth.guance.com/login/pwd',
  billingAccount: { username: 'alice' }, guanceAccount: { username: 'alice', email: 'a***e@example.com' },
};
const returning = (over: Partial<Activation> = {}): Activation => ({
  id: 'act_r', accountId: '1234567890123456', instanceId: '987654321', site: 'cn1', state: 'needs-billing-account',
  billingAccount: null, workspace: null, loginUrl: null, expiresAt: '2030-01-01T00:00:00.000Z', verified: true,
  next: 'returning', proof: 'marketplace', paths: ['bind-billing-account'], returning: { workspaces: [bound] }, ...over,
});
const run = (s: WizardState, ...actions: Action[]) => actions.reduce(reducer, s);
const adopted = (a: Activation) => run(initialState(), { type: 'activation', kind: 'get-activation', activation: a });

describe('returning buyers', () => {
  test('free login on an activated purchase opens the returning step, not binding; no site picker there', () => {
    const s = adopted(returning());
    expect(s.status).toBe('returning');
    expect(siteChangeable(s)).toBe(false);
    // Typed IDs (unproved): the prove step first; proved, the returning step.
    const typed = run(initialState(), { type: 'request', kind: 'start-activation' },
      { type: 'activation', kind: 'start-activation', activation: returning({ verified: false, proof: null, paths: [], returning: null }) });
    expect(typed.status).toBe('prove');
    expect(reducer(typed, { type: 'activation', kind: 'alibaba-sign-in', activation: returning({ verified: true, proof: 'alibaba-sign-in' }) }).status).toBe('returning');
  });

  test('another workspace is an explicit choice, only for a proved buyer, and the requests say so', () => {
    const unproved = adopted(returning({ verified: false, proof: null, paths: [], returning: null }));
    expect(reducer(unproved, { type: 'another-workspace' })).toBe(unproved);

    let s = reducer(adopted(returning()), { type: 'another-workspace' });
    expect(s).toMatchObject({ status: 'bind-billing-account', anotherWorkspace: true });
    // The API still says `returning` after the Billing Center step: the choice holds.
    s = run(s, { type: 'request', kind: 'bind-billing-account' },
      { type: 'activation', kind: 'bind-billing-account', activation: returning({ state: 'needs-workspace', billingAccount: { username: 'alice' }, paths: ['create-workspace', 'bind-workspace'] }) });
    expect(s.status).toBe('workspace-choose');
    s = run(s, { type: 'field', form: 'workspace', name: 'workspaceId', value: 'ws_2' });
    expect(requestFor('bind-workspace', s).body).toEqual({ workspaceId: 'ws_2', anotherWorkspace: true });
    // It survives a reload, and a fresh start forgets it.
    const again = reducer(initialState(), { type: 'hydrate', draft: readDraft(JSON.parse(JSON.stringify(toDraft(s, 1))))! });
    expect(again.anotherWorkspace).toBe(true);
    expect(reducer(s, { type: 'start-over' }).anotherWorkspace).toBe(false);
  });

  test('without the choice no request asks for another workspace', () => {
    const s = { ...initialState(), status: 'workspace-choose' as const, values: { ...initialState().values, workspace: { workspaceId: 'ws_2' } } };
    expect(requestFor('bind-workspace', s).body).toEqual({ workspaceId: 'ws_2' });
  });

  test('once activated, Done', () => {
    const s = run(reducer(adopted(returning()), { type: 'another-workspace' }), { type: 'request', kind: 'create-workspace' },
      { type: 'activation', kind: 'create-workspace', activation: returning({ state: 'activated', next: 'done' }) });
    expect(s.status).toBe('done');
  });
});
