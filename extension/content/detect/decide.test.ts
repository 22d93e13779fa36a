// The pure half on the HTML fixtures every page kind and variant has (test/fixtures/pages).
import { describe, expect, test } from 'vitest';
import { AccountDetection, InstanceDetection } from '../../../shared/detections';
import { decideAccount, decideInstances, statusOf } from './decide';
import { collectPage } from './collect';
import { loadFixture } from './fixtures.testing';

const NOW = 1_700_000_000_000;
const HOME = 'https://home.console.aliyun.com/';
const LIST = 'https://market.console.aliyun.com/imageconsole/index.htm';

function account(name: string, url = HOME, opts?: { cookie?: string }) {
  const a = decideAccount(loadFixture(name, url).records(opts), NOW);
  if (a) AccountDetection.parse(a); // what the background will validate
  return a;
}

describe('account ID, in order of trust', () => {
  test('main account from ALIYUN_CONSOLE_CONFIG (English avatar menu)', () => {
    expect(account('console-main-en.html')).toEqual({
      accountId: '1234567890123456',
      identity: 'main',
      currentId: null,
      method: 'page-global',
      source: { url: HOME, pageKind: 'console', method: 'page-global:ALIYUN_CONSOLE_CONFIG' },
      at: NOW,
    });
  });

  test('ECS console: ALIYUN_ECS_CONSOLE_CONFIG.MASTER_PK', () => {
    const a = account('ecs-console-zh.html', 'https://ecs.console.aliyun.com/server');
    expect(a).toMatchObject({ accountId: '1234567890123456', identity: 'main', method: 'page-global' });
    expect(a?.source.method).toContain('ALIYUN_ECS_CONSOLE_CONFIG');
  });

  test('RAM user: the MAIN account ID is offered, the signed-in ID kept aside', () => {
    expect(account('console-ram-user.html')).toMatchObject({
      accountId: '1876543210987654',
      identity: 'ram-user',
      currentId: '2876543210987654',
      method: 'page-global',
    });
  });

  test('assumed role (sts): main account ID, identity role', () => {
    expect(account('console-role-sts.html')).toMatchObject({
      accountId: '1555555555555555',
      identity: 'role',
      currentId: '300123456789012345',
    });
  });

  test('Account Center, Chinese label "账号 ID" (dt/dd), no globals', () => {
    const a = account('account-center-zh.html', 'https://account.console.aliyun.com/v2/#/basic-info/index');
    expect(a).toMatchObject({ accountId: '1234567890123456', method: 'page-label', identity: 'unknown' });
    expect(a?.source.pageKind).toBe('account-center');
  });

  test('Account Center, international, "Account ID: …" in one text', () => {
    const a = account('account-center-en.html', 'https://account.alibabacloud.com/');
    expect(a).toMatchObject({ accountId: '5123456789012345', method: 'page-label' });
  });

  test('global missing: the label "账号ID" wins over the cookie', () => {
    expect(account('console-label-no-global.html')).toMatchObject({ accountId: '1234567890123456', method: 'page-label' });
  });

  test('no global, no label: the RAM logon name user@<UID>.onaliyun.com beats the cookie', () => {
    expect(account('console-logon-only.html')).toMatchObject({
      accountId: '1876543210987654',
      method: 'ram-logon-name',
      identity: 'ram-user',
    });
  });

  test('last resort: the login_aliyunid_pk cookie; 15- and 17-digit labels do not count', () => {
    expect(account('console-cookie-only.html')).toMatchObject({ accountId: '1234567890123456', method: 'cookie' });
  });

  test('HttpOnly cookie (absent for the script) and nothing else: no detection', () => {
    expect(account('console-cookie-only.html', HOME, { cookie: '' })).toBeNull();
  });

  test('marketplace product page: the cookie', () => {
    const a = account('marketplace-product.html', 'https://market.aliyun.com/products/56838014/cmgj00053362.html');
    expect(a).toMatchObject({ accountId: '1234567890123456', method: 'cookie' });
    expect(a?.source.pageKind).toBe('marketplace-product');
  });

  test('a global that is not 16 digits is not an account ID: the next method takes over', () => {
    const f = loadFixture('console-label-no-global.html', HOME);
    const records = f.records();
    records.globals = { console: { mainAccountPk: '12345', currentPk: null, accountType: 'main' }, ecs: null };
    expect(decideAccount(records, NOW)).toMatchObject({ accountId: '1234567890123456', method: 'page-label' });
  });
});

describe('Guance instances on Purchased Services', () => {
  const ids = (list: { instanceId: string; status: string }[]) =>
    Object.fromEntries(list.map((i) => [i.instanceId, i.status]));

  test('Chinese list (split header/body tables): Guance rows only, with status', () => {
    const list = decideInstances(loadFixture('purchased-services.html', LIST).records(), NOW);
    for (const i of list) InstanceDetection.parse(i);
    expect(ids(list)).toEqual({
      '38215907': 'active',
      '37990001': 'expired',
      '38100022': 'closed',
      '38300033': 'active', // no name, but the product code in its link
    });
    expect(list.find((i) => i.instanceId === '37990001')).toMatchObject({
      productName: '观测云-商业版（按量付费）',
      statusText: '已过期',
      source: { url: LIST, pageKind: 'purchased-services', method: 'purchased-services-row' },
      at: NOW,
    });
  });

  test('English list', () => {
    const list = decideInstances(loadFixture('purchased-services-en.html', 'https://marketplace.console.alibabacloud.com/').records(), NOW);
    expect(ids(list)).toEqual({ '41000001': 'active', '41000002': 'closed' });
  });

  test('content that arrives after load, then page 2 of the SPA', () => {
    const f = loadFixture('purchased-services-late.html', LIST);
    expect(decideInstances(f.records(), NOW)).toEqual([]);
    const rows = f.doc.getElementById('rows')!;
    // What late-content.js does after two seconds:
    const show = (id: string) => {
      for (const tr of (f.doc.getElementById(id) as HTMLTemplateElement).content.querySelectorAll('tr')) rows.append(tr.cloneNode(true));
    };
    show('late-rows');
    expect(ids(decideInstances(f.records(), NOW))).toEqual({ '38215907': 'active', '37990001': 'expired' });
    rows.textContent = '';
    show('page-2');
    expect(ids(decideInstances(f.records(), NOW))).toEqual({ '38400044': 'active' });
  });

  test('rows are only read on the Purchased Services page', () => {
    const f = loadFixture('purchased-services.html', HOME);
    expect(decideInstances(f.records(), NOW)).toEqual([]);
  });

  test.each([
    ['正常', 'active'],
    ['Active', 'active'],
    ['已过期', 'expired'],
    ['Expired', 'expired'],
    ['已冻结', 'expired'],
    ['已释放', 'closed'],
    ['Closed', 'closed'],
    ['Inactive', 'closed'],
    ['审核中', 'unknown'],
  ])('status %s → %s', (text, status) => {
    expect(statusOf(text)).toBe(status);
  });
});

describe('records read as visual units (fixtures built from the real consoles)', () => {
  const INTL = 'https://market.console.alibabacloud.com/bizlist';
  const read = (name: string, url = LIST) => {
    const list = decideInstances(loadFixture(name, url).records(), NOW);
    for (const i of list) InstanceDetection.parse(i);
    return Object.fromEntries(list.map((i) => [i.instanceId, i.status]));
  };

  test.each([
    ['purchased-services-lines-zh.html', LIST, { '61182837': 'active', '61180001': 'closed', '61190002': 'opening' }],
    ['purchased-services-lines-en.html', INTL, { '71182837': 'active', '71180001': 'closed', '71190002': 'opening' }],
  ])('several <tr>s per record, status on the first line, ID on the second: %s', (name, url, want) => {
    expect(read(name, url)).toEqual(want);
  });

  test.each([
    ['purchased-services-filter-zh.html', { '61182837': 'active', '61180001': 'expired' }],
    ['purchased-services-filter-en.html', { '71182837': 'active', '71180001': 'expired' }],
  ])('a status header with its filter (状态(全部状态) / Status (All)) still names the column: %s', (name, want) => {
    expect(read(name)).toEqual(want);
  });

  test.each([
    ['purchased-services-record-tables-zh.html', { '61182837': 'active', '61180001': 'closed' }],
    ['purchased-services-record-tables-en.html', { '71182837': 'active', '71180001': 'closed' }],
  ])('each record its own <table role="row"> with a group-header row: %s', (name, want) => {
    expect(read(name)).toEqual(want);
  });

  test.each([
    ['purchased-services-blocks-zh.html', { '2895900': 'active', '2801234': 'closed' }],
    ['purchased-services-blocks-en.html', { '71182837': 'active', '71180001': 'closed', '71190002': 'opening' }],
  ])('plain <div> blocks, no table: %s', (name, want) => {
    expect(read(name)).toEqual(want);
  });

  test('the close action (关闭) of an open instance never reads as its status', () => {
    const f = loadFixture('purchased-services-lines-zh.html', LIST);
    const open = decideInstances(f.records(), NOW).find((i) => i.instanceId === '61182837');
    expect(open).toMatchObject({ status: 'active', statusText: '已开通', productName: expect.stringContaining('观测云') });
    // Even with its status cell emptied, the actions do not make it closed.
    f.doc.querySelector('#rows td:nth-child(3)')!.textContent = '';
    expect(decideInstances(f.records(), NOW).find((i) => i.instanceId === '61182837')?.status).toBe('unknown');
  });

  test('the next page replacing the rows in place is read on the next pass', () => {
    for (const [name, before, after] of [
      ['purchased-services-paging-zh.html', { '61182837': 'active' }, { '61170005': 'expired', '61170006': 'active' }],
      ['purchased-services-paging-en.html', { '71182837': 'active' }, { '71170005': 'expired' }],
    ] as const) {
      const f = loadFixture(name, LIST);
      const ids = () => Object.fromEntries(decideInstances(f.records(), NOW).map((i) => [i.instanceId, i.status]));
      expect(ids()).toEqual(before);
      // What paging.js does on "next": the same <tr>s get the next page's cells.
      const trs = f.doc.querySelectorAll('#rows tr');
      (f.doc.getElementById('page-2') as HTMLTemplateElement).content.querySelectorAll('tr').forEach((tr, i) => {
        if (trs[i]) trs[i]!.innerHTML = tr.innerHTML;
        else f.doc.getElementById('rows')!.append(tr.cloneNode(true));
      });
      expect(ids()).toEqual(after);
    }
  });

  test.each([
    ['开通中', 'opening'],
    ['Opening', 'opening'],
    ['已开通', 'active'],
    ['Activated', 'active'],
    ['已关闭', 'closed'],
    ['关闭', 'unknown'],
    ['Close', 'unknown'],
    ['释放', 'unknown'],
  ])('status %s → %s (an action is not a status)', (text, status) => {
    expect(statusOf(text)).toBe(status);
  });
});

describe('identity kinds and untrusted sources', () => {
  test.each([
    ['ecs-console-role-zh.html', '1555555555555555', '300123456789012345'],
    ['ecs-console-role-en.html', '5123456789012345', '300999888777666555'],
  ])('a role session (isRoleAccount) is its own kind, not a RAM user: %s', (name, main, current) => {
    expect(account(name, 'https://ecs.console.aliyun.com/')).toMatchObject({
      accountId: main,
      identity: 'role',
      currentId: current,
      method: 'page-global',
    });
  });

  test('a RAM logon name with the account alias, next to a stale cookie of another account: the cookie is not believed', () => {
    expect(account('console-ram-alias-zh.html')).toBeNull();
  });

  test('alias logon name, stale cookie, and the menu\'s Account ID: the label, as a RAM user', () => {
    expect(account('console-ram-alias-en.html')).toMatchObject({
      accountId: '1876543210987654',
      identity: 'ram-user',
      method: 'page-label',
    });
  });

  test('a cookie that names the same account as the RAM logon name is still used', () => {
    const r = loadFixture('console-logon-only.html', HOME).records({ cookie: 'login_aliyunid_pk=1876543210987654' });
    r.logonNames = [];
    expect(decideAccount(r, NOW)).toMatchObject({ accountId: '1876543210987654', method: 'cookie' });
  });

  test('page globals, once present, are the only source: a label and a cookie of another account change nothing', () => {
    const r = loadFixture('console-main-en.html', HOME).records({ cookie: 'login_aliyunid_pk=1111222233334444' });
    r.labels.unshift({ label: 'accountid', after: '1111222233334444' });
    expect(decideAccount(r, NOW)).toMatchObject({ accountId: '1234567890123456', identity: 'main', method: 'page-global' });
  });

  test('a label remembered from the avatar dropdown after it closed is read like one on the page', () => {
    const f = loadFixture('console-avatar-hover-zh.html', HOME);
    expect(decideAccount(f.records(), NOW)).toBeNull();
    const r = collectPage(f.doc, {
      url: HOME, pageKind: 'console', globals: null, cookie: '',
      remembered: [{ label: '账号id', after: '1234567890123456' }],
    });
    expect(decideAccount(r, NOW)).toMatchObject({ accountId: '1234567890123456', method: 'page-label' });
  });
});
