import { beforeEach, describe, expect, test } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { DetectionSnapshot } from '../../../shared/detections';
import { installMessages, mountFixture } from '../../content/detect/fixtures.testing';
import { fillFocusedField, MENU_ACCOUNT, MENU_INSTANCE_PREFIX, MENU_NONE, MENU_ROOT, menuItems, valueForMenu } from './context-menu-fill';

const source = { url: 'https://x.aliyun.com/', pageKind: 'console' as const, method: 'cookie:login_aliyunid_pk' };
const SNAPSHOT: DetectionSnapshot = {
  account: { accountId: '1234567890123456', identity: 'main', currentId: null, method: 'cookie', source, at: 1 },
  instances: [
    { instanceId: '38215907', productName: 'Guance', status: 'active', statusText: '正常', source, at: 1 },
    { instanceId: '37990001', productName: 'Guance', status: 'expired', statusText: '已过期', source, at: 1 },
  ],
};

beforeEach(() => {
  fakeBrowser.reset();
  installMessages();
});

describe('menu items', () => {
  test('one entry for the account and one per instance, status shown when not active', () => {
    expect(menuItems(SNAPSHOT).map((i) => [i.id, i.title])).toEqual([
      [MENU_ROOT, 'Guance Activator'],
      [MENU_ACCOUNT, 'Fill Alibaba Cloud account ID (1234567890123456)'],
      [`${MENU_INSTANCE_PREFIX}38215907`, 'Fill instance ID 38215907'],
      [`${MENU_INSTANCE_PREFIX}37990001`, 'Fill instance ID 37990001 (expired)'],
    ]);
  });

  test('nothing detected: one disabled hint', () => {
    expect(menuItems({ account: null, instances: [] }).map((i) => [i.id, i.enabled])).toEqual([
      [MENU_ROOT, undefined],
      [MENU_NONE, false],
    ]);
  });

  test('a click maps back to the value it stands for, only for known IDs', () => {
    expect(valueForMenu(MENU_ACCOUNT, SNAPSHOT)).toBe('1234567890123456');
    expect(valueForMenu(`${MENU_INSTANCE_PREFIX}38215907`, SNAPSHOT)).toBe('38215907');
    expect(valueForMenu(`${MENU_INSTANCE_PREFIX}99999999`, SNAPSHOT)).toBeNull();
    expect(valueForMenu(MENU_ACCOUNT, { account: null, instances: [] })).toBeNull();
  });
});

describe('fillFocusedField (the function injected into the page)', () => {
  beforeEach(() => mountFixture('aliyun-form.html'));

  test('fills the focused field with input and change events', () => {
    const input = document.querySelector<HTMLInputElement>('input[name="uid"]')!;
    const events: string[] = [];
    input.addEventListener('input', () => events.push('input'));
    input.addEventListener('change', () => events.push('change'));
    input.focus();
    expect(fillFocusedField('1234567890123456')).toBe(true);
    expect(input.value).toBe('1234567890123456');
    expect(events).toEqual(['input', 'change']);
  });

  test('nothing focused, or a field that is not text: nothing happens', () => {
    (document.activeElement as HTMLElement | null)?.blur();
    expect(fillFocusedField('1')).toBe(false);
    document.body.insertAdjacentHTML('beforeend', '<input type="checkbox" id="cb">');
    document.getElementById('cb')!.focus();
    expect(fillFocusedField('1')).toBe(false);
  });

  test('self-contained: still works when rebuilt from its source text, as executeScript does', () => {
    const rebuilt = new Function(`return (${fillFocusedField.toString()})`)() as typeof fillFocusedField;
    const area = document.querySelector<HTMLInputElement>('input[name="resource"]')!;
    area.focus();
    expect(rebuilt('38215907')).toBe(true);
    expect(area.value).toBe('38215907');
  });
});
