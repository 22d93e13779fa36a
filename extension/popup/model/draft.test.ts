import { expect, test } from 'vitest';
import { readDraft, toDraft } from './draft';
import { initialState, reducer } from './reducer';

test('a draft round-trips; what is not a draft of a known step is not resumed', () => {
  const s = reducer({ ...initialState(), status: 'bind-billing-account' }, { type: 'field', form: 'bind-billing-account', name: 'username', value: 'acme' });
  const d = toDraft(s, 7);
  expect(readDraft(JSON.parse(JSON.stringify(d)))).toEqual(d);
  expect(readDraft(null)).toBeNull();
  expect(readDraft({ v: 3, status: 'ids', values: {} })).toBeNull();
  expect(readDraft({ ...d, status: 'no-such-step' })).toBeNull();
});

test('a version 1 draft (bind step `bind-billing`, form `bind`) resumes under the new names', () => {
  const v1 = {
    v: 1, status: 'bind-billing', activation: null, detectedInstances: ['1'], savedAt: 3,
    values: { ids: { accountId: '1234567890123456', instanceId: '1', site: 'cn1' }, register: {}, bind: { username: 'acme' }, workspace: {} },
    codes: { bind: { purpose: 'bind-billing-account', sentTo: 'a***e@x.com', resendAt: 1, expiresAt: 2 } },
  };
  const d = readDraft(v1)!;
  expect(d).toMatchObject({ v: 2, status: 'bind-billing-account', values: { 'bind-billing-account': { username: 'acme' } }, codes: { 'bind-billing-account': { sentTo: 'a***e@x.com' } } });
  expect(d.values).not.toHaveProperty('bind');
  expect(reducer(initialState(), { type: 'hydrate', draft: d }).values['bind-billing-account'].username).toBe('acme');
});
