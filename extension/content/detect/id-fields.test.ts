// Which field asks for which ID, on the form fixtures; and a fill that a React-style form registers.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeEach, describe, expect, test } from 'vitest';
import { collectFields, fieldKind, setFieldValue } from './id-fields';
import { FIXTURES, mountFixture } from './fixtures.testing';

const mount = mountFixture;

const kinds = () =>
  Object.fromEntries(
    collectFields(document).map((f) => [f.element.dataset.field ?? f.element.getAttribute('name'), fieldKind(f.texts)]),
  );

describe('fields by label, en/zh', () => {
  test('Billing Center registration: wrapping <label>, placeholder + nearby text; others untouched', () => {
    mount('billing-register.html');
    expect(kinds()).toEqual({ workspaceName: null, accountId: 'accountId', instanceId: 'instanceId', username: null });
  });

  test('change settlement (English): aria-labelledby and aria-label', () => {
    mount('billing-change-settlement.html');
    expect(kinds()).toEqual({ accountId: 'accountId', instanceId: 'instanceId', note: null });
  });

  test('Alibaba Cloud form: nearby text "实例 ID", "阿里云账号ID：", textarea ignored', () => {
    mount('aliyun-form.html');
    expect(kinds()).toEqual({ resource: 'instanceId', uid: 'accountId', desc: null });
  });

  test.each([
    [['Product Instance ID'], 'instanceId'],
    [['商品实例 ID'], 'instanceId'],
    [['Instance ID'], 'instanceId'],
    [['Account ID *'], 'accountId'],
    [['账号 ID'], 'accountId'],
    [['请输入账号'], null],
    [['GUID'], null],
    [['Workspace ID'], null],
  ])('%j → %s', (texts, kind) => {
    expect(fieldKind(texts)).toBe(kind);
  });

  test('read-only, disabled, hidden and password inputs are not fields', () => {
    document.body.innerHTML =
      '<label>Account ID <input readonly></label><label>Account ID <input disabled></label>' +
      '<label>Account ID <input type="hidden"></label><label>Account ID <input type="password"></label>';
    expect(collectFields(document)).toEqual([]);
  });
});

describe('setFieldValue', () => {
  beforeEach(() => mount('billing-register.html'));

  test('a React-style form (value tracker on the element) registers the value', () => {
    new Function(readFileSync(resolve(FIXTURES, 'react-like.js'), 'utf8'))();
    const input = document.querySelector<HTMLInputElement>('[data-field="accountId"]')!;
    setFieldValue(input, '1234567890123456');
    expect(input.value).toBe('1234567890123456');
    expect(JSON.parse(document.getElementById('state')!.textContent!)).toEqual({ accountId: '1234567890123456' });
  });

  test('the naive way (assigning .value) is what such a form ignores: the fixture is a fair test', () => {
    new Function(readFileSync(resolve(FIXTURES, 'react-like.js'), 'utf8'))();
    const input = document.querySelector<HTMLInputElement>('[data-field="accountId"]')!;
    input.value = '1234567890123456';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    expect(JSON.parse(document.getElementById('state')!.textContent!)).toEqual({});
  });
});
