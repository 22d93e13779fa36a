import { beforeEach, describe, expect, test } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { DetectionSnapshot, InstanceDetection } from '../../../shared/detections';
import { installMessages, mountFixture } from '../detect/fixtures.testing';
import { createFillOffers, OFFER_HOST_TAG, offerValues } from './fill-id-fields';

const src = { url: 'https://market.console.aliyun.com/imageconsole/index.htm', pageKind: 'purchased-services' as const, method: 'purchased-services-row' };
const inst = (instanceId: string, status: InstanceDetection['status'], at: number): InstanceDetection => ({
  instanceId, productName: '观测云', status, statusText: status, source: src, at,
});
const SNAPSHOT: DetectionSnapshot = {
  account: {
    accountId: '1234567890123456', identity: 'main', currentId: null, method: 'page-global',
    source: { url: 'https://home.console.aliyun.com/', pageKind: 'console', method: 'page-global:ALIYUN_CONSOLE_CONFIG' }, at: 1,
  },
  instances: [inst('37990001', 'expired', 5), inst('38215907', 'active', 2)],
};

const buttons = () => [...(document.querySelector(OFFER_HOST_TAG)?.shadowRoot?.querySelectorAll('button') ?? [])];
const field = (name: string) => document.querySelector<HTMLInputElement>(`[data-field="${name}"]`)!;

describe('fill offers', () => {
  let abort: AbortController;
  beforeEach(() => {
    fakeBrowser.reset();
    installMessages();
    abort?.abort();
    abort = new AbortController();
    mountFixture('billing-register.html');
  });

  test('closed/expired instances are never offered; active first', () => {
    expect(offerValues(SNAPSHOT, 'instanceId')).toEqual(['38215907']);
    expect(offerValues(SNAPSHOT, 'accountId')).toEqual(['1234567890123456']);
    expect(offerValues({ account: null, instances: [inst('1', 'closed', 1)] }, 'instanceId')).toEqual([]);
  });

  test('one offer per empty field that asks for an ID; nothing is filled until clicked', () => {
    const offers = createFillOffers(abort);
    offers.update(SNAPSHOT);
    expect(buttons().map((b) => [b.dataset.guanceFill, b.dataset.value, b.textContent])).toEqual([
      ['accountId', '1234567890123456', 'Fill 1234567890123456'],
      ['instanceId', '38215907', 'Fill 38215907'],
    ]);
    expect(field('accountId').value).toBe('');
    buttons()[0]!.click();
    expect(field('accountId').value).toBe('1234567890123456');
    expect(buttons().map((b) => b.dataset.guanceFill)).toEqual(['instanceId']);
  });

  test('a field that already has a value gets no offer', () => {
    field('instanceId').value = '42';
    createFillOffers(abort).update(SNAPSHOT);
    expect(buttons().map((b) => b.dataset.guanceFill)).toEqual(['accountId']);
  });

  test('a value typed after the offer appeared is not overwritten by a late click', () => {
    createFillOffers(abort).update(SNAPSHOT);
    const offer = buttons().find((b) => b.dataset.guanceFill === 'instanceId')!;
    field('instanceId').value = '777';
    offer.click();
    expect(field('instanceId').value).toBe('777');
  });

  test('aborting the signal removes the offers', () => {
    createFillOffers(abort).update(SNAPSHOT);
    expect(document.querySelector(OFFER_HOST_TAG)).not.toBeNull();
    abort.abort();
    expect(document.querySelector(OFFER_HOST_TAG)).toBeNull();
  });
});
