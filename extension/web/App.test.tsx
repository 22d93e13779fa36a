// The web wizard's shell: the buyer's language with a switch that is kept, a refused free login's
// advice in both languages with its one remedy, and the popup offered once the extension marked
// the page (the wizard still one click away).
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, expect, test } from 'vitest';
import en from '../public/_locales/en/messages.json';
import zh from '../public/_locales/zh_CN/messages.json';
import type { Bundles } from '../lib/i18n';
import type { WizardEnv } from '../popup/model/transport';
import { LANG_KEY, WebApp, type WebAppProps } from './App';

afterEach(cleanup);

const env: WizardEnv = {
  transport: { call: async (call) => (call === 'get-activation' ? { ok: true, data: { activation: null } } : { ok: false, error: { kind: 'network', message: 'offline' } }) } as WizardEnv['transport'],
  drafts: { load: async () => null, save: async () => {} },
  open: () => {},
};

function settings() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), m };
}

const props = (over: Partial<WebAppProps> = {}): WebAppProps => ({
  bundles: { en, zh_CN: zh } as Bundles, page: { kind: 'start' }, env, settings: settings(), browserLanguage: 'zh-CN',
  watchTaken: () => false, startHref: '/activate', ...over,
});

test("follows the browser's language; the switch changes it and is kept", async () => {
  const s = settings();
  render(<WebApp {...props({ settings: s })} />);
  expect(screen.getByRole('heading', { level: 1 }).textContent).toBe(zh.web_title.message);
  fireEvent.click(screen.getByRole('button', { name: zh.common_switch_language.message }));
  await waitFor(() => expect(screen.getByRole('heading', { level: 1 }).textContent).toBe(en.web_title.message));
  expect(s.m.get(LANG_KEY)).toBe('en');
  await waitFor(() => expect(document.querySelector('.wizard[data-status="ids"]')).not.toBeNull());
});

test('a refused free login: title and advice in the buyer language, the other below, the remedy; no code', () => {
  render(<WebApp {...props({ browserLanguage: 'en-US', page: { kind: 'failure', outcome: { ok: false, failure: 'instance-released', remedy: 'buy-again', code: 'INSTANCE_NOT_ACTIVE', status: 409 } } })} />);
  expect(screen.getByRole('heading', { level: 2 }).textContent).toBe(en.free_login_instance_released_title.message);
  expect(screen.getByRole('heading', { level: 3 }).textContent).toBe(zh.free_login_instance_released_title.message);
  expect(screen.getByText(en.free_login_remedy_buy_again.message).getAttribute('href')).toMatch(/^https:\/\/market\.aliyun\.com\//);
  expect(document.body.textContent).not.toContain('INSTANCE_NOT_ACTIVE');
});

test('the extension took the activation up: the page offers its popup, and the buyer may stay', async () => {
  let mark: () => void = () => {};
  const landing = { kind: 'landing' as const, token: null, landing: { activationId: 'act_1', accountId: '1234567890123456', instanceId: '1', expiresAt: '2030-01-01T00:00:00Z' } };
  render(<WebApp {...props({ browserLanguage: 'en', page: landing, watchTaken: (on) => ((mark = on), false) })} />);
  expect(screen.queryByTestId('taken-by-extension')).toBeNull();
  mark();
  await waitFor(() => expect(screen.getByTestId('taken-by-extension').textContent).toContain(en.web_extension_took_over.message));
  fireEvent.click(screen.getByRole('button', { name: en.web_continue_here.message }));
  await waitFor(() => expect(screen.queryByTestId('taken-by-extension')).toBeNull());
  expect(document.querySelector('.wizard')).not.toBeNull();
});
