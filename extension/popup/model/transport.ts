// What the wizard's model needs from where it runs, and nothing more. The popup gives it the
// extension's background (popup/extension-transport.ts) and extension storage; a web page on the
// API's own origin can give it `fetch` and its own storage: the reducer, the effects and the steps
// stay the same. The model never sees a token: holding and sending it is the transport's job.
import type { CallBody, CallResult, WizardAnswers, WizardCall } from '../../../shared/wizard';
import type { Draft, Secrets } from './types';

/**
 * Carries one wizard call (shared/wizard.ts lists them: name, body schema, answer) and gives back
 * its answer or why it failed. It never throws: a failure to reach anyone is `{kind: 'network'}`.
 */
export interface WizardTransport {
  call<K extends WizardCall>(call: K, body: CallBody<K>): Promise<CallResult<WizardAnswers[K]>>;
}

/** Where the draft (everything typed so far, minus passwords) is kept while the wizard is closed. */
export interface DraftStore {
  /** The stored draft as found (unchecked: `readDraft` decides whether it can be resumed). */
  load(): Promise<unknown>;
  save(draft: Draft): Promise<void>;
}

/**
 * Where the passwords typed so far wait while the wizard is closed (reading a code in the mail
 * closes a real popup): memory only, never on disk, and only for the wizard's few minutes.
 */
export interface SecretStore {
  load(): Promise<unknown>;
  /** `null`: nothing to keep (forget what is there). */
  save(secrets: Secrets | null): Promise<void>;
}

/** IDs read off Alibaba Cloud pages (the extension only), for step 1. */
export interface Detected {
  accountId: string | null;
  instanceIds: string[];
  preferredInstanceId: string | null;
}

export interface WizardEnv {
  transport: WizardTransport;
  drafts: DraftStore;
  /** Memory-only storage for the passwords; left out, they are lost when the wizard closes. */
  secrets?: SecretStore;
  /** What the extension detected; left out where nothing can detect (a web page). */
  detections?: () => Promise<Detected | null>;
  /** Opens a page (the Guance login, the console) in a new tab. */
  open: (url: string) => void;
  now?: () => number;
}
