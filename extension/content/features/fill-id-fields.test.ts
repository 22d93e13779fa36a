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

// The root is closed: the test reaches the buttons the way the feature holds them, not through the page.
let current: ReturnType<typeof createFillOffers>;
const make = (abort: AbortController, trusted = true) =>
  (current = createFillOffers(abort, { isTrusted: trusted ? () => true : undefined }));
const offered = () => [...current.offers.values()].flatMap((o) => o.buttons);
const buttons = () => offered().map((b) => Object.assign(b.button, { kind: b.kind, offers: b.value }));
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
    const offers = make(abort);
    offers.update(SNAPSHOT);
    // The value is drawn by CSS (::after), so the button's own text is only the words around it.
    expect(buttons().map((b) => [b.kind, b.offers, b.textContent])).toEqual([
      ['accountId', '1234567890123456', 'Fill '],
      ['instanceId', '38215907', 'Fill '],
    ]);
    expect(buttons().map((b) => b.closest('.offer')!.querySelector('style')!.textContent)).toEqual([
      expect.stringContaining('content: "1234567890123456"'),
      expect.stringContaining('content: "38215907"'),
    ]);
    expect(field('accountId').value).toBe('');
    buttons()[0]!.click();
    expect(field('accountId').value).toBe('1234567890123456');
    expect(buttons().map((b) => b.kind)).toEqual(['instanceId']);
  });

  test('a field that already has a value gets no offer', () => {
    field('instanceId').value = '42';
    make(abort).update(SNAPSHOT);
    expect(buttons().map((b) => b.kind)).toEqual(['accountId']);
  });

  test('a value typed after the offer appeared is not overwritten by a late click', () => {
    make(abort).update(SNAPSHOT);
    const offer = buttons().find((b) => b.kind === 'instanceId')!;
    field('instanceId').value = '777';
    offer.click();
    expect(field('instanceId').value).toBe('777');
  });

  test('hostile page: a closed root, no ID in any attribute or page-visible text, synthetic clicks fill nothing', () => {
    make(abort, false).update(SNAPSHOT);
    const host = document.querySelector(OFFER_HOST_TAG)!;
    expect(host.shadowRoot).toBeNull();
    expect(document.documentElement.outerHTML).not.toContain('1234567890123456');
    for (const b of buttons()) {
      expect([...b.attributes].map((a) => a.value).join(' ')).not.toContain(b.offers);
      b.click(); // untrusted, like any click a page script makes
      b.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    }
    expect(field('accountId').value).toBe('');
    expect(field('instanceId').value).toBe('');
    expect(buttons()).toHaveLength(2);
  });

  test('a Login Directly click puts its instance first among the offers', () => {
    const clicked = { ...inst('38300033', 'active', 1), loginDirectlyAt: 9 };
    expect(offerValues({ ...SNAPSHOT, instances: [...SNAPSHOT.instances, inst('38400044', 'active', 8), clicked] }, 'instanceId')).toEqual([
      '38300033',
      '38400044',
      '38215907',
    ]);
  });

  test('aborting the signal removes the offers', () => {
    make(abort).update(SNAPSHOT);
    expect(document.querySelector(OFFER_HOST_TAG)).not.toBeNull();
    abort.abort();
    expect(document.querySelector(OFFER_HOST_TAG)).toBeNull();
  });
});
