import { describe, expect, it } from 'vitest';
import { cleanId } from './ids';
import { AccountId, InstanceId, StartActivationBody } from './schemas';

describe('cleanId', () => {
  it('strips spaces, tabs, line breaks, the ideographic space and zero-width characters', () => {
    expect(cleanId(' 1234 5678\t9012\n3456 ')).toBe('1234567890123456');
    expect(cleanId('1234\u30005678\u200b9012\ufeff3456\u00a0')).toBe('1234567890123456');
  });

  it('turns full-width digits into ASCII digits', () => {
    expect(cleanId('１２３４５６７８９０１２３４５６')).toBe('1234567890123456');
    expect(cleanId('９８７ ６５４')).toBe('987654');
  });

  it('leaves everything else for the rules to refuse', () => {
    expect(cleanId('12-34')).toBe('12-34');
    expect(cleanId('ID:1234')).toBe('ID:1234');
    expect(cleanId('')).toBe('');
  });
});

describe('ID schemas clean before they check', () => {
  it('accept pasted and full-width IDs and give the clean value', () => {
    expect(AccountId.parse(' 1234 5678 9012 3456\n')).toBe('1234567890123456');
    expect(InstanceId.parse('７００１')).toBe('7001');
    expect(StartActivationBody.parse({ accountId: '１２３４５６７８９０１２３４５６', instanceId: ' 42 ', site: 'cn1' }))
      .toEqual({ accountId: '1234567890123456', instanceId: '42', site: 'cn1' });
  });

  it('still refuse what is not an ID once cleaned', () => {
    expect(AccountId.safeParse('1234 5678 9012 345').success).toBe(false);
    expect(AccountId.safeParse('1234-5678-9012-3456').success).toBe(false);
    expect(InstanceId.safeParse('   ').success).toBe(false);
    expect(InstanceId.safeParse('1'.repeat(21)).success).toBe(false);
  });
});
