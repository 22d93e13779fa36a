// Small building blocks shared by the steps: the translation context, labelled fields whose
// errors sit right under them (and are announced), and the send-code control with its countdown.
import { createContext, type ComponentChildren } from 'preact';
import { useContext } from 'preact/hooks';
import type { Translate } from '../../lib/i18n';
import type { Action, FormKey, Msg, RequestKind, WizardState } from '../model/types';
import { formOf } from '../model/step-fields';
import { canGoBack } from '../model/reducer';

export const I18n = createContext<Translate>((k) => k);
export const useT = (): Translate => useContext(I18n);

export interface StepProps {
  state: WizardState;
  dispatch: (a: Action) => void;
  /** Checks the step's fields and sends a request through the background. */
  run: (kind: RequestKind) => void;
  /** Checks the step's fields and goes to the next step of the path. */
  next: () => void;
  /** Opens a page in a new tab. */
  open: (url: string) => void;
  now: number;
}

/** A message in the interface language; the API's own words only when we have no translation. */
export function useMsg(): (m: Msg) => string {
  const t = useT();
  return (m) => {
    const s = t(m.key, ...(m.subs ?? []));
    if (s !== m.key) return s;
    return m.detail ? `${t('error_unknown')} (${m.detail})` : t('error_unknown');
  };
}

const fieldId = (name: string) => `f-${name}`;
const errorId = (name: string) => `e-${name}`;

interface FieldProps {
  p: StepProps;
  name: string;
  label: string;
  type?: 'text' | 'password' | 'email' | 'tel';
  hint?: string;
  /** Announce hint changes (e.g. "code sent to …") to screen readers. */
  liveHint?: boolean;
  autoComplete?: string;
  inputMode?: 'numeric' | 'email' | 'tel' | 'text';
  readOnly?: boolean;
  optional?: boolean;
  form?: FormKey;
  /** What Enter in this field does instead of submitting the step (e.g. send the code). */
  onEnter?: () => void;
  children?: ComponentChildren;
}

export function FieldError({ p, name }: { p: StepProps; name: string }) {
  const msg = useMsg();
  const e = p.state.errors.fields[name];
  return (
    <p id={errorId(name)} class="field-error" role={e ? 'alert' : undefined}>
      {e ? msg(e) : ''}
    </p>
  );
}

export function TextField(props: FieldProps) {
  const t = useT();
  const { p, name } = props;
  const form = props.form ?? formOf(p.state.status);
  const value = p.state.values[form][name];
  const invalid = Boolean(p.state.errors.fields[name]);
  const hintId = props.hint ? `h-${name}` : '';
  return (
    <div class="field">
      <label for={fieldId(name)}>
        {props.label}
        {props.optional ? <span class="optional"> {t('common_optional')}</span> : null}
      </label>
      <div class="row">
        <input
          id={fieldId(name)}
          name={name}
          type={props.type ?? 'text'}
          value={typeof value === 'string' ? value : ''}
          autoComplete={props.autoComplete ?? 'off'}
          inputMode={props.inputMode}
          readOnly={props.readOnly}
          required={!props.optional && !props.readOnly}
          aria-invalid={invalid ? 'true' : undefined}
          aria-describedby={[hintId, errorId(name)].filter(Boolean).join(' ')}
          onInput={(e) => p.dispatch({ type: 'field', form, name, value: (e.currentTarget as HTMLInputElement).value })}
          onKeyDown={
            props.onEnter
              ? (e) => {
                  if (e.key !== 'Enter' || e.isComposing) return;
                  e.preventDefault();
                  props.onEnter!();
                }
              : undefined
          }
        />
        {props.children}
      </div>
      {props.hint ? (
        <p id={hintId} class="hint" aria-live={props.liveHint ? 'polite' : undefined}>
          {props.hint}
        </p>
      ) : null}
      <FieldError p={p} name={name} />
    </div>
  );
}

export function SelectField(props: { p: StepProps; name: string; label: string; options: { value: string; label: string }[]; hint?: string; form?: FormKey }) {
  const { p, name } = props;
  const form = props.form ?? formOf(p.state.status);
  const value = p.state.values[form][name];
  const hintId = props.hint ? `h-${name}` : '';
  return (
    <div class="field">
      <label for={fieldId(name)}>{props.label}</label>
      <select
        id={fieldId(name)}
        name={name}
        value={typeof value === 'string' ? value : ''}
        aria-invalid={p.state.errors.fields[name] ? 'true' : undefined}
        aria-describedby={[hintId, errorId(name)].filter(Boolean).join(' ')}
        onChange={(e) => p.dispatch({ type: 'field', form, name, value: (e.currentTarget as HTMLSelectElement).value })}
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {props.hint ? (
        <p id={hintId} class="hint">
          {props.hint}
        </p>
      ) : null}
      <FieldError p={p} name={name} />
    </div>
  );
}

export function WorkspaceLanguage({ p }: { p: StepProps }) {
  const t = useT();
  return (
    <SelectField
      p={p}
      name="language"
      label={t('wizard_workspace_language')}
      options={[
        { value: 'zh', label: t('wizard_language_zh') },
        { value: 'en', label: t('wizard_language_en') },
      ]}
    />
  );
}

export function AgreeTerms({ p }: { p: StepProps }) {
  const t = useT();
  const form = formOf(p.state.status);
  return (
    <div class="field check">
      <input
        id={fieldId('agreeTerms')}
        name="agreeTerms"
        type="checkbox"
        checked={p.state.values[form].agreeTerms === true}
        aria-invalid={p.state.errors.fields.agreeTerms ? 'true' : undefined}
        aria-describedby={errorId('agreeTerms')}
        onChange={(e) => p.dispatch({ type: 'field', form, name: 'agreeTerms', value: (e.currentTarget as HTMLInputElement).checked })}
      />
      <label for={fieldId('agreeTerms')}>{t('wizard_agree_terms')}</label>
      <FieldError p={p} name="agreeTerms" />
    </div>
  );
}

/** The code field with its "Send code" button, resend countdown and where the code went. */
export function CodeField({ p }: { p: StepProps }) {
  const t = useT();
  const sent = p.state.codes[formOf(p.state.status)];
  const wait = sent ? Math.max(0, Math.ceil((sent.resendAt - p.now) / 1000)) : 0;
  const sending = p.state.pending === 'send-code';
  return (
    <TextField p={p} name="code" label={t('wizard_code')} inputMode="numeric" autoComplete="one-time-code" liveHint hint={sent ? t('wizard_code_sent_to', sent.sentTo) : t('wizard_code_hint')}>
      <button type="button" name="sendCode" class="secondary" disabled={Boolean(p.state.pending) || wait > 0} onClick={() => p.run('send-code')}>
        {sending ? t('wizard_sending') : wait > 0 ? t('wizard_resend_in', String(wait)) : sent ? t('wizard_resend_code') : t('wizard_send_code')}
      </button>
    </TextField>
  );
}

/** A step's frame: heading, the step-level message (with Retry for network failures), actions. */
export function Step(props: { p: StepProps; title: string; intro?: ComponentChildren; children: ComponentChildren; aside?: ComponentChildren }) {
  const t = useT();
  const msg = useMsg();
  const { p } = props;
  const err = p.state.errors.form;
  return (
    <section class="step" aria-labelledby="step-title" data-status={p.state.status}>
      <div class="step-head">
        <h2 id="step-title" tabIndex={-1}>
          {props.title}
        </h2>
        {props.aside}
      </div>
      {props.intro ? <div class="intro">{props.intro}</div> : null}
      <div id="form-error" class="form-error" role="alert" tabIndex={-1}>
        {err ? (
          <>
            <span>{msg(err)}</span>
            {p.state.errors.retry ? (
              <button type="button" name="retry" class="secondary" disabled={Boolean(p.state.pending)} onClick={() => p.run(p.state.errors.retry!)}>
                {t('common_retry')}
              </button>
            ) : null}
            {err.key === 'error_activation_lost' ? (
              <button type="button" name="startAgain" class="secondary" onClick={() => p.dispatch({ type: 'start-over' })}>
                {t('wizard_start_over')}
              </button>
            ) : null}
          </>
        ) : null}
      </div>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
        }}
      >
        {props.children}
      </form>
    </section>
  );
}

export function Actions({ children }: { children: ComponentChildren }) {
  return <div class="actions">{children}</div>;
}

export function BackButton({ p }: { p: StepProps }) {
  const t = useT();
  // Nothing to go back to: the reducer ignores it (a verified activation has no step 1).
  if (!canGoBack(p.state)) return null;
  return (
    <button type="button" name="back" class="secondary" disabled={Boolean(p.state.pending)} onClick={() => p.dispatch({ type: 'back' })}>
      {t('common_back')}
    </button>
  );
}

export function SubmitButton({ p, label, onClick, name }: { p: StepProps; label: string; onClick: () => void; name: string }) {
  const t = useT();
  const busy = Boolean(p.state.pending);
  return (
    <button type="submit" name={name} class="primary" disabled={busy} aria-busy={busy ? 'true' : undefined} onClick={onClick}>
      {busy && p.state.pending !== 'send-code' ? t('common_working') : label}
    </button>
  );
}
