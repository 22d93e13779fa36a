// The wizard's draft in extension storage. This module is its one writer: the popup saves it on
// every change, the options page clears it ("clear what the extension remembers").
import { storage } from 'wxt/utils/storage';
import { send } from '../lib/messaging';
import type { DraftStore } from './model/transport';
import type { Draft } from './model/types';

/** Everything typed so far (minus passwords) and where the user was. */
const wizardDraft = storage.defineItem<Draft | null>('local:wizardDraft', { fallback: null });

export const draftStore: DraftStore & { clear(): Promise<void> } = {
  load: () => wizardDraft.getValue(),
  save: (d) => wizardDraft.setValue(d),
  clear: () => wizardDraft.removeValue(),
};

/** "Clear what the extension remembers" for the wizard: the draft here, the activation in the background. */
export async function forgetWizard(): Promise<void> {
  await Promise.all([
    draftStore.clear(),
    send({ type: 'wizard/call', call: 'forget-activation', body: {} }).catch(() => undefined),
  ]);
}
