// The options form's API address: the permission asked for is exactly the origin typed, and a
// browser that refuses to ask (Firefox MV2 without optional_permissions did) is shown, not swallowed.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import en from '../public/_locales/en/messages.json';
import zh from '../public/_locales/zh_CN/messages.json';
import { apiBaseUrl } from '../lib/storage';
import { Options } from './Options';

beforeEach(() => {
  fakeBrowser.reset();
  vi.spyOn(fakeBrowser.runtime, 'getManifest').mockReturnValue({ manifest_version: 2, name: 'x', version: '1', permissions: ['storage', 'http://127.0.0.1/*'] });
  vi.spyOn(fakeBrowser.i18n, 'getUILanguage').mockReturnValue('en-US');
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

async function submit(url: string) {
  render(<Options bundles={{ en, zh_CN: zh }} initialSetting="en" initialUrl="http://127.0.0.1:8787" />);
  fireEvent.input(screen.getByLabelText('API address'), { target: { value: url } });
  fireEvent.click(screen.getByRole('button', { name: 'Save' }));
}

test('a refused request is shown at the field and nothing is saved', async () => {
  const request = vi.spyOn(fakeBrowser.permissions, 'request').mockRejectedValue(new Error('https://x.example/* is not in optional_permissions'));
  await submit('https://x.example');
  await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('could not ask for access to https://x.example'));
  expect(screen.getByRole('alert').textContent).toContain('not in optional_permissions');
  expect(request).toHaveBeenCalledWith({ origins: ['https://x.example/*'] });
  expect(await apiBaseUrl.getValue()).toBe('http://127.0.0.1:8787');
  expect(document.activeElement?.id).toBe('apiBaseUrl');
});

test('a denied request says so; a granted one saves', async () => {
  vi.spyOn(fakeBrowser.permissions, 'request').mockResolvedValueOnce(false).mockResolvedValueOnce(true);
  await submit('https://x.example');
  await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('was not granted'));
  fireEvent.click(screen.getByRole('button', { name: 'Save' }));
  await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Saved.'));
  expect(await apiBaseUrl.getValue()).toBe('https://x.example');
});

test('an origin the manifest grants is saved without asking', async () => {
  const request = vi.spyOn(fakeBrowser.permissions, 'request');
  await submit('http://127.0.0.1:9000');
  await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Saved.'));
  expect(request).not.toHaveBeenCalled();
});
