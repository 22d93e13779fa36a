import { describe, expect, it } from 'vitest';
import { accountIdLabels, fieldLabels, normalise, once, statusLabels } from './keywords';

describe('once', () => {
  it('makes the value on the first call only, and keeps it', () => {
    let made = 0;
    const get = once(() => ({ n: ++made }));
    expect(made).toBe(0);
    const first = get();
    expect(get()).toBe(first);
    expect(made).toBe(1);
  });

  it('keeps a falsy value too', () => {
    let made = 0;
    const get = once(() => {
      made++;
      return 0;
    });
    get();
    get();
    expect(made).toBe(1);
  });
});

describe('label lists', () => {
  it('are normalised when first used', () => {
    expect(accountIdLabels()).toContain('accountid');
    expect(accountIdLabels()).toContain('账号id');
    for (const l of [...accountIdLabels(), ...statusLabels()]) expect(normalise(l)).toBe(l);
  });

  it('leave the bare UID out of what a form field may ask for', () => {
    expect(accountIdLabels()).toContain('uid');
    expect(fieldLabels().accountId).not.toContain('uid');
    expect(fieldLabels().instanceId).toContain('instanceid');
  });
});
