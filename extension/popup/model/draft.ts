// What survives the popup closing: the state minus passwords and what is in flight, and the
// reading of a stored draft (which is data from storage: checked before it is used).
import { withoutPasswords } from './reducer';
import type { Draft, Values, WizardState } from './types';

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
    anotherWorkspace: state.anotherWorkspace,
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
