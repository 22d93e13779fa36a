// The popup's side of the draft: the background keeps it (background/draft-store.ts), so a change
// sent as the popup closes is still written, and content scripts cannot read it.
import { send } from '../lib/messaging';
import { storage } from 'wxt/utils/storage';
import type { DraftStore, SecretStore } from './model/transport';
import type { Secrets } from './model/types';

export const draftStore: DraftStore = {
  load: () => send({ type: 'draft/get' }).then((d) => d ?? null),
  save: async (draft) => void (await send({ type: 'draft/save', draft: draft as unknown as Record<string, unknown> })),
};

/**
 * The passwords typed so far, in `storage.session`: held in memory only (never written to disk,
 * gone when the browser quits) and closed to content scripts (its default access level), so that
 * reading a code in the mail, which closes a real popup, does not wipe them. They are not part of
 * the draft the background keeps. The model keeps them for its few minutes only (SECRETS_TTL_MS)
 * and drops them on Done and on Start over.
 */
const wizardSecrets = storage.defineItem<Secrets | null>('session:wizardSecrets', { fallback: null });

export const secretStore: SecretStore & { clear(): Promise<void> } = {
  load: () => wizardSecrets.getValue(),
  save: (s) => (s ? wizardSecrets.setValue(s) : wizardSecrets.removeValue()),
  clear: () => wizardSecrets.removeValue(),
};

/** "Clear what the extension remembers" for the wizard: its draft and the activation in the background, the passwords here. */
export async function forgetWizard(): Promise<void> {
  await Promise.all([
    send({ type: 'draft/clear' }).catch(() => undefined),
    secretStore.clear(),
    send({ type: 'wizard/call', call: 'forget-activation', body: {} }).catch(() => undefined),
  ]);
}
