import 'fake-indexeddb/auto';
import { beforeEach, expect, test } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { toDraft } from '../popup/model/draft';
import { initialState, reducer } from '../popup/model/reducer';
import { draftStore } from './draft-store';

beforeEach(async () => {
  fakeBrowser.reset();
  await draftStore.clear();
});

const typed = () => toDraft(reducer({ ...initialState(), status: 'register-basic' }, { type: 'field', form: 'register', name: 'code', value: '123456' }), 1);

test('the draft (an email code among it) is kept out of storage.local, which content scripts can read', async () => {
  await draftStore.save(typed());
  expect(await draftStore.load()).toEqual(typed());
  expect(JSON.stringify(await fakeBrowser.storage.local.get(null))).not.toContain('123456');
  await draftStore.clear();
  expect(await draftStore.load()).toBeNull();
});

test('a draft an earlier version left in storage.local moves over and leaves no copy there', async () => {
  await fakeBrowser.storage.local.set({ wizardDraft: typed() });
  expect(await draftStore.load()).toEqual(typed());
  expect(await fakeBrowser.storage.local.get('wizardDraft')).toEqual({});
  expect(await draftStore.load()).toEqual(typed());
});
