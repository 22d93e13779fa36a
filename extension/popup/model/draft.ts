// What survives the popup closing: the state minus passwords and what is in flight, and the
// reading of a stored draft (which is data from storage: checked before it is used).
import { withoutPasswords } from './reducer';
import { STEP_FIELDS } from './step-fields';
import type { Draft, FormKey, FormValues, Status, Values, WizardState } from './types';

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
