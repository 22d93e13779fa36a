import { describe, expect, test } from 'vitest';
import type { InstanceDetection } from '../../../shared/detections';
import { createTranslate } from '../../lib/i18n';
import en from '../../public/_locales/en/messages.json';
import { orderInstances, preferredInstance, sourceLine } from './detected';

const inst = (instanceId: string, status: InstanceDetection['status'], at: number): InstanceDetection => ({
  instanceId,
  productName: 'Guance',
  status,
  statusText: status,
  source: { url: 'https://market.console.aliyun.com/imageconsole/index.htm', pageKind: 'purchased-services', method: 'purchased-services-row' },
  at,
});

describe('detected instances on step 1', () => {
  test('active first, newest first; closed ones last; duplicates once', () => {
    const ids = orderInstances([inst('1', 'closed', 9), inst('2', 'active', 1), inst('3', 'active', 5), inst('4', 'unknown', 7), inst('3', 'active', 2)]);
    expect(ids).toEqual(['3', '2', '4', '1']);
  });
  test('the preselected instance is the newest usable one, never a closed or expired one', () => {
    expect(preferredInstance([inst('1', 'closed', 9), inst('2', 'active', 1), inst('3', 'active', 5)])).toBe('3');
    expect(preferredInstance([inst('1', 'closed', 9), inst('4', 'unknown', 2)])).toBe('4');
    expect(preferredInstance([inst('1', 'closed', 9), inst('5', 'expired', 3)])).toBeNull();
    expect(preferredInstance([])).toBeNull();
  });
  test('the "read from" line names the page and the method in the interface language', () => {
    const t = createTranslate({ en }, 'en');
    const line = sourceLine(t, inst('1', 'active', 0).source, 0);
    expect(line).toContain(t('detect_page_purchased_services'));
    expect(line).toContain(t('detect_method_purchased_services_row'));
    expect(line).not.toContain('$');
  });
});

describe('Login Directly on step 1', () => {
  test('the instance the buyer clicked Login Directly on comes first and is preselected, unless it is not usable', () => {
    const list = [inst('1', 'active', 9), { ...inst('2', 'active', 1), loginDirectlyAt: 3 }, { ...inst('3', 'closed', 1), loginDirectlyAt: 8 }, inst('4', 'opening', 9)];
    expect(orderInstances(list)).toEqual(['2', '1', '4', '3']);
    expect(preferredInstance(list)).toBe('2');
  });
});
