import { describe, expect, test } from 'vitest';
import { pageKindOf } from './page-kind';

describe('pageKindOf', () => {
  test.each([
    ['https://market.console.aliyun.com/imageconsole/index.htm', 'purchased-services'],
    ['https://market.console.aliyun.com/imageconsole/index.htm?page=2#/list', 'purchased-services'],
    ['https://marketplace.console.alibabacloud.com/', 'purchased-services'],
    ['https://market.aliyun.com/products/56838014/cmgj00053362.html', 'marketplace-product'],
    ['https://marketplace.alibabacloud.com/products/56838014/cmgj00053362.html', 'marketplace-product'],
    ['https://account.console.aliyun.com/v2/#/basic-info/index', 'account-center'],
    ['https://usercenter2.aliyun.com/home', 'account-center'],
    ['https://account.alibabacloud.com/', 'account-center'],
    ['https://home.console.aliyun.com/', 'console'],
    ['https://ecs.console.aliyun.com/server/region/cn-hangzhou', 'console'],
    ['https://ram.console.alibabacloud.com/users', 'console'],
    ['https://boss.guance.com/register', 'billing-center'],
    ['https://bill.guance.one/settlement', 'billing-center'],
    ['https://www.aliyun.com/', 'other'],
    ['https://example.com/console.aliyun.com', 'other'],
    ['https://aliyun.com.evil.example/', 'other'],
    ['not a url', 'other'],
  ])('%s → %s', (url, kind) => {
    expect(pageKindOf(url)).toBe(kind);
  });
});
