// Popup (and options page) → background. Only the background talks to the API.
import { z } from 'zod';

export const PopupToBackground = z.discriminatedUnion('type', [
  z.object({ type: z.literal('detections/get') }),
  z.object({ type: z.literal('detections/clear') }),
  // The wizard's API calls (issue 4). Bodies arrive loosely typed and are checked in the background
  // with the same schemas the API uses, so a bad value comes back as a field error, not a dropped message.
  z.object({ type: z.literal('wizard/start'), body: z.record(z.string(), z.unknown()) }),
  /** Re-read the activation from the API when the copy the background holds is older than `maxAgeMs`. */
  z.object({ type: z.literal('wizard/sync'), maxAgeMs: z.number().int().min(0) }),
  z.object({ type: z.literal('wizard/send-code'), body: z.record(z.string(), z.unknown()) }),
  z.object({ type: z.literal('wizard/register'), body: z.record(z.string(), z.unknown()) }),
  z.object({ type: z.literal('wizard/bind-billing'), body: z.record(z.string(), z.unknown()) }),
  z.object({ type: z.literal('wizard/workspaces') }),
  /** Change the site of the workspace still to be created (PATCH /activations/:id). */
  z.object({ type: z.literal('wizard/site'), body: z.record(z.string(), z.unknown()) }),
  z.object({ type: z.literal('wizard/create-workspace'), body: z.record(z.string(), z.unknown()) }),
  z.object({ type: z.literal('wizard/bind-workspace'), body: z.record(z.string(), z.unknown()) }),
  /** Check some fields of a body against its API schema without sending anything (per-step "Next"). */
  z.object({
    type: z.literal('wizard/validate'),
    schema: z.enum(['start', 'registration', 'bind-billing', 'create-workspace']),
    body: z.record(z.string(), z.unknown()),
  }),
  /** Start over: forget the activation and its token. */
  z.object({ type: z.literal('wizard/forget') }),
]);
export type PopupToBackground = z.infer<typeof PopupToBackground>;

export type WizardMessage = Extract<PopupToBackground, { type: `wizard/${string}` }>;

/** What the background answers to a wizard message: data, or a failure the popup can place and retry. */
export type WizardReply<T> =
  | { ok: true; data: T }
  | {
      ok: false;
      error:
        | { kind: 'api'; status: number; code: string; message: string; details?: unknown }
        | { kind: 'network'; message: string };
    };

/** One validation issue, as the API reports them in VALIDATION_FAILED details. */
export interface FieldIssue {
  path: (string | number)[];
  message: string;
  code?: string;
}
