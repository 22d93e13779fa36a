// The wizard's view container: holds the reducer, keeps the draft on every change, runs the
// model's effects (popup/model/effects.ts) from the steps' buttons, and moves the focus. Steps only
// render `status`. Nothing here knows how calls travel: that is the env's transport.
import { useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState } from 'preact/hooks';
import type { DetectionSnapshot } from '../../../shared/detections';
import type { Activation } from '../../../shared/schemas';
import { toDraft } from '../model/draft';
import { automaticRequest, createWizardEffects, siteChangeable, type WizardEffects } from '../model/effects';
import { initialState, reducer } from '../model/reducer';
import { STEP_FIELDS } from '../model/step-fields';
import type { WizardEnv } from '../model/transport';
import { SelectField, useT, type StepProps } from './ui';
import { ALL_SITES, siteInfo } from '../../../shared/sites';
import { IdsStep } from './steps/IdsStep';
import { RegisterBasic, RegisterCompany, RegisterMethod } from './steps/RegisterSteps';
import { BindBillingAccount } from './steps/BindBillingAccount';
import { ConfirmBind, WorkspaceChoose, WorkspaceCreate } from './steps/WorkspaceSteps';
import { Done } from './steps/Done';
import { Returning } from './steps/Returning';

export function Wizard({ env, lang, snapshot = null }: { env: WizardEnv; lang: string; snapshot?: DetectionSnapshot | null }) {
  const now = env.now ?? Date.now;
  const [state, rawDispatch] = useReducer(reducer, undefined, initialState);
  const [ready, setReady] = useState(false);
  const [tick, setTick] = useState(now());
  const stateRef = useRef(state);
  stateRef.current = state;
  const root = useRef<HTMLDivElement>(null);

  const fx = useMemo(() => createWizardEffects(env, () => stateRef.current, rawDispatch), [env]);
  const dispatch: StepProps['dispatch'] = (a) => (a.type === 'start-over' ? void fx.startOver() : rawDispatch(a));

  // Resume: the stored draft and the detections first (then the step shows), then the activation
  // the transport holds, once the restored state is what the effects read.
  const restored = useRef<ReturnType<WizardEffects['restore']> | null>(null);
  useEffect(() => {
    let alive = true;
    restored.current = fx.restore();
    void restored.current.then(() => alive && setReady(true), () => alive && setReady(true));
    return () => {
      alive = false;
    };
  }, []);
  useEffect(() => {
    if (ready) void restored.current?.then((draft) => fx.catchUp(draft), () => fx.catchUp(null));
  }, [ready]);

  useEffect(() => {
    if (ready) void env.drafts.save(toDraft(state, now()));
  }, [ready, state]);

  // Calls the state asks for by itself (a site picked above a later step, the workspace list).
  const auto = ready ? automaticRequest(state) : null;
  useEffect(() => {
    if (auto) void fx.run(auto);
  }, [auto, state.values.ids.site, state.activation?.site, state.status]);

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

  const p: StepProps = { state, dispatch, run: (k) => void fx.run(k), next: () => void fx.next(), open: env.open, now: tick };
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
    case 'bind-billing-account':
      step = <BindBillingAccount p={p} />;
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
    case 'returning':
      step = <Returning p={p} lang={lang} />;
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
      {state.status !== 'ids' && state.status !== 'done' && state.status !== 'returning' ? <StartOver p={p} /> : null}
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
