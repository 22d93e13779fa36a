// The wizard's view container: holds the reducer, keeps the draft on every change, runs the
// model's effects (popup/model/effects.ts) from the steps' buttons, and moves the focus. Steps only
// render `status`. Nothing here knows how calls travel: that is the env's transport.
import type { ComponentChild } from 'preact';
import { useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState } from 'preact/hooks';
import type { DetectionSnapshot } from '../../../shared/detections';
import { toDraft, toSecrets } from '../model/draft';
import { automaticRequest, createWizardEffects, siteChangeable } from '../model/effects';
import { initialState, reducer } from '../model/reducer';
import { STEP_FIELDS } from '../model/step-fields';
import type { WizardEnv } from '../model/transport';
import type { WizardEffects } from '../model/effects';
import type { Action } from '../model/types';
import type { StepProps } from './ui';
import { CloudAccount, Offer, Progress, SitePicker, StartOver } from './frame';
import { IdsStep } from './steps/IdsStep';
import { ProveStep } from './steps/ProveStep';
import { RegisterBasic, RegisterCompany, RegisterMethod } from './steps/RegisterSteps';
import { BindBillingAccount } from './steps/BindBillingAccount';
import { ConfirmBind, WorkspaceChoose, WorkspaceCreate } from './steps/WorkspaceSteps';
import { Done } from './steps/Done';
import { Returning } from './steps/Returning';

export function Wizard({ env, lang, snapshot = null }: { env: WizardEnv; lang: string; snapshot?: DetectionSnapshot | null }) {
  const now = env.now ?? Date.now;
  // A new workspace speaks the interface's language unless the buyer picks another.
  const workspaceLang = lang === 'zh_CN' ? 'zh' : 'en';
  const [state, rawDispatch] = useReducer(reducer, workspaceLang, initialState);
  const [ready, setReady] = useState(false);
  const [tick, setTick] = useState(now());
  // The effects read the state as of the last action, not of the last render: a click right after
  // typing (before Preact re-rendered) must see what was typed.
  const stateRef = useRef(state);
  stateRef.current = state;
  const track = (a: Action) => {
    stateRef.current = reducer(stateRef.current, a);
    rawDispatch(a);
  };
  const root = useRef<HTMLDivElement>(null);

  const fx = useMemo(() => createWizardEffects(env, () => stateRef.current, track), [env]);
  const dispatch: StepProps['dispatch'] = (a) => (a.type === 'start-over' ? void fx.startOver() : track(a));

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

  useEffect(() => track({ type: 'ui-language', language: workspaceLang }), [workspaceLang]);

  useEffect(() => {
    if (ready) void env.drafts.save(toDraft(state, now()));
  }, [ready, state]);
  // Passwords only in memory-only storage, and only while some are typed (the draft never has them).
  const secrets = ready ? toSecrets(state, 0) : undefined;
  const secretsKey = secrets === undefined ? null : JSON.stringify(secrets);
  useEffect(() => {
    if (secrets !== undefined) void env.secrets?.save(secrets && { ...secrets, savedAt: now() }).catch(() => undefined);
  }, [secretsKey]);

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
  let step: ComponentChild;
  switch (state.status) {
    case 'ids':
      step = <IdsStep p={p} lang={lang} snapshot={snapshot} />;
      break;
    case 'prove':
      step = <ProveStep p={p} />;
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
  const a = state.activation;
  const inFlow = state.status !== 'ids' && state.status !== 'done';
  // A call the state asks for starts in an effect, a frame after the step shows: the step is busy
  // from its first frame, not idle for one frame and then busy (its buttons turn disabled under a click).
  return (
    <div class="wizard" ref={root} data-status={state.status} data-pending={state.pending ?? auto ?? ''} data-offer={state.offer ? 'yes' : ''}>
      <Progress status={state.status} />
      {state.offer ? (
        <Offer current={a} offer={state.offer} onChoose={(accept) => void fx.takeOffer(accept)} />
      ) : (
        <>
          {a && inFlow ? <CloudAccount p={p} activation={a} /> : null}
          {siteChangeable(state) && state.status !== 'prove' ? <SitePicker p={p} lang={lang} /> : null}
          {step}
          {inFlow && state.status !== 'returning' ? <StartOver p={p} onConfirm={() => void fx.startOver()} /> : null}
        </>
      )}
    </div>
  );
}
