// The wizard's draft (everything typed so far, minus passwords, and where the user was; an email
// code among it) in the extension origin's IndexedDB, where content scripts cannot read it (they
// can read storage.local, and run in the page's origin). The background is its one writer: the
// popup sends each change (`draft/save`), which the background finishes writing even when the
// popup closes right after a keystroke; the options page clears it (`draft/clear`).
import { createStore, del, get, set, type UseStore } from 'idb-keyval';
import { storage } from 'wxt/utils/storage';
import type { Router } from './router';

const KEY = 'current';
let db: UseStore | null = null;
// One database per store: idb-keyval creates its store when it creates the database.
const store = (): UseStore => (db ??= createStore('guance-activator-draft', 'draft'));

/** Where earlier versions kept the draft. */
const legacyDraft = storage.defineItem<unknown>('local:wizardDraft', { fallback: null });

export const draftStore = {
  /** The stored draft as found (unchecked: the popup's readDraft decides whether it can be resumed). */
  async load(): Promise<unknown> {
    const draft = await get<unknown>(KEY, store());
    if (draft !== undefined) return draft;
    // A draft an earlier version left in storage.local moves here (and leaves there).
    const legacy = await legacyDraft.getValue();
    if (legacy) {
      await set(KEY, legacy, store());
      await legacyDraft.removeValue();
    }
    return legacy;
  },
  save: (draft: unknown): Promise<void> => set(KEY, draft, store()),
  async clear(): Promise<void> {
    await Promise.all([del(KEY, store()), legacyDraft.removeValue()]);
  },
};

/** Answers the draft's three messages (the router lets only the extension's pages send them). */
export function registerDraftStore(router: Router): void {
  router.on('draft/get', () => draftStore.load());
  router.on('draft/save', async (m) => {
    await draftStore.save(m.draft);
    return { ok: true as const };
  });
  router.on('draft/clear', async () => {
    await draftStore.clear();
    return { ok: true as const };
  });
}
