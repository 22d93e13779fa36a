// The wizard's state: one `status` says which step is on screen; everything else is what the user
// typed, what the API answered, and what is in flight. Only plain data, so it can be persisted.
import type { Activation, CodePurpose, WorkspaceListItem } from '../../../shared/schemas';
import type { CallError, WizardCall } from '../../../shared/wizard';

export type Status =
  | 'ids'
  /** The API links only proved activations: Sign in with Alibaba Cloud, or Login Directly. */
  | 'prove'
  | 'register-basic'
  | 'register-company'
  | 'register-method'
  | 'bind-billing-account'
  | 'workspace-choose'
  | 'workspace-create-existing'
  | 'workspace-create-new'
  | 'workspace-confirm-bind'
  /** The instance pays for a workspace already: what is bound and the way in, not binding again. */
  | 'returning'
  | 'done';

/** Each path keeps its own values so a username typed for one account never leaks into another form. */
export type FormKey = 'ids' | 'register' | 'bind-billing-account' | 'workspace';
export type FieldValue = string | boolean;
export type FormValues = Record<string, FieldValue>;
export type Values = Record<FormKey, FormValues>;

/** What a send-code answer tells us, with absolute times so a reopened popup keeps counting down. */
export interface CodeSent {
  purpose: CodePurpose;
  sentTo: string;
  resendAt: number;
  expiresAt: number;
}

/** The calls the wizard makes through its transport (shared/wizard.ts); also what "retry" repeats. */
export type RequestKind = Exclude<WizardCall, 'forget-activation' | 'take-offer'>;

/** The interface's language as a workspace language: what a new workspace speaks unless changed. */
export type WorkspaceLang = 'zh' | 'en';

/** A message for the user: an i18n key plus substitutions; `detail` is the API's own words, shown only as a fallback. */
export interface Msg {
  key: string;
  subs?: string[];
  detail?: string;
}

export interface Errors {
  /** Field name → message, shown next to that field. */
  fields: Record<string, Msg>;
  /** A message for the whole step (no field concerned). */
  form: Msg | null;
  /** Set for network failures: the request the Retry button repeats. */
  retry: RequestKind | null;
}

/** How a failed call comes back through the transport: the API's refusal, or a network failure. */
export type WizardError = CallError;

export interface WizardState {
  status: Status;
  values: Values;
  activation: Activation | null;
  codes: Partial<Record<FormKey, CodeSent>>;
  workspaces: WorkspaceListItem[] | null;
  /** Instance IDs the extension read off the marketplace pages, for the choice on step 1. */
  detectedInstances: string[];
  pending: RequestKind | null;
  errors: Errors;
  /**
   * A proved activation free login brought while this one was in progress: shown with both
   * activations' IDs until the user keeps one (never replaces the wizard by itself).
   */
  offer: Activation | null;
  /** The workspace language the forms start with: the interface language. */
  defaultLanguage: WorkspaceLang;
  /** Bumped on every step change and every failure, so the view knows when to move focus. */
  focusTick: number;
  /** A returning buyer chose, on the returning step, to have the purchase pay for another workspace. */
  anotherWorkspace: boolean;
}

/** The part of the state kept in storage: no passwords, nothing in flight. */
export interface Draft {
  v: 2;
  status: Status;
  values: Values;
  activation: Activation | null;
  codes: Partial<Record<FormKey, CodeSent>>;
  detectedInstances: string[];
  /** Absent in drafts of earlier versions: false. */
  anotherWorkspace?: boolean;
  savedAt: number;
}

/** The passwords of the forms that have them, for the activation they were typed for. */
export interface Secrets {
  v: 1;
  activationId: string;
  values: Partial<Record<FormKey, FormValues>>;
  savedAt: number;
}

export type Action =
  | { type: 'hydrate'; draft: Draft }
  /** Passwords kept in memory-only session storage while the popup was closed. */
  | { type: 'secrets'; values: Partial<Record<FormKey, FormValues>> }
  | { type: 'ui-language'; language: WorkspaceLang }
  | { type: 'offer'; offer: Activation | null }
  | { type: 'detected'; accountId: string | null; instanceIds: string[]; preferredInstanceId: string | null }
  | { type: 'field'; form: FormKey; name: string; value: FieldValue }
  | { type: 'next' }
  | { type: 'back' }
  | { type: 'switch'; to: 'register' | 'bind-billing-account' }
  | { type: 'start-over' }
  | { type: 'create-workspace'; kind: 'existing' | 'new' }
  | { type: 'ask-confirm-bind' }
  | { type: 'another-workspace' }
  | { type: 'invalid'; fields: Record<string, Msg> }
  | { type: 'request'; kind: RequestKind }
  | { type: 'failed'; kind: RequestKind; error: WizardError }
  | { type: 'activation'; kind: RequestKind; activation: Activation }
  | { type: 'activation-lost' }
  | { type: 'code-sent'; form: FormKey; purpose: CodePurpose; sentTo: string; resendInSeconds: number; expiresInSeconds: number; now: number }
  | { type: 'workspaces'; list: WorkspaceListItem[] };
