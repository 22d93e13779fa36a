// What survives the popup closing: the state minus passwords and what is in flight, and the
// reading of a stored draft (which is data from storage: checked before it is used).
import { PASSWORD_FIELDS, withoutPasswords } from './reducer';
import type { Draft, FormKey, FormValues, Secrets, Values, WizardState } from './types';

/** How long typed passwords are kept for a closed wizard: enough to fetch a code from the mail. */
export const SECRETS_TTL_MS = 15 * 60_000;

export function toDraft(state: WizardState, now: number): Draft {
  const values = Object.fromEntries(
    Object.entries(state.values).map(([k, v]) => [k, withoutPasswords(v)]),
  ) as Values;
  return {
    v: 1,
    status: state.status,
    values,
    activation: state.activation,
    codes: state.codes,
    detectedInstances: state.detectedInstances,
    savedAt: now,
  };
}

/** A stored draft this version can resume, or `null`. */
export function readDraft(raw: unknown): Draft | null {
  if (!raw || typeof raw !== 'object') return null;
  const d = raw as Partial<Draft>;
  if (d.v !== 1 || typeof d.status !== 'string' || !d.values || typeof d.values !== 'object') return null;
  return d as Draft;
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
