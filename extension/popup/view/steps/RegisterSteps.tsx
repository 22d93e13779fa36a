// The "no Billing Center account" path: basic information, company information, activation method.
import { siteInfo } from '../../../../shared/sites';
import { mayTake } from '../../model/reducer';
import { Actions, AgreeTerms, BackButton, CodeField, Step, SubmitButton, TextField, useT, WorkspaceLanguage, type StepProps } from '../ui';

function SwitchToBind({ p }: { p: StepProps }) {
  const t = useT();
  if (p.state.activation && !mayTake(p.state.activation, 'bind-billing-account')) return null;
  return (
    <p class="switch">
      {t('wizard_have_account_q')}{' '}
      <button type="button" name="switchToBind" class="link" disabled={Boolean(p.state.pending)} onClick={() => p.dispatch({ type: 'switch', to: 'bind-billing-account' })}>
        {t('wizard_switch_to_bind')}
      </button>
    </p>
  );
}

function Progress({ n }: { n: number }) {
  const t = useT();
  return <p class="progress">{t('wizard_register_progress', String(n), '3')}</p>;
}

export function RegisterBasic({ p }: { p: StepProps }) {
  const t = useT();
  return (
    <Step p={p} title={t('wizard_register_basic_title')} intro={<><Progress n={1} /><SwitchToBind p={p} /></>}>
      <TextField p={p} name="username" label={t('wizard_username')} autoComplete="username" hint={t('wizard_username_hint')} />
      <TextField p={p} name="password" type="password" label={t('wizard_password')} autoComplete="new-password" hint={t('wizard_password_hint')} />
      <TextField p={p} name="passwordConfirm" type="password" label={t('wizard_password_confirm')} autoComplete="new-password" />
      <TextField p={p} name="email" type="email" label={t('wizard_email')} autoComplete="email" inputMode="email" onEnter={() => p.run('send-code')} />
      <CodeField p={p} />
      <TextField p={p} name="phone" type="tel" label={t('wizard_phone')} autoComplete="tel" inputMode="tel" optional />
      <Actions>
        <BackButton p={p} />
        <SubmitButton p={p} name="next" label={t('common_next')} onClick={p.next} />
      </Actions>
    </Step>
  );
}

export function RegisterCompany({ p }: { p: StepProps }) {
  const t = useT();
  return (
    <Step p={p} title={t('wizard_register_company_title')} intro={<Progress n={2} />}>
      <TextField p={p} name="companyName" label={t('wizard_company_name')} autoComplete="organization" />
      <TextField p={p} name="contactName" label={t('wizard_contact_name')} autoComplete="name" />
      <TextField p={p} name="industry" label={t('wizard_industry')} optional />
      <Actions>
        <BackButton p={p} />
        <SubmitButton p={p} name="next" label={t('common_next')} onClick={p.next} />
      </Actions>
    </Step>
  );
}

export function RegisterMethod({ p, lang }: { p: StepProps; lang: string }) {
  const t = useT();
  const a = p.state.activation;
  const site = a ? siteInfo(a.site) : null;
  return (
    <Step p={p} title={t('wizard_register_method_title')} intro={<Progress n={3} />}>
      <TextField p={p} name="workspaceName" label={t('wizard_workspace_name')} />
      <WorkspaceLanguage p={p} />
      {site ? <p class="hint">{t('wizard_created_on_site', lang === 'zh_CN' ? site.nameZh : site.name)}</p> : null}
      <AgreeTerms p={p} />
      <Actions>
        <BackButton p={p} />
        <SubmitButton p={p} name="activate" label={t('wizard_activate')} onClick={() => p.run('register')} />
      </Actions>
    </Step>
  );
}
