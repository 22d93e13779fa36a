// What survives the popup closing: the state minus passwords and what is in flight, and the
// reading of a stored draft (which is data from storage: checked before it is used).
import { PASSWORD_FIELDS, withoutPasswords } from './reducer';
import { STEP_FIELDS } from './step-fields';
import type { Draft, FormKey, FormValues, Secrets, Status, Values, WizardState } from './types';

/** How long typed passwords are kept for a closed wizard: enough to fetch a code from the mail. */
export const SECRETS_TTL_MS = 15 * 60_000;

export function toDraft(state: WizardState, now: number): Draft {
  const values = Object.fromEntries(
    Object.entries(state.values).map(([k, v]) => [k, withoutPasswords(v)]),
  ) as Values;
  return {
    v: 2,
    status: state.status,
    values,
    activation: state.activation,
    codes: state.codes,
    detectedInstances: state.detectedInstances,
    anotherWorkspace: state.anotherWorkspace,
    savedAt: now,
  };
}

/** A stored draft this version can resume (an older one brought up to date), or `null`. */
export function readDraft(raw: unknown): Draft | null {
  if (!raw || typeof raw !== 'object') return null;
  const d = raw as { v?: unknown; status?: unknown; values?: unknown };
  if (typeof d.status !== 'string' || !d.values || typeof d.values !== 'object') return null;
  const draft = d.v === 2 ? (raw as Draft) : d.v === 1 ? fromV1(raw as DraftV1) : null;
  // A step this version does not have cannot be shown.
  return draft && Object.hasOwn(STEP_FIELDS, draft.status) ? draft : null;
}

/** Version 1 named the bind step `bind-billing` and its form `bind`. */
interface DraftV1 extends Omit<Draft, 'v' | 'status' | 'values' | 'codes'> {
  v: 1;
  status: string;
  values: Record<string, FormValues>;
  codes: Record<string, Draft['codes'][FormKey]>;
}

function fromV1(d: DraftV1): Draft {
  const rename = <T>(o: Record<string, T>): Record<string, T> => {
    const { bind, ...rest } = o;
    return bind === undefined ? rest : { ...rest, 'bind-billing-account': bind };
  };
  return {
    ...d,
    v: 2,
    status: (d.status === 'bind-billing' ? 'bind-billing-account' : d.status) as Status,
    values: rename(d.values) as Values,
    codes: rename(d.codes ?? {}) as Draft['codes'],
  };
}

/** The passwords typed so far, or `null` when there are none (or nothing is left to use them for). */
export function toSecrets(state: WizardState, now: number): Secrets | null {
  if (!state.activation || state.status === 'done') return null;
  const values: Partial<Record<FormKey, FormValues>> = {};
  for (const form of ['register', 'workspace'] as const) {
    const kept: FormValues = {};
    for (const k of PASSWORD_FIELDS) {
      const v = state.values[form][k];
      if (typeof v === 'string' && v) kept[k] = v;
    }
    if (Object.keys(kept).length > 0) values[form] = kept;
  }
  return Object.keys(values).length > 0 ? { v: 1, activationId: state.activation.id, values, savedAt: now } : null;
}

/** Stored passwords still usable for `activationId`, or `null` (another activation's, or too old). */
export function readSecrets(raw: unknown, activationId: string, now: number): Partial<Record<FormKey, FormValues>> | null {
  if (!raw || typeof raw !== 'object') return null;
  const s = raw as Partial<Secrets>;
  if (s.v !== 1 || s.activationId !== activationId || typeof s.savedAt !== 'number' || now - s.savedAt > SECRETS_TTL_MS) return null;
  if (!s.values || typeof s.values !== 'object') return null;
  const out: Partial<Record<FormKey, FormValues>> = {};
  for (const form of ['register', 'workspace'] as const) {
    const v = s.values[form];
    if (!v || typeof v !== 'object') continue;
    const kept: FormValues = {};
    for (const k of PASSWORD_FIELDS) if (typeof v[k] === 'string') kept[k] = v[k];
    out[form] = kept;
  }
  return out;
}
