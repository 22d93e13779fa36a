// The wizard's container: holds the reducer, keeps the draft in storage on every change, sends
// requests through the background, and moves the focus. Steps only render `status`.
import { useEffect, useLayoutEffect, useReducer, useRef, useState } from 'preact/hooks';
import type { DetectionSnapshot } from '../../../shared/detections';
import type { Activation, SendCodeResponse, WorkspaceListItem } from '../../../shared/schemas';
import type { FieldIssue, WizardMessage, WizardReply } from '../../../shared/messages/popup-to-background';
import { fieldOfPath, formOf, invalidFieldMsg, STEP_FIELDS } from '../model/fields';
import { initialState, reducer, toDraft } from '../model/reducer';
import { localCheck, messageFor, validationFor } from '../model/requests';
import type { Action, Draft, Msg, RequestKind, Status, WizardState } from '../model/types';
import { SelectField, useT, type StepProps } from './ui';
import { ALL_SITES, siteInfo } from '../../../shared/sites';
import { IdsStep } from './steps/IdsStep';
import { RegisterBasic, RegisterCompany, RegisterMethod } from './steps/RegisterSteps';
import { BindBilling } from './steps/BindBilling';
import { ConfirmBind, WorkspaceChoose, WorkspaceCreate } from './steps/WorkspaceSteps';
import { Done } from './steps/Done';

export interface WizardEnv {
  /** Sends a message to the background and returns its reply. */
  send: (msg: WizardMessage) => Promise<WizardReply<unknown>>;
  loadDraft: () => Promise<Draft | null>;
  saveDraft: (d: Draft) => Promise<void>;
  /** What the extension read off Alibaba Cloud pages (null when nothing). */
  detections: () => Promise<{ accountId: string | null; instanceIds: string[]; preferredInstanceId: string | null } | null>;
  open: (url: string) => void;
  now?: () => number;
}

const REGISTER_STEPS: Status[] = ['register-basic', 'register-company', 'register-method'];

/** Which fields a request needs checked before it goes out. */
function checkBefore(kind: RequestKind, s: WizardState): Record<string, Msg> {
  const v = s.values[formOf(s.status)];
  switch (kind) {
    case 'start':
      return localCheck('ids', s.values.ids);
    case 'register':
      return Object.assign({}, ...REGISTER_STEPS.map((st) => localCheck(st, s.values.register))) as Record<string, Msg>;
    case 'send-code':
      return localCheck(s.status, v, [s.status === 'bind-billing' ? 'username' : 'email']);
    case 'bind-billing':
    case 'create-workspace':
      return localCheck(s.status, v);
    default:
      return {};
  }
}

/** Background validation issues → messages for the given fields only, in screen order. */
function issuesToFields(issues: FieldIssue[], fields: readonly string[], valueOf: (f: string) => unknown): Record<string, Msg> {
  const found: Record<string, Msg> = {};
  for (const i of issues) {
    const f = fieldOfPath(i.path);
    if (!f || !fields.includes(f) || found[f]) continue;
    const v = valueOf(f);
    found[f] = invalidFieldMsg(f, v === '' || v === undefined || v === false, i.message);
  }
  const out: Record<string, Msg> = {};
  for (const f of fields) if (found[f]) out[f] = found[f];
  return out;
}

export function Wizard({ env, lang, snapshot = null }: { env: WizardEnv; lang: string; snapshot?: DetectionSnapshot | null }) {
  const now = env.now ?? Date.now;
  const [state, rawDispatch] = useReducer(reducer, undefined, initialState);
  const [ready, setReady] = useState(false);
  const [tick, setTick] = useState(now());
  const stateRef = useRef(state);
  stateRef.current = state;
  const inFlight = useRef(false);
  const root = useRef<HTMLDivElement>(null);

  const dispatch = (a: Action) => {
    if (a.type === 'start-over') void env.send({ type: 'wizard/forget' });
    rawDispatch(a);
  };

  async function run(kind: RequestKind): Promise<void> {
    const s = stateRef.current;
    if (inFlight.current) return;
    const invalid = checkBefore(kind, s);
    if (Object.keys(invalid).length > 0) return rawDispatch({ type: 'invalid', fields: invalid });
    const msg = messageFor(kind, s);
    inFlight.current = true;
    rawDispatch({ type: 'request', kind });
    let reply: WizardReply<unknown>;
    try {
      reply = await env.send(msg);
    } catch (e) {
      reply = { ok: false, error: { kind: 'network', message: e instanceof Error ? e.message : String(e) } };
    } finally {
      inFlight.current = false;
    }
    if (!reply || typeof reply !== 'object') reply = { ok: false, error: { kind: 'network', message: 'No answer from the extension background' } };
    if (!reply.ok) {
      rawDispatch({ type: 'failed', kind, error: reply.error });
      // Another popup (or the API) moved the activation on: catch up rather than leave the user stuck.
      if (reply.error.kind === 'api' && reply.error.code === 'WRONG_STATE') {
        const fresh = await env.send({ type: 'wizard/sync', maxAgeMs: 0 }).catch(() => null);
        const a = fresh?.ok ? (fresh.data as { activation: Activation | null }).activation : null;
        if (a) rawDispatch({ type: 'activation', kind: 'sync', activation: a });
      }
      return;
    }
    const data = reply.data as Record<string, unknown>;
    if (kind === 'send-code') {
      const r = data as SendCodeResponse;
      const body = (msg as unknown as { body: { purpose: 'register' | 'bind-billing-account' | 'guance-account' } }).body;
      return rawDispatch({ type: 'code-sent', form: formOf(s.status), purpose: body.purpose, sentTo: r.sentTo, resendInSeconds: r.resendInSeconds, expiresInSeconds: r.expiresInSeconds, now: now() });
    }
    if (kind === 'workspaces') return rawDispatch({ type: 'workspaces', list: (data as { workspaces: WorkspaceListItem[] }).workspaces });
    const activation = data.activation as Activation | null;
    if (activation) rawDispatch({ type: 'activation', kind, activation });
    else if (kind === 'sync') rawDispatch({ type: 'activation-lost' });
  }

  async function next(): Promise<void> {
    const s = stateRef.current;
    if (inFlight.current) return;
    const fields = STEP_FIELDS[s.status];
    const v = s.values[formOf(s.status)];
    const local = localCheck(s.status, v);
    if (Object.keys(local).length > 0) return rawDispatch({ type: 'invalid', fields: local });
    const check = validationFor(s.status, s);
    if (check) {
      inFlight.current = true;
      try {
        const reply = await env.send(check);
        if (reply?.ok) {
          const issues = (reply.data as { issues: FieldIssue[] }).issues;
          const bad = issuesToFields(issues, fields, (f) => v[f]);
          if (Object.keys(bad).length > 0) return rawDispatch({ type: 'invalid', fields: bad });
        }
      } catch {
        // The background re-checks everything on submit; a failed pre-check must not block the user.
      } finally {
        inFlight.current = false;
      }
    }
    rawDispatch({ type: 'next' });
  }

  // Resume: the stored draft first, then what the extension detected, then the API's current view.
  useEffect(() => {
    let alive = true;
    void (async () => {
      const draft = await env.loadDraft().catch(() => null);
      if (!alive) return;
      if (draft?.v === 1) rawDispatch({ type: 'hydrate', draft });
      const d = await env.detections().catch(() => null);
      if (!alive) return;
      if (d) rawDispatch({ type: 'detected', ...d });
      setReady(true);
      if (draft?.activation && draft.status !== 'ids') void run('sync');
    })();
    return () => {
      alive = false;
    };
  }, []);

  useEffect(() => {
    if (ready) void env.saveDraft(toDraft(state, now()));
  }, [ready, state]);

  // The site picked above a later step goes to the API (PATCH); a refusal snaps it back (reducer).
  const wantSite = state.values.ids.site;
  useEffect(() => {
    if (ready && siteChangeable(state) && wantSite !== state.activation?.site && !state.pending && !state.errors.form) void run('site');
  }, [ready, wantSite, state.activation?.site, state.pending]);

  useEffect(() => {
    if (ready && state.status === 'workspace-choose' && state.workspaces === null && !state.pending && !state.errors.form) void run('workspaces');
  }, [ready, state.status, state.workspaces, state.pending]);

  // Countdown for "resend in N s", only while one is running.
  const waiting = Object.values(state.codes).some((c) => c && c.resendAt > tick);
  useEffect(() => {
    if (!waiting) return;
    const id = setInterval(() => setTick(now()), 1000);
    return () => clearInterval(id);
  }, [waiting]);
  useEffect(() => setTick(now()), [state.codes]);

  // Focus: the first field in error, else the step's message, else the step's first field. A layout
  // effect, so the focus moves with the render rather than a frame later.
  useLayoutEffect(() => {
    const el = root.current;
    if (!el || !ready) return;
    const names = STEP_FIELDS[state.status];
    const errField = names.find((n) => state.errors.fields[n]);
    let target: HTMLElement | null = null;
    if (errField) target = el.querySelector<HTMLElement>(`[name="${errField}"]:not([type=hidden])`);
    else if (state.errors.form) target = el.querySelector<HTMLElement>('#form-error');
    else {
      for (const n of names) {
        target = el.querySelector<HTMLElement>(`[name="${n}"]:not([readonly]):not([disabled]):not([type=hidden])`);
        if (target) break;
      }
      target ??= el.querySelector<HTMLElement>('#step-title');
    }
    target?.focus();
  }, [state.focusTick, ready]);

  if (!ready) return <div class="wizard" aria-busy="true" />;

  const p: StepProps = { state, dispatch, run: (k) => void run(k), next: () => void next(), open: env.open, now: tick };
  let step;
  switch (state.status) {
    case 'ids':
      step = <IdsStep p={p} lang={lang} snapshot={snapshot} />;
      break;
    case 'register-basic':
      step = <RegisterBasic p={p} />;
      break;
    case 'register-company':
      step = <RegisterCompany p={p} />;
      break;
    case 'register-method':
      step = <RegisterMethod p={p} lang={lang} />;
      break;
    case 'bind-billing':
      step = <BindBilling p={p} />;
      break;
    case 'workspace-choose':
      step = <WorkspaceChoose p={p} lang={lang} />;
      break;
    case 'workspace-create-existing':
    case 'workspace-create-new':
      step = <WorkspaceCreate p={p} lang={lang} />;
      break;
    case 'workspace-confirm-bind':
      step = <ConfirmBind p={p} lang={lang} />;
      break;
    case 'done':
      step = <Done p={p} lang={lang} />;
      break;
  }
  return (
    <div class="wizard" ref={root} data-status={state.status} data-pending={state.pending ?? ''}>
      {state.activation?.verified && state.status !== 'ids' ? <VerifiedNote activation={state.activation} /> : null}
      {siteChangeable(state) ? <SitePicker p={p} lang={lang} /> : null}
      {step}
      {state.status !== 'ids' && state.status !== 'done' ? <StartOver p={p} /> : null}
    </div>
  );
}

function StartOver({ p }: { p: StepProps }) {
  const t = useT();
  return (
    <p class="start-over">
      <button type="button" name="startOver" class="link" disabled={Boolean(p.state.pending)} onClick={() => p.dispatch({ type: 'start-over' })}>
        {t('wizard_start_over')}
      </button>
    </p>
  );
}

/** Free login: the marketplace vouched for the IDs, so step 1 was skipped; the user sees which ones. */
function VerifiedNote({ activation }: { activation: Activation }) {
  const t = useT();
  return (
    <p class="notice verified" role="note" data-testid="verified">
      {t('wizard_verified', activation.accountId, activation.instanceId)}
    </p>
  );
}

/** The site decides only where a new workspace is created: changeable until one is bound. */
export function siteChangeable(s: WizardState): boolean {
  const a = s.activation;
  return Boolean(a && !a.workspace && (a.state === 'needs-billing-account' || a.state === 'needs-workspace') && s.status !== 'ids' && s.status !== 'done');
}

function SitePicker({ p, lang }: { p: StepProps; lang: string }) {
  const t = useT();
  const a = p.state.activation!;
  const site = siteInfo(a.site);
  return (
    <div class="site-picker site-later">
      <SelectField
        p={p}
        form="ids"
        name="site"
        label={t('wizard_site')}
        options={ALL_SITES.map((s) => ({ value: s.code, label: lang === 'zh_CN' ? s.nameZh : s.name }))}
        hint={`${t('wizard_site_note')} ${t('wizard_site_saved', lang === 'zh_CN' ? site.nameZh : site.name)}`}
      />
    </div>
  );
}
