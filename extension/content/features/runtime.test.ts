import { describe, expect, test } from 'vitest';
import type { InstanceDetection } from '../../../shared/detections';
import { withChoices } from './runtime';

const source = { url: 'https://market.console.aliyun.com/imageconsole/index.htm', pageKind: 'purchased-services' as const, method: 'purchased-services-row' };
const inst = (instanceId: string, at: number, loginDirectlyAt?: number): InstanceDetection => ({
  instanceId, productName: 'Guance', status: 'active', statusText: '已开通', source, at, ...(loginDirectlyAt ? { loginDirectlyAt } : {}),
});

describe('a pass with the Login Directly choices', () => {
  test('marks the chosen instance; one no longer on the list is not reported again from this page', () => {
    const chosen = new Map([['2', inst('2', 1, 1)], ['9', inst('9', 1, 2)]]);
    expect(withChoices([inst('1', 5), inst('2', 5)], chosen)).toEqual([inst('1', 5), inst('2', 5, 1)]);
    expect(withChoices([inst('1', 5)], new Map())).toEqual([inst('1', 5)]);
  });
});
