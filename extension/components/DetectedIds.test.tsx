import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { AccountDetection, DetectionSnapshot, InstanceDetection } from '../../shared/detections';
import { installMessages } from '../detect/fixtures.testing';
import { DetectedIds, preferredInstance } from './DetectedIds';

const account = (over: Partial<AccountDetection> = {}): AccountDetection => ({
  accountId: '1234567890123456', identity: 'main', currentId: null, method: 'page-global',
  source: { url: 'https://home.console.aliyun.com/', pageKind: 'console', method: 'page-global:ALIYUN_CONSOLE_CONFIG' },
  at: Date.UTC(2025, 0, 2, 3, 4, 5), ...over,
});
const inst = (instanceId: string, status: InstanceDetection['status'], at: number): InstanceDetection => ({
  instanceId, productName: '观测云-商业版', status, statusText: status, at,
  source: { url: 'https://market.console.aliyun.com/imageconsole/index.htm', pageKind: 'purchased-services', method: 'purchased-services-row' },
});

const input = (name: string) => document.querySelector<HTMLInputElement>(`input[name="${name}"]`);

beforeEach(() => {
  fakeBrowser.reset();
  installMessages();
});
afterEach(cleanup);

describe('DetectedIds', () => {
  test('one account, one instance: both fields filled, with where they were read', () => {
    render(<DetectedIds snapshot={{ account: account(), instances: [inst('38215907', 'active', 1)] }} />);
    expect(input('accountId')!.value).toBe('1234567890123456');
    expect(input('instanceId')!.value).toBe('38215907');
    expect(screen.getByText(/Read from the Alibaba Cloud console \(console data\)/)).toBeTruthy();
    expect(screen.getByText(/Read from Purchased Services \(list row\)/)).toBeTruthy();
    expect(screen.queryByRole('note')).toBeNull();
  });

  test('RAM user: the main account ID, and a notice saying so', () => {
    render(<DetectedIds snapshot={{ account: account({ identity: 'ram-user', currentId: '2876543210987654' }), instances: [] }} />);
    expect(input('accountId')!.value).toBe('1234567890123456');
    expect(screen.getByRole('note').textContent).toContain("main account's ID");
    expect(screen.getByText(/Purchased Services/)).toBeTruthy(); // the "no instance yet" hint
  });

  test('several instances: a radio group, the active one preselected, closed/expired marked and not chosen', () => {
    const snapshot: DetectionSnapshot = {
      account: account(),
      instances: [inst('37990001', 'expired', 9), inst('38215907', 'active', 2), inst('38100022', 'closed', 8)],
    };
    const onChange = vi.fn();
    render(<DetectedIds snapshot={snapshot} onChange={onChange} />);
    const radios = [...document.querySelectorAll<HTMLInputElement>('input[type=radio][name="instanceId"]')];
    expect(radios.map((r) => [r.value, r.checked])).toEqual([
      ['37990001', false],
      ['38215907', true],
      ['38100022', false],
    ]);
    expect([...document.querySelectorAll('[data-status]')].map((l) => l.getAttribute('data-status'))).toEqual(['expired', 'active', 'closed']);
    expect(screen.getByText('expired')).toBeTruthy();
    expect(onChange).toHaveBeenLastCalledWith({ accountId: '1234567890123456', instanceId: '38215907' });
    fireEvent.click(radios[2]!);
    expect(onChange).toHaveBeenLastCalledWith({ accountId: '1234567890123456', instanceId: '38100022' });
  });

  test('only a closed instance: shown as closed, the field stays empty', () => {
    render(<DetectedIds snapshot={{ account: null, instances: [inst('38100022', 'closed', 1)] }} />);
    expect(input('instanceId')!.value).toBe('');
    expect(screen.getByText('38100022: closed')).toBeTruthy();
    expect(screen.getByText(/No account ID yet/)).toBeTruthy();
  });

  test('copy puts the value on the clipboard', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    render(<DetectedIds snapshot={{ account: account(), instances: [] }} />);
    fireEvent.click(screen.getByRole('button', { name: 'Copy Alibaba Cloud account ID' }));
    expect(writeText).toHaveBeenCalledWith('1234567890123456');
    expect(await screen.findByText('Copied')).toBeTruthy();
  });

  test('the user may correct a value; the correction is reported', () => {
    const onChange = vi.fn();
    render(<DetectedIds snapshot={{ account: account(), instances: [] }} onChange={onChange} />);
    fireEvent.input(input('accountId')!, { target: { value: '6543210987654321' } });
    expect(onChange).toHaveBeenLastCalledWith({ accountId: '6543210987654321', instanceId: '' });
  });

  test('preferredInstance: newest active, else newest unknown, else none', () => {
    expect(preferredInstance([inst('1', 'active', 1), inst('2', 'active', 3)])).toBe('2');
    expect(preferredInstance([inst('1', 'unknown', 1), inst('2', 'closed', 3)])).toBe('1');
    expect(preferredInstance([inst('2', 'expired', 3)])).toBe('');
  });
});
