// The user's settings, as WXT storage items (the options page and the popup's language switch set
// them). Nothing secret belongs here: content scripts can read `storage.local`. The wizard's draft
// (popup/draft-store.ts) and the activation with its token (background/activation-store.ts) live
// in the extension origin's IndexedDB.
import { storage } from 'wxt/utils/storage';

/** A store build's API (GUANCE_API_ORIGIN at build time, see wxt.config.ts), else `npm start`'s loopback one. */
export const DEFAULT_API_BASE_URL = import.meta.env.GUANCE_API_ORIGIN || 'http://127.0.0.1:8787';

export type UiLanguageSetting = 'auto' | 'en' | 'zh_CN';

export const apiBaseUrl = storage.defineItem<string>('local:apiBaseUrl', { fallback: DEFAULT_API_BASE_URL });
export const uiLanguage = storage.defineItem<UiLanguageSetting>('local:uiLanguage', { fallback: 'auto' });
