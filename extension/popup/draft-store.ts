// The wizard's draft in extension storage. This module is its one writer: the popup saves it on
// every change, the options page clears it ("clear what the extension remembers").
import { storage } from 'wxt/utils/storage';
import { send } from '../lib/messaging';
import type { DraftStore, SecretStore } from './model/transport';
import type { Draft, Secrets } from './model/types';

/** Everything typed so far (minus passwords) and where the user was. */
const wizardDraft = storage.defineItem<Draft | null>('local:wizardDraft', { fallback: null });

export const draftStore: DraftStore & { clear(): Promise<void> } = {
  load: () => wizardDraft.getValue(),
  save: (d) => wizardDraft.setValue(d),
  clear: () => wizardDraft.removeValue(),
};

/**
 * The passwords typed so far, in `storage.session`: held in memory only (never written to disk,
 * gone when the browser quits) and closed to content scripts (its default access level), so that
 * reading a code in the mail, which closes a real popup, does not wipe them. The model keeps them
 * for its few minutes only (SECRETS_TTL_MS) and drops them on Done and on Start over.
 */
const wizardSecrets = storage.defineItem<Secrets | null>('session:wizardSecrets', { fallback: null });

export const secretStore: SecretStore & { clear(): Promise<void> } = {
  load: () => wizardSecrets.getValue(),
  save: (s) => (s ? wizardSecrets.setValue(s) : wizardSecrets.removeValue()),
  clear: () => wizardSecrets.removeValue(),
};

/** "Clear what the extension remembers" for the wizard: the draft and passwords here, the activation in the background. */
export async function forgetWizard(): Promise<void> {
  await Promise.all([
    draftStore.clear(),
    secretStore.clear(),
    send({ type: 'wizard/call', call: 'forget-activation', body: {} }).catch(() => undefined),
  ]);
}
