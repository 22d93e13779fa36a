// The wizard as a pure function of (state, action): every step and transition lives here, so it
// can be tested without a browser, and the popup only renders `status`.
import type { Activation } from '../../../shared/schemas';
import { LOST_ACTIVATION_CODES, messagesFor } from './field-errors';
import { CLOUD_ACCOUNT_FIELDS, formOf, STEP_FIELDS, stepOfField } from './step-fields';
import type { Action, Draft, Errors, FormKey, FormValues, Status, Values, WizardState, WorkspaceLang } from './types';

export const PASSWORD_FIELDS = ['password', 'passwordConfirm'] as const;
const NO_ERRORS: Errors = { fields: {}, form: null, retry: null };

export function emptyValues(language: WorkspaceLang = 'zh'): Values {
  return {
    ids: { accountId: '', instanceId: '', site: 'cn1' },
    register: { language, agreeTerms: false },
    'bind-billing-account': {},
    workspace: { language, agreeTerms: false, workspaceId: '' },
  };
}

export function initialState(language: WorkspaceLang = 'zh'): WizardState {
  return {
    status: 'ids',
    values: emptyValues(language),
    activation: null,
    codes: {},
    workspaces: null,
    detectedInstances: [],
    pending: null,
    errors: NO_ERRORS,
    focusTick: 0,
    anotherWorkspace: false,
    offer: null,
    defaultLanguage: language,
  };
}

/** Proved by the marketplace's free login or by Sign in with Alibaba Cloud. */
export function isProved(a: Activation | null): boolean {
  return Boolean(a && (a.proof || a.verified));
}

/** Whether the API accepts that step now (`paths`); an older API that does not say allows all. */
export function mayTake(a: Activation, path: NonNullable<Activation['paths']>[number]): boolean {
  return !a.paths || a.paths.includes(path);
}

/**
 * Where an activation in a given state belongs, keeping the user's current step when it still fits.
 * An instance that already pays for a workspace: without proof nothing more is possible (the API
 * only says that much), so the buyer is asked to prove the purchase; with it, the returning step,
 * unless the buyer chose there to bind another workspace (`anotherWorkspace`), never registration.
 */
export function statusFor(activation: Activation, current: Status, anotherWorkspace = false): Status {
  if (activation.next === 'returning' && activation.state !== 'activated') {
    if (!isProved(activation)) return 'prove';
    if (!anotherWorkspace) return 'returning';
  }
  switch (activation.state) {
    case 'activated':
      return 'done';
    case 'needs-workspace':
      return current.startsWith('workspace-') ? current : 'workspace-choose';
    case 'needs-billing-account': {
      // A returning instance paid through a link, so its cloud account is linked too.
      if (activation.next === 'returning') return 'bind-billing-account';
      // No first link without proof: the proofs come before any form.
      if (activation.next === 'prove') return 'prove';
      const canRegister = mayTake(activation, 'register');
      if ((formOf(current) === 'register' && canRegister) || current === 'bind-billing-account') return current;
      // The API says whether the cloud account is already linked (without saying to whom) and
      // which steps it accepts: binding that Billing Center account may be the only way on.
      return activation.billingAccount || activation.next === 'bind-billing-account' || !canRegister ? 'bind-billing-account' : 'register-basic';
    }
  }
}

const BACK: Partial<Record<Status, Status>> = {
  prove: 'ids',
  'register-basic': 'ids',
  'register-company': 'register-basic',
  'register-method': 'register-company',
  'bind-billing-account': 'ids',
  'workspace-create-existing': 'workspace-choose',
  'workspace-create-new': 'workspace-choose',
  'workspace-confirm-bind': 'workspace-choose',
};

const NEXT: Partial<Record<Status, Status>> = {
  'register-basic': 'register-company',
  'register-company': 'register-method',
};

function go(state: WizardState, status: Status): WizardState {
  return { ...state, status, errors: NO_ERRORS, focusTick: state.focusTick + 1 };
}

export function withoutPasswords(v: Record<string, string | boolean>): Record<string, string | boolean> {
  const out = { ...v };
  for (const k of PASSWORD_FIELDS) delete out[k];
  return out;
}

/** Whether `back` moves anywhere from here (the view hides the button otherwise). */
export function canGoBack(state: WizardState): boolean {
  const to = BACK[state.status];
  return Boolean(to) && !(to === 'ids' && state.activation?.verified);
}

/** A fresh wizard on `activation`, its IDs and site coming from the API rather than from the user. */
function adopt(state: WizardState, activation: Activation): WizardState {
  const values = emptyValues(state.defaultLanguage);
  values.ids = { accountId: activation.accountId, instanceId: activation.instanceId, site: activation.site };
  return {
    ...initialState(state.defaultLanguage),
    status: statusFor(activation, 'ids'),
    values,
    activation,
    detectedInstances: state.detectedInstances,
    focusTick: state.focusTick + 1,
  };
}

export function reducer(state: WizardState, action: Action): WizardState {
  switch (action.type) {
    case 'hydrate': {
      const d = action.draft;
      const base = emptyValues(state.defaultLanguage);
      const values = Object.fromEntries(
        (Object.keys(base) as FormKey[]).map((k) => [k, { ...base[k], ...(d.values[k] ?? {}) }]),
      ) as Values;
      return {
        ...state,
        status: d.status,
        values,
        activation: d.activation,
        codes: d.codes,
        detectedInstances: d.detectedInstances,
        anotherWorkspace: d.anotherWorkspace === true,
        pending: null,
        errors: NO_ERRORS,
        focusTick: state.focusTick + 1,
      };
    }
    case 'secrets': {
      // Only into fields still empty: what was typed since the popup opened wins.
      const values = { ...state.values };
      for (const [form, v] of Object.entries(action.values) as [FormKey, FormValues][]) {
        const cur = { ...values[form] };
        for (const k of PASSWORD_FIELDS) if (typeof v[k] === 'string' && !cur[k]) cur[k] = v[k];
        values[form] = cur;
      }
      return { ...state, values };
    }
    case 'ui-language': {
      // A language the user did not choose follows the interface; one they chose stays.
      const follow = (v: FormValues) => (v.languageChosen === true ? v : { ...v, language: action.language });
      const values = { ...state.values, register: follow(state.values.register), workspace: follow(state.values.workspace) };
      return { ...state, values, defaultLanguage: action.language };
    }
    case 'offer':
      // An offer of the activation already on screen is no choice at all.
      return { ...state, offer: action.offer && action.offer.id !== state.activation?.id ? action.offer : null };
    case 'detected': {
      // Prefill only what the user has not typed: detection never overwrites their input.
      const ids = { ...state.values.ids };
      if (!ids.accountId && action.accountId) ids.accountId = action.accountId;
      if (!ids.instanceId && action.preferredInstanceId) ids.instanceId = action.preferredInstanceId;
      return { ...state, values: { ...state.values, ids }, detectedInstances: action.instanceIds };
    }
    case 'field': {
      const form = { ...state.values[action.form], [action.name]: action.value };
      // Picked by the user: the workspace language no longer follows the interface language.
      if (action.name === 'language') form.languageChosen = true;
      const fields = { ...state.errors.fields };
      delete fields[action.name];
      return { ...state, values: { ...state.values, [action.form]: form }, errors: { ...state.errors, fields } };
    }
    case 'next': {
      const to = NEXT[state.status];
      // A step whose code was checked first comes here with that check still marked in flight.
      return to ? go({ ...state, pending: null }, to) : state;
    }
    case 'back': {
      const to = BACK[state.status];
      // The marketplace gave the IDs of a verified activation: there is no step 1 to go back to.
      if (!to || !canGoBack(state) || state.pending) return state;
      return go(state, to);
    }
    case 'switch': {
      if (state.activation?.state !== 'needs-billing-account' || state.pending) return state;
      const onRegister = formOf(state.status) === 'register';
      if (action.to === 'bind-billing-account' && onRegister) return go(state, 'bind-billing-account');
      // Only what the API says is possible: a cloud account that can only bind is never offered registration.
      if (action.to === 'register' && state.status === 'bind-billing-account' && mayTake(state.activation, 'register') && !state.activation.billingAccount) {
        return go(state, 'register-basic');
      }
      return state;
    }
    case 'start-over': {
      const fresh = initialState(state.defaultLanguage);
      // From Done it is another instance: the activated one's IDs would only lead back to it. From
      // the middle of a path, the IDs typed on step 1 are kept (the site with them).
      const ids = state.status === 'done' ? { ...fresh.values.ids, site: state.values.ids.site ?? 'cn1' } : { ...state.values.ids };
      const activated = state.status === 'done' ? state.activation?.instanceId : undefined;
      return {
        ...fresh,
        values: { ...fresh.values, ids },
        detectedInstances: state.detectedInstances.filter((id) => id !== activated),
        offer: state.offer,
        focusTick: state.focusTick + 1,
      };
    }
    case 'create-workspace':
      if (state.status !== 'workspace-choose') return state;
      return go(state, action.kind === 'existing' ? 'workspace-create-existing' : 'workspace-create-new');
    case 'another-workspace': {
      // Only a buyer who proved the purchase sees what is bound, and only they may add to it.
      const a = state.activation;
      if (state.status !== 'returning' || !a?.returning || state.pending) return state;
      return go({ ...state, anotherWorkspace: true }, statusFor(a, 'ids', true));
    }
    case 'ask-confirm-bind': {
      if (state.status !== 'workspace-choose') return state;
      const id = state.values.workspace.workspaceId;
      const ws = state.workspaces?.find((w) => w.id === id);
      if (!ws) return { ...state, errors: { ...NO_ERRORS, fields: { workspaceId: { key: 'error_choose_workspace' } } }, focusTick: state.focusTick + 1 };
      if (!ws.bindable) return { ...state, errors: { ...NO_ERRORS, fields: { workspaceId: { key: 'error_code_WORKSPACE_NOT_BINDABLE' } } }, focusTick: state.focusTick + 1 };
      return go(state, 'workspace-confirm-bind');
    }
    case 'invalid': {
      const names = Object.keys(action.fields);
      if (names.length === 0) return state;
      // The first invalid field may sit on an earlier step of the same path (register spans three).
      const status = stepOfField(state.status, names[0]!);
      return { ...state, status, pending: null, errors: { ...NO_ERRORS, fields: action.fields }, focusTick: state.focusTick + 1 };
    }
    case 'request':
      // No double submission: while one request is in flight, another is ignored.
      if (state.pending) return state;
      return { ...state, pending: action.kind, errors: NO_ERRORS };
    case 'failed': {
      const base = { ...state, pending: null, focusTick: state.focusTick + 1 };
      if (action.error.kind === 'api' && LOST_ACTIVATION_CODES.has(action.error.code) && action.kind !== 'start-activation') {
        return { ...base, errors: { fields: {}, form: { key: 'error_activation_lost', detail: action.error.message }, retry: null } };
      }
      if (action.kind === 'update-activation') {
        // The site control sits above every step: its failure stays on the step the user is on,
        // and a refused choice snaps back to the activation's site.
        const m = messagesFor(action.error, action.kind, (f) => state.values.ids[f]);
        const msg = m.form ?? Object.values(m.fields)[0] ?? { key: 'error_unknown' };
        const ids = action.error.kind === 'api' && state.activation ? { ...state.values.ids, site: state.activation.site } : state.values.ids;
        return { ...base, values: { ...state.values, ids }, errors: { fields: {}, form: msg, retry: m.retry } };
      }
      const form = formOf(state.status);
      const m = messagesFor(action.error, action.kind, (f) => state.values[form][f]);
      const first = Object.keys(m.fields)[0];
      const status = first ? stepOfField(state.status, first) : state.status;
      // A field the step does not show (nor its cloud-account line) cannot carry the message: the step does.
      const shown = (f: string) => STEP_FIELDS[status].includes(f) || (status !== 'ids' && CLOUD_ACCOUNT_FIELDS.includes(f));
      const hidden = Object.keys(m.fields).filter((f) => !shown(f));
      if (hidden.length > 0) {
        const fields = Object.fromEntries(Object.entries(m.fields).filter(([f]) => shown(f)));
        return { ...base, status, errors: { fields, form: m.form ?? m.fields[hidden[0]!]!, retry: m.retry } };
      }
      return { ...base, status, errors: m };
    }
    case 'activation': {
      // Read back from the transport, it is another activation than ours (free login confirmed
      // one while the wizard was closed): start over on it.
      if (action.kind === 'get-activation' && action.activation.id !== state.activation?.id) return adopt(state, action.activation);
      const status = statusFor(action.activation, action.kind === 'start-activation' ? 'ids' : state.status, state.anotherWorkspace);
      let values = state.values;
      if (status !== 'done' && action.activation.billingAccount?.username && !values['bind-billing-account'].username) {
        values = { ...values, 'bind-billing-account': { ...values['bind-billing-account'], username: action.activation.billingAccount.username } };
      }
      if (status === 'done') {
        // Nothing typed is needed after activation: drop passwords and codes from memory.
        values = { ...values, register: withoutPasswords(values.register), workspace: withoutPasswords(values.workspace) };
      }
      // The activation's site is the truth once there is one (changed here, or by another popup).
      if (values.ids.site !== action.activation.site) values = { ...values, ids: { ...values.ids, site: action.activation.site } };
      const next = { ...state, values, activation: action.activation, pending: null };
      if (status === state.status) return { ...next, errors: action.kind === 'get-activation' ? state.errors : NO_ERRORS };
      return { ...next, status, errors: NO_ERRORS, focusTick: state.focusTick + 1, ...(status === 'workspace-choose' ? { workspaces: null } : {}) };
    }
    case 'activation-lost':
      return { ...state, activation: null, pending: null, status: 'ids', errors: { fields: {}, form: { key: 'error_activation_lost' }, retry: null }, focusTick: state.focusTick + 1 };
    case 'code-sent':
      return {
        ...state,
        pending: null,
        codes: {
          ...state.codes,
          [action.form]: {
            purpose: action.purpose,
            sentTo: action.sentTo,
            resendAt: action.now + action.resendInSeconds * 1000,
            expiresAt: action.now + action.expiresInSeconds * 1000,
          },
        },
        errors: NO_ERRORS,
      };
    case 'workspaces':
      return { ...state, workspaces: action.list, pending: state.pending === 'list-workspaces' ? null : state.pending };
  }
}
