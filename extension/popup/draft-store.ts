// The popup's side of the draft: the background keeps it (background/draft-store.ts), so a change
// sent as the popup closes is still written, and content scripts cannot read it.
import { send } from '../lib/messaging';
import type { DraftStore } from './model/transport';

export const draftStore: DraftStore = {
  load: () => send({ type: 'draft/get' }).then((d) => d ?? null),
  save: async (draft) => void (await send({ type: 'draft/save', draft: draft as unknown as Record<string, unknown> })),
};

/** "Clear what the extension remembers" for the wizard: its draft and the activation, both in the background. */
export async function forgetWizard(): Promise<void> {
  await Promise.all([
    send({ type: 'draft/clear' }).catch(() => undefined),
    send({ type: 'wizard/call', call: 'forget-activation', body: {} }).catch(() => undefined),
  ]);
}
