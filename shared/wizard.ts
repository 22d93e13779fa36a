// The wizard's calls: each one's name, the schema its body must pass, and what it answers. The
// names follow the API client (`start-activation` is `startActivation`, POST /activations); the
// wizard's model asks for calls by these names through a transport (the extension carries them to
// its background as `wizard/call` messages; a web page could send them to the API over HTTP), and
// the popup's request kinds, the background's route table and its messages all use them.
import { z } from 'zod';
import type { ErrorCode } from './errors';
import {
  Activation,
  BindBillingAccountBody,
  BindWorkspaceBody,
  CheckCodeBody,
  CreateWorkspaceBody,
  RegistrationBody,
  SendCodeBody,
  StartActivationBody,
  UpdateActivationBody,
  type SendCodeResponse,
  type WorkspaceListItem,
} from './schemas';

/** Each call's body schema: the API's own, so a body that passes here passes there. */
export const WIZARD_CALLS = {
  /** POST /activations: the IDs and site of step 1. */
  'start-activation': StartActivationBody,
  /** GET /activations/:id, unless the copy at hand is younger than `maxAgeMs`. */
  'get-activation': z.object({ maxAgeMs: z.number().int().min(0) }),
  /** PATCH /activations/:id: the site of the workspace still to be created. */
  'update-activation': UpdateActivationBody,
  /** POST /activations/:id/verification-codes */
  'send-code': SendCodeBody,
  /** POST /activations/:id/verification-codes/check: is this the code, before the step that uses it? */
  'check-code': CheckCodeBody,
  /** POST /activations/:id/registration */
  register: RegistrationBody,
  /** POST /activations/:id/billing-account */
  'bind-billing-account': BindBillingAccountBody,
  /** GET /activations/:id/workspaces */
  'list-workspaces': z.object({}),
  /** POST /activations/:id/workspaces */
  'create-workspace': CreateWorkspaceBody,
  /** POST /activations/:id/workspace-bindings */
  'bind-workspace': BindWorkspaceBody,
  /**
   * Sign in with Alibaba Cloud, run by whoever owns the browser flow (the extension's background:
   * POST …/alibaba-sign-in, the provider's page, POST …/alibaba-sign-in/callback). Answers the
   * proved activation.
   */
  'alibaba-sign-in': z.object({}),
  /**
   * Free login brought a proved activation while another was in progress: `accept` makes it the
   * wizard's (the one in progress is dropped), otherwise the offer is dropped.
   */
  'take-offer': z.object({ accept: z.boolean() }),
  /** Start over: drop the activation and its token (no API call). */
  'forget-activation': z.object({}),
} as const;

export type WizardCall = keyof typeof WIZARD_CALLS;
export const WIZARD_CALL_NAMES = Object.keys(WIZARD_CALLS) as [WizardCall, ...WizardCall[]];

/** What each call answers when it succeeds. */
export interface WizardAnswers {
  'start-activation': { activation: Activation };
  /**
   * `null`: there is no activation (never started, forgotten, or its token died). `offer`: a
   * proved activation that free login brought while this one was in progress (the user decides).
   */
  'get-activation': { activation: Activation | null; offer?: Activation | null };
  'update-activation': { activation: Activation };
  'send-code': SendCodeResponse;
  'check-code': Record<string, never>;
  register: { activation: Activation };
  'bind-billing-account': { activation: Activation };
  'list-workspaces': { workspaces: WorkspaceListItem[] };
  'create-workspace': { activation: Activation };
  'bind-workspace': { activation: Activation };
  'alibaba-sign-in': { activation: Activation };
  /** The wizard's activation afterwards (the offer's when accepted). */
  'take-offer': { activation: Activation | null };
  'forget-activation': Record<string, never>;
}

/**
 * A body as a form holds it before the schema has checked it: enum fields are any string, a flag
 * that must be `true` any boolean. The transport's other side runs the schema.
 */
export type Unchecked<T> = T extends string
  ? string
  : T extends boolean
    ? boolean
    : T extends number
      ? number
      : T extends readonly (infer U)[]
        ? Unchecked<U>[]
        : T extends object
          ? { [K in keyof T]: Unchecked<T[K]> }
          : T;

export type CallBody<K extends WizardCall> = Unchecked<z.input<(typeof WIZARD_CALLS)[K]>>;

/** The extension's own code for a call that needs an activation when there is none. */
export const NO_ACTIVATION = 'NO_ACTIVATION';
/** The extension's own code for a sign-in the user closed (or the browser could not show). */
export const SIGN_IN_CANCELLED = 'SIGN_IN_CANCELLED';

/**
 * Why a call failed: a refusal in the API's shape (`details` of a VALIDATION_FAILED are
 * FieldIssue[]), or no usable answer at all (offline, wrong server), which the user may retry.
 */
export type CallError =
  | { kind: 'api'; status: number; code: ErrorCode | typeof NO_ACTIVATION | typeof SIGN_IN_CANCELLED | (string & {}); message: string; details?: unknown }
  | { kind: 'network'; message: string };

export type CallResult<T> = { ok: true; data: T } | { ok: false; error: CallError };

/** A call and its body, as one value (what the model builds and what `retry` repeats). */
export type CallRequest = { [K in WizardCall]: { call: K; body: CallBody<K> } }[WizardCall];
