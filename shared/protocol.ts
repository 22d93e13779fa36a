// The extension's one message protocol (senders import only its types, so no schema code ships
// in the popup or the content scripts): every message the background answers, who may send it,
// the schema it must pass, and the type of its reply. `send` (extension/lib/messaging.ts) is typed
// by this map; the background's router (extension/background/router.ts) checks the sender once,
// then the message against its schema. A content script runs next to page code, so nothing it sends
// is trusted as-is; bodies of wizard calls are checked again with the API's schemas by the call's
// route (a bad value comes back as a field issue, not as a dropped message).
import { z } from 'zod';
import { AccountDetection, InstanceDetection, PageKind, type DetectionSnapshot } from './detections';
import type { PageGlobals } from './page-globals';
import type { Activation } from './schemas';
import { WIZARD_CALL_NAMES, type CallResult, type WizardAnswers, type WizardCall } from './wizard';

/** Who sent a message: a content script in a web page's tab, or one of the extension's own pages (popup, options). */
export type Sender = 'content' | 'extension-page';

const ActivationIdText = z.string().regex(/^[\w-]{1,80}$/);
const TokenText = z.string().regex(/^[\w-]{16,200}$/);

export const PROTOCOL = {
  /** A scan of the current page finished with something new (or nothing, to clear the tab's badge). */
  'detections/report': {
    from: ['content'],
    request: z.object({ pageKind: PageKind, account: AccountDetection.nullable(), instances: z.array(InstanceDetection).max(200) }),
  },
  /**
   * The buyer clicked *Login Directly* on this instance's record (sent at once, carries
   * loginDirectlyAt; the content script believes only a trusted click).
   */
  'detections/choice': {
    from: ['content'],
    request: z.object({ instance: InstanceDetection.required({ loginDirectlyAt: true }) }),
  },
  /**
   * The console's page globals, read by the background in the sender's frame's main world (a
   * content script cannot see them, and nothing the page posts is believed): null when there are
   * none, the frame is not an Alibaba Cloud page, or the page refused.
   */
  'page-globals/read': { from: ['content'], request: z.object({}) },
  /** What was detected this browser session, across tabs (the fill offer, the popup's step 1). */
  'detections/get': { from: ['content', 'extension-page'], request: z.object({}) },
  'detections/clear': { from: ['extension-page'], request: z.object({}) },
  /**
   * The free-login landing page on the configured API origin carried this activation and its
   * bearer token. Believed only from a tab on that origin, and only after the API confirms it.
   */
  'landing/open': { from: ['content'], request: z.object({ activationId: ActivationIdText, token: TokenText }) },
  /** The wizard's draft, which the background keeps for the popup (the popup may close at any keystroke). */
  'draft/get': { from: ['extension-page'], request: z.object({}) },
  'draft/save': { from: ['extension-page'], request: z.object({ draft: z.record(z.string(), z.unknown()) }) },
  'draft/clear': { from: ['extension-page'], request: z.object({}) },
  /** One of the wizard's calls (shared/wizard.ts); only the background talks to the API. */
  'wizard/call': {
    from: ['extension-page'],
    request: z.object({ call: z.enum(WIZARD_CALL_NAMES), body: z.record(z.string(), z.unknown()) }),
  },
} as const satisfies Record<string, { from: readonly Sender[]; request: z.ZodObject }>;

export type MessageType = keyof typeof PROTOCOL;

/** One message of the protocol (all of them when `T` is left out). */
export type Message<T extends MessageType = MessageType> = {
  [K in T]: { type: K } & Fields<z.output<(typeof PROTOCOL)[K]['request']>>;
}[T];

/** A message's fields; `z.object({})` infers `Record<string, never>`, which no `{type}` would match. */
type Fields<T> = string extends keyof T ? unknown : T;

/** What the free-login background half answers the landing page's content script. */
export type FreeLoginResult =
  | { ok: true; activation: Activation; popup: 'opened' | 'badge' }
  | { ok: false; reason: 'wrong-origin' | 'not-confirmed' | 'expired' | 'unreachable' | 'not-proved' };

/** Each message's reply. */
export interface Replies {
  'detections/report': { ok: true };
  'detections/choice': { ok: true };
  'page-globals/read': PageGlobals | null;
  'detections/get': DetectionSnapshot;
  'detections/clear': DetectionSnapshot;
  'landing/open': FreeLoginResult;
  /** The stored draft as found (the popup checks it before resuming). */
  'draft/get': unknown;
  'draft/save': { ok: true };
  'draft/clear': { ok: true };
  'wizard/call': CallResult<unknown>;
}

/** The reply to a given message; a wizard call's is narrowed by its call name. */
export type ReplyTo<M extends Message> = M extends { type: 'wizard/call'; call: infer C extends WizardCall }
  ? CallResult<WizardAnswers[C]>
  : Replies[M['type']];

/** An incoming message checked against its schema; `null` when it is not one of ours. */
export function parseMessage(raw: unknown): Message | null {
  if (!raw || typeof raw !== 'object') return null;
  const type = (raw as { type?: unknown }).type;
  if (typeof type !== 'string' || !Object.hasOwn(PROTOCOL, type)) return null;
  const r = PROTOCOL[type as MessageType].request.safeParse(raw);
  return r.success ? ({ ...r.data, type } as Message) : null;
}

/** Whether a sender of that kind may send that message. */
export function maySend(type: MessageType, sender: Sender): boolean {
  return (PROTOCOL[type].from as readonly Sender[]).includes(sender);
}
