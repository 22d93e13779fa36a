// The returning step: what is bound, one button to the site's login page, and binding another
// workspace only as a separate choice (offered to a proved buyer only).
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, expect, test } from 'vitest';
import type { Activation } from '../../../shared/schemas';
import { createTranslate } from '../../lib/i18n';
import en from '../../public/_locales/en/messages.json';
import zh from '../../public/_locales/zh_CN/messages.json';
import { initialState } from '../model/reducer';
import type { Action } from '../model/types';
import { Returning } from './steps/Returning';
import { I18n, type StepProps } from './ui';

afterEach(cleanup);

const activation = (over: Partial<Activation> = {}): Activation => ({
  id: 'a1', accountId: '1234567890123456', instanceId: '99001', site: 'cn1', state: 'needs-billing-account',
  billingAccount: null, workspace: null, loginUrl: null, expiresAt: '2030-01-01T00:00:00Z', verified: true, next: 'returning',
  proof: 'marketplace', paths: ['bind-billing-account'],
  returning: { workspaces: [{
    id: 'ws_1', name: 'ACME production', site: 'ap1', language: 'en', loginUrl: 'https://ap1-auth.guance.com/login/pwd',
    billingAccount: { username: 'alice' }, guanceAccount: { username: 'alice', email: 'a***e@example.com' },
  }] },
  ...over,
});

function show(a: Activation, lang: 'en' | 'zh_CN' = 'en') {
  const actions: Action[] = [];
  const opened: string[] = [];
  const p: StepProps = { state: { ...initialState(), status: 'returning', activation: a }, dispatch: (x) => actions.push(x), run: () => {}, next: () => {}, open: (u) => opened.push(u), now: 0 };
  render(<I18n.Provider value={createTranslate({ en, zh_CN: zh }, lang)}><Returning p={p} lang={lang} /></I18n.Provider>);
  return { actions, opened };
}

test('shows workspace and site, Billing Center account and the Guance account; one button opens the login page', () => {
  const { opened, actions } = show(activation());
  expect(screen.getByRole('heading').textContent).toBe('Already activated');
  expect(document.querySelector('[data-field="workspace"]')!.textContent).toMatch(/^ACME production · /);
  expect(document.querySelector('[data-field="billingAccount"]')!.textContent).toBe('alice');
  expect(document.querySelector('[data-field="guanceAccount"]')!.textContent).toBe('alice (a***e@example.com)');
  const login = screen.getAllByRole('button', { name: 'Open Guance login' });
  expect(login).toHaveLength(1);
  fireEvent.click(login[0]!);
  expect(opened).toEqual(['https://ap1-auth.guance.com/login/pwd']);
  // Another workspace is a separate, secondary choice.
  const another = screen.getByRole('button', { name: 'Bind another workspace' });
  expect(another.className).toBe('link');
  fireEvent.click(another);
  expect(actions).toEqual([{ type: 'another-workspace' }]);
});

test('an unproved activation learns nothing bound, and is pointed to Login Directly; in Chinese too', () => {
  const { opened } = show(activation({ verified: false, proof: null, paths: [], returning: null }), 'zh_CN');
  expect(screen.getByRole('heading').textContent).toBe('已开通');
  expect(document.querySelector('[data-field]')).toBeNull();
  expect(screen.queryByRole('button', { name: '绑定另一个工作空间' })).toBeNull();
  fireEvent.click(screen.getByRole('button', { name: zh.free_login_remedy_login_again.message }));
  expect(opened[0]).toMatch(/^https:\/\/market\.console\.aliyun\.com\//);
});
