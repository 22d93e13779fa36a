// The DOM half: its cheap sieves (one regex per text node, one query per selector, links looked
// up once) must let through everything the full checks accept.
import { describe, expect, test } from 'vitest';
import { loginDirectlyControl } from '../features/login-directly-click';
import { collectPage, recordAt, type PageRecords } from './collect';
import { decideRecord } from './decide';
import { loadFixture } from './fixtures.testing';

const LIST = 'https://market.console.aliyun.com/imageconsole/index.htm';

function collect(body: string, pageKind: PageRecords['pageKind'] = 'purchased-services'): PageRecords {
  const doc = new DOMParser().parseFromString(`<!doctype html><html><body>${body}</body></html>`, 'text/html');
  return collectPage(doc, { url: LIST, pageKind, globals: null, cookie: '' });
}

describe('labels', () => {
  test.each([
    ['<span>Account ID</span><span>1234567890123456</span>', 'accountid', '1234567890123456'],
    ['<dt>账号 ID</dt><dd>1234567890123456</dd>', '账号id', '1234567890123456'],
    ['<p>Account ID: 1234567890123456</p>', 'accountid', '1234567890123456'],
    ['<p>ACCOUNT ID:1234567890123456</p>', 'accountid', '1234567890123456'],
    ['<p>阿里云账号 ID＊：1234567890123456</p>', '阿里云账号id', '1234567890123456'],
    ['<label>UID *</label><b>1234567890123456</b>', 'uid', '1234567890123456'],
    ['<span>Main Account ID\u00a0</span><span>1234567890123456</span>', 'mainaccountid', '1234567890123456'],
    ['<span>\n  主账号 ID：\n</span><span>1234567890123456</span>', '主账号id', '1234567890123456'],
  ])('%s', (html, label, after) => {
    expect(collect(html).labels).toEqual([{ label, after }]);
  });

  test('text that only mentions an ID is not a label', () => {
    const r = collect('<p>Region <b>cn-hangzhou</b> · ID 1000</p><p>Instance ID list</p><p>Account IDs: 1234567890123456</p>');
    expect(r.labels).toEqual([]);
  });

  test('RAM logon names', () => {
    expect(collect('<div>alice@1876543210987654.onaliyun.com</div><div>nobody@example.com</div>').logonNames).toEqual([
      'alice@1876543210987654.onaliyun.com',
    ]);
  });
});

describe('rows (Purchased Services)', () => {
  const table = (rows: string) =>
    `<div class="next-table"><div><table><thead><tr><th>商品名称</th><th>实例ID</th><th>状态</th></tr></thead></table></div>` +
    `<div><table><tbody>${rows}</tbody></table></div></div>`;

  test('a name split by markup, upper case, or only the product code in a link: all recorded; other rows not', () => {
    const r = collect(
      table(
        '<tr><td><em>观测</em>云-商业版</td><td>38215907</td><td>正常</td></tr>' +
          '<tr><td>Other Service</td><td>30000001</td><td>正常</td></tr>' +
          '<tr><td>GUANCE Cloud</td><td>38215908</td><td>已过期</td></tr>' +
          '<tr><td><a href="/products/56838014/cmgj00053362.html">Service A</a></td><td>38215909</td><td>正常</td></tr>',
      ),
    );
    expect(r.rows.map((row) => row.cells)).toEqual([
      ['观测云-商业版', '38215907', '正常'],
      ['GUANCE Cloud', '38215908', '已过期'],
      ['Service A', '38215909', '正常'],
    ]);
    expect(r.rows[0]!.headers).toEqual(['商品名称', '实例ID', '状态']);
    expect(r.rows[2]!.hrefs).toEqual(['/products/56838014/cmgj00053362.html']);
  });

  test('ARIA grid rows and table rows together, in document order', () => {
    const grid =
      '<div role="grid"><div role="row"><div role="columnheader">Product</div><div role="columnheader">Instance ID</div></div>' +
      '<div role="row"><div role="cell">Guance</div><div role="gridcell">41000001</div></div></div>';
    const r = collect(table('<tr><td>观测云</td><td>38215907</td><td>正常</td></tr>') + grid + table('<tr><td>guance</td><td>38215910</td><td>正常</td></tr>'));
    expect(r.rows.map((row) => row.cells)).toEqual([
      ['观测云', '38215907', '正常'],
      ['Guance', '41000001'],
      ['guance', '38215910', '正常'],
    ]);
  });

  test('role=columnheader cells in the wrapper are the headers of a table without <thead>', () => {
    const r = collect(
      '<div><div><span role="columnheader">Product</span><span role="columnheader">Instance ID</span></div>' +
        '<table><tbody><tr><td>Guance</td><td>41000002</td></tr></tbody></table></div>',
    );
    expect(r.rows).toEqual([
      { cells: ['Guance', '41000002'], plain: ['Guance', '41000002'], lines: [0], headers: ['Product', 'Instance ID'], hrefs: [] },
    ]);
  });

  test('rows are not read on other pages', () => {
    expect(collect(table('<tr><td>观测云</td><td>38215907</td><td>正常</td></tr>'), 'console').rows).toEqual([]);
  });
});

describe('the record a Login Directly click landed in', () => {
  test.each([
    ['purchased-services-lines-zh.html', '61182837'],
    ['purchased-services-lines-en.html', '71182837'],
    ['purchased-services-blocks-zh.html', '2895900'],
    ['purchased-services-blocks-en.html', '71182837'],
  ])('%s: the whole record, read as a pass reads it', (name, id) => {
    const f = loadFixture(name, LIST);
    const link = f.doc.querySelector('.login-directly')!;
    const record = recordAt(link, f.doc);
    expect(record).not.toBeNull();
    expect(decideRecord(record!, { url: LIST, pageKind: 'purchased-services' }, 1)).toMatchObject({ instanceId: id, status: 'active' });
  });

  test('the control itself is recognised by its label, in Chinese and English', () => {
    const doc = new DOMParser().parseFromString('<a id="a">免登</a><button id="b"> Login Directly </button><a id="c">关闭</a>', 'text/html');
    expect(loginDirectlyControl(doc.getElementById('a'))).not.toBeNull();
    expect(loginDirectlyControl(doc.getElementById('b'))).not.toBeNull();
    expect(loginDirectlyControl(doc.getElementById('c'))).toBeNull();
  });
});
