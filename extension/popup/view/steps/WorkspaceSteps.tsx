// Bind a workspace: pick one of the Billing Center account's workspaces (with why one cannot be
// bound), or create one with an existing or a new Guance account.
import { siteInfo } from '../../../../shared/sites';
import type { WorkspaceListItem } from '../../../../shared/schemas';
import { Actions, AgreeTerms, BackButton, CodeField, FieldError, Step, SubmitButton, TextField, useT, WorkspaceLanguage, type StepProps } from '../ui';

const siteName = (code: WorkspaceListItem['site'], lang: string) => (lang === 'zh_CN' ? siteInfo(code).nameZh : siteInfo(code).name);

export function WorkspaceChoose({ p, lang }: { p: StepProps; lang: string }) {
  const t = useT();
  const list = p.state.workspaces;
  const selected = p.state.values.workspace.workspaceId;
  const loading = list === null;
  // Reasons are codes from the API; one we have no words for still says "cannot be bound".
  const reason = (r: string | null) => {
    const k = `wizard_reason_${(r ?? 'unknown').replace(/-/g, '_')}`;
    const s = t(k);
    return s === k ? t('wizard_reason_unknown') : s;
  };
  return (
    <Step p={p} title={t('wizard_workspace_title')} intro={<p>{t('wizard_workspace_intro', p.state.activation?.billingAccount?.username ?? '')}</p>}>
      <fieldset class="workspaces" aria-describedby="e-workspaceId" aria-busy={loading ? 'true' : undefined}>
        <legend>{t('wizard_workspace_existing')}</legend>
        {loading ? <p role="status">{t('common_loading')}</p> : null}
        {list && list.length === 0 ? <p>{t('wizard_workspace_none')}</p> : null}
        {list?.map((w) => (
          <label key={w.id} class={w.bindable ? 'choice' : 'choice disabled'}>
            <input
              type="radio"
              name="workspaceId"
              value={w.id}
              checked={selected === w.id}
              disabled={!w.bindable}
              onChange={() => p.dispatch({ type: 'field', form: 'workspace', name: 'workspaceId', value: w.id })}
            />
            <span>
              {w.name} <small>· {siteName(w.site, lang)} · {t(`wizard_language_${w.language}`)}</small>
              {!w.bindable ? <small class="reason"> — {reason(w.reason)}</small> : null}
            </span>
          </label>
        ))}
      </fieldset>
      <FieldError p={p} name="workspaceId" />
      {list?.some((w) => w.bindable) ? (
        <Actions>
          <SubmitButton p={p} name="bindWorkspace" label={t('wizard_bind')} onClick={() => p.dispatch({ type: 'ask-confirm-bind' })} />
        </Actions>
      ) : null}
      <h3>{t('wizard_workspace_create')}</h3>
      <Actions>
        <button type="button" name="createExisting" class="secondary" disabled={Boolean(p.state.pending)} onClick={() => p.dispatch({ type: 'create-workspace', kind: 'existing' })}>
          {t('wizard_have_guance_account')}
        </button>
        <button type="button" name="createNew" class="secondary" disabled={Boolean(p.state.pending)} onClick={() => p.dispatch({ type: 'create-workspace', kind: 'new' })}>
          {t('wizard_no_guance_account')}
        </button>
      </Actions>
    </Step>
  );
}

export function WorkspaceCreate({ p, lang }: { p: StepProps; lang: string }) {
  const t = useT();
  const isNew = p.state.status === 'workspace-create-new';
  const site = p.state.activation ? siteName(p.state.activation.site, lang) : '';
  return (
    <Step p={p} title={t(isNew ? 'wizard_create_new_title' : 'wizard_create_existing_title')} intro={<p>{t('wizard_created_on_site', site)}</p>}>
      <TextField p={p} name="workspaceName" label={t('wizard_workspace_name')} />
      <WorkspaceLanguage p={p} />
      {isNew ? (
        <>
          <TextField p={p} name="username" label={t('wizard_username')} autoComplete="username" hint={t('wizard_username_hint')} />
          <TextField p={p} name="password" type="password" label={t('wizard_password')} autoComplete="new-password" hint={t('wizard_password_hint')} />
          <TextField p={p} name="passwordConfirm" type="password" label={t('wizard_password_confirm')} autoComplete="new-password" />
        </>
      ) : null}
      <TextField p={p} name="email" type="email" label={isNew ? t('wizard_email') : t('wizard_guance_email')} autoComplete="email" inputMode="email" />
      <CodeField p={p} />
      {isNew ? <TextField p={p} name="phone" type="tel" label={t('wizard_phone')} autoComplete="tel" inputMode="tel" optional /> : null}
      <AgreeTerms p={p} />
      <Actions>
        <BackButton p={p} />
        <SubmitButton p={p} name="create" label={t(isNew ? 'wizard_register_and_create' : 'wizard_create')} onClick={() => p.run('create-workspace')} />
      </Actions>
    </Step>
  );
}

export function ConfirmBind({ p, lang }: { p: StepProps; lang: string }) {
  const t = useT();
  const ws = p.state.workspaces?.find((w) => w.id === p.state.values.workspace.workspaceId);
  const a = p.state.activation;
  return (
    <Step p={p} title={t('wizard_confirm_title')}>
      <p id="confirm-text">
        {t('wizard_confirm_text', ws?.name ?? '', ws ? siteName(ws.site, lang) : '', a?.instanceId ?? '', a?.accountId ?? '')}
      </p>
      <input type="hidden" name="workspaceId" value={p.state.values.workspace.workspaceId as string} />
      <FieldError p={p} name="workspaceId" />
      <Actions>
        <BackButton p={p} />
        <SubmitButton p={p} name="confirm" label={t('common_confirm')} onClick={() => p.run('bind-workspace')} />
      </Actions>
    </Step>
  );
}
