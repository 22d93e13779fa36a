// The wizard's effects, outside the reducer and outside any view: check a step, make a call through
// the transport, turn its answer into actions. Whatever renders the wizard (the popup's Preact view,
// a web page) creates these once and calls them from its buttons; they only read the state and
// dispatch, so the reducer stays the one place where the wizard changes.
import type { CallBody, CallResult, WizardAnswers, WizardCall } from '../../../shared/wizard';
import { readDraft, readSecrets } from './draft';
import { issuesToFields } from './field-errors';
import { localCheck, checkedRequestFor, requestFor } from './requests';
import { formOf, STEP_FIELDS } from './step-fields';
import type { WizardEnv } from './transport';
import type { Action, Draft, Msg, RequestKind, Status, WizardState } from './types';

const REGISTER_STEPS: Status[] = ['register-basic', 'register-company', 'register-method'];

/** How old the background's copy of the activation may be when the wizard opens. */
const RESUME_MAX_AGE_MS = 60_000;

/** Which fields a request needs filled in before it goes out. */
function checkBefore(kind: RequestKind, s: WizardState): Record<string, Msg> {
  const v = s.values[formOf(s.status)];
  switch (kind) {
    case 'start-activation':
      return localCheck('ids', s.values.ids);
    case 'register':
      return Object.assign({}, ...REGISTER_STEPS.map((st) => localCheck(st, s.values.register))) as Record<string, Msg>;
    case 'send-code':
      return localCheck(s.status, v, [s.status === 'bind-billing-account' ? 'username' : 'email']);
    case 'bind-billing-account':
    case 'create-workspace':
      return localCheck(s.status, v);
    default:
      return {};
  }
}

/** The site decides only where a new workspace is created: changeable until one is bound. */
export function siteChangeable(s: WizardState): boolean {
  const a = s.activation;
  return Boolean(a && !a.workspace && (a.state === 'needs-billing-account' || a.state === 'needs-workspace') && s.status !== 'ids' && s.status !== 'done' && s.status !== 'returning');
}

/**
 * A call the state itself asks for: the site picked above a later step goes to the API (a refusal
 * snaps it back, in the reducer), and the workspace list loads when its step shows without one.
 */
export function automaticRequest(s: WizardState): RequestKind | null {
  if (s.pending || s.errors.form) return null;
  if (siteChangeable(s) && s.values.ids.site !== s.activation?.site) return 'update-activation';
  if (s.status === 'workspace-choose' && s.workspaces === null) return 'list-workspaces';
  return null;
}

export interface WizardEffects {
  /** Reads the stored draft, then the detections, into the state; resolves to the draft found. */
  restore(): Promise<Draft | null>;
  /** Once the restored state is rendered: asks the transport for its activation and follows it. */
  catchUp(draft: Draft | null): Promise<void>;
  /** Checks what the request needs, then makes the call and dispatches its outcome. */
  run(kind: RequestKind): Promise<void>;
  /** Checks the step's fields (filled in, then formats) and goes to the next step of the path. */
  next(): Promise<void>;
  /** Back to step 1 (keeping the IDs typed there); the transport forgets the activation. */
  startOver(): Promise<void>;
  /** Keeps the activation free login offered (`accept`) or the one in progress. */
  takeOffer(accept: boolean): Promise<void>;
}

/** Steps whose code is used by a later step: it is checked before the buyer moves on. */
const CODE_CHECKED_ON_NEXT: ReadonlySet<Status> = new Set(['register-basic']);

export function createWizardEffects(env: WizardEnv, getState: () => WizardState, dispatch: (a: Action) => void): WizardEffects {
  const now = env.now ?? Date.now;
  let inFlight = false;

  /** The transport promises not to throw; this holds even for one that does. */
  async function call<K extends WizardCall>(kind: K, body: CallBody<K>): Promise<CallResult<WizardAnswers[K]>> {
    try {
      const reply = await env.transport.call(kind, body);
      if (reply && typeof reply === 'object' && typeof reply.ok === 'boolean') return reply;
      return { ok: false, error: { kind: 'network', message: 'No answer from the extension background' } };
    } catch (e) {
      return { ok: false, error: { kind: 'network', message: e instanceof Error ? e.message : String(e) } };
    }
  }

  async function run(kind: RequestKind): Promise<void> {
    const s = getState();
    if (inFlight) return;
    const invalid = checkBefore(kind, s);
    if (Object.keys(invalid).length > 0) return dispatch({ type: 'invalid', fields: invalid });
    const request = requestFor(kind, s);
    inFlight = true;
    dispatch({ type: 'request', kind });
    let reply: CallResult<unknown>;
    try {
      reply = await call(request.call, request.body as never);
    } finally {
      inFlight = false;
    }
    if (!reply.ok) {
      dispatch({ type: 'failed', kind, error: reply.error });
      // Another popup (or the API) moved the activation on: catch up rather than leave the user stuck.
      if (reply.error.kind === 'api' && reply.error.code === 'WRONG_STATE') {
        const fresh = await call('get-activation', { maxAgeMs: 0 });
        if (fresh.ok && fresh.data.activation) dispatch({ type: 'activation', kind: 'get-activation', activation: fresh.data.activation });
      }
      return;
    }
    if (request.call === 'send-code') {
      const r = reply.data as WizardAnswers['send-code'];
      return dispatch({
        type: 'code-sent', form: formOf(s.status), purpose: request.body.purpose as 'register' | 'bind-billing-account' | 'guance-account',
        sentTo: r.sentTo, resendInSeconds: r.resendInSeconds, expiresInSeconds: r.expiresInSeconds, now: now(),
      });
    }
    if (request.call === 'list-workspaces') return dispatch({ type: 'workspaces', list: (reply.data as WizardAnswers['list-workspaces']).workspaces });
    if (request.call === 'check-code') return dispatch({ type: 'next' });
    const { activation, offer } = reply.data as WizardAnswers['get-activation'];
    if (activation) dispatch({ type: 'activation', kind, activation });
    else if (kind === 'get-activation') dispatch({ type: 'activation-lost' });
    if (kind === 'get-activation') dispatch({ type: 'offer', offer: offer ?? null });
  }

  async function next(): Promise<void> {
    const s = getState();
    if (inFlight) return;
    const fields = STEP_FIELDS[s.status];
    const v = s.values[formOf(s.status)];
    const local = localCheck(s.status, v);
    if (Object.keys(local).length > 0) return dispatch({ type: 'invalid', fields: local });
    const checked = checkedRequestFor(s.status, s);
    if (checked) {
      inFlight = true;
      try {
        const { formatIssues } = await import('./form-rules');
        const bad = issuesToFields(formatIssues(checked), (f) => v[f], fields);
        if (Object.keys(bad).length > 0) return dispatch({ type: 'invalid', fields: bad });
      } catch {
        // The rules are checked again when the call is made; a failed pre-check must not block the user.
      } finally {
        inFlight = false;
      }
    }
    // A wrong code is said where it was typed, not two steps later when it is used.
    if (CODE_CHECKED_ON_NEXT.has(s.status)) return run('check-code');
    dispatch({ type: 'next' });
  }

  async function restore(): Promise<Draft | null> {
    const draft = readDraft(await env.drafts.load().catch(() => null));
    if (draft) dispatch({ type: 'hydrate', draft });
    const secrets = draft?.activation ? readSecrets(await env.secrets?.load().catch(() => null), draft.activation.id, now()) : null;
    if (secrets) dispatch({ type: 'secrets', values: secrets });
    const detected = await env.detections?.().catch(() => null);
    if (detected) dispatch({ type: 'detected', ...detected });
    return draft;
  }

  async function catchUp(draft: Draft | null): Promise<void> {
    if (draft?.activation && draft.status !== 'ids') return run('get-activation');
    // Nothing to resume here; the transport may still hold an activation the draft never saw
    // (free login confirmed one while the wizard was closed): the reducer takes it up.
    const held = await call('get-activation', { maxAgeMs: RESUME_MAX_AGE_MS });
    if (held.ok && held.data.activation) dispatch({ type: 'activation', kind: 'get-activation', activation: held.data.activation });
    if (held.ok) dispatch({ type: 'offer', offer: held.data.offer ?? null });
  }

  return {
    restore,
    catchUp,
    run,
    next,
    async startOver() {
      dispatch({ type: 'start-over' });
      await call('forget-activation', {});
    },
    async takeOffer(accept) {
      if (inFlight) return;
      inFlight = true;
      let reply: CallResult<WizardAnswers['take-offer']>;
      try {
        reply = await call('take-offer', { accept });
      } finally {
        inFlight = false;
      }
      dispatch({ type: 'offer', offer: null });
      if (reply.ok && reply.data.activation) dispatch({ type: 'activation', kind: 'get-activation', activation: reply.data.activation });
    },
  };
}
