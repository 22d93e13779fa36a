// The web wizard's draft in the tab's sessionStorage: it survives a reload, not the tab (a shared
// computer keeps nothing). The draft holds no passwords (model/draft.ts strips them).
import type { DraftStore } from '../popup/model/transport';

export const DRAFT_KEY = 'guance-activator.draft';

export function sessionDrafts(storage: Pick<Storage, 'getItem' | 'setItem'>): DraftStore {
  return {
    async load() {
      try {
        return JSON.parse(storage.getItem(DRAFT_KEY) ?? 'null') as unknown;
      } catch {
        return null;
      }
    },
    async save(d) {
      storage.setItem(DRAFT_KEY, JSON.stringify(d));
    },
  };
}
