// What the extension remembers, as WXT storage items. The wizard draft never holds passwords; the
// activation token lives only in `activationRef`, which only the background reads.
import { storage } from 'wxt/utils/storage';
import type { Activation } from '../../shared/schemas';
import type { Draft } from '../wizard/types';

/** A store build's API (GUANCE_API_ORIGIN at build time, see wxt.config.ts), else `npm start`'s loopback one. */
export const DEFAULT_API_BASE_URL = import.meta.env.GUANCE_API_ORIGIN || 'http://127.0.0.1:8787';

export type UiLanguageSetting = 'auto' | 'en' | 'zh_CN';

/** Everything typed so far (minus passwords) and where the user was. */
export const wizardDraft = storage.defineItem<Draft | null>('local:wizardDraft', { fallback: null });

/** The activation being worked on: its id, bearer token and the last copy read from the API. */
export interface ActivationRef {
  id: string;
  token: string;
  activation: Activation;
  /** When `activation` was last read from or written by the API (ms since epoch). */
  syncedAt: number;
  /** The API it was created on: a token is worthless against another one. */
  apiBaseUrl: string;
}
export const activationRef = storage.defineItem<ActivationRef | null>('local:activationRef', { fallback: null });

export const apiBaseUrl = storage.defineItem<string>('local:apiBaseUrl', { fallback: DEFAULT_API_BASE_URL });
export const uiLanguage = storage.defineItem<UiLanguageSetting>('local:uiLanguage', { fallback: 'auto' });

/** "Clear what the extension remembers": the wizard and the activation (settings stay). */
export async function forgetWizard(): Promise<void> {
  await Promise.all([wizardDraft.removeValue(), activationRef.removeValue()]);
}
