// Done: what was bound, and the way into the workspace's site.
import { siteInfo } from '../../../../shared/sites';
import { Actions, Step, useT, type StepProps } from '../ui';

export function Done({ p, lang }: { p: StepProps; lang: string }) {
  const t = useT();
  const a = p.state.activation;
  if (!a) return null;
  const ws = a.workspace;
  const site = siteInfo(ws?.site ?? a.site);
  const login = a.loginUrl ?? site.loginUrl;
  return (
    <Step p={p} title={t('wizard_done_title')} intro={<p role="status">{t('wizard_done_intro')}</p>}>
      <dl class="summary">
        <dt>{t('wizard_account_id')}</dt>
        <dd data-field="accountId">{a.accountId}</dd>
        <dt>{t('wizard_instance_id')}</dt>
        <dd data-field="instanceId">{a.instanceId}</dd>
        <dt>{t('wizard_billing_username')}</dt>
        <dd data-field="billingAccount">{a.billingAccount?.username ?? '—'}</dd>
        <dt>{t('wizard_workspace')}</dt>
        <dd data-field="workspace">
          {ws ? `${ws.name} · ${lang === 'zh_CN' ? site.nameZh : site.name}` : '—'} <span class="badge">{t('wizard_bound')}</span>
        </dd>
        {a.guanceAccount ? (
          <>
            <dt>{t('wizard_guance_login')}</dt>
            <dd data-field="guanceAccount">{t('wizard_guance_login_value', a.guanceAccount.username, a.guanceAccount.email)}</dd>
          </>
        ) : null}
      </dl>
      <Actions>
        <button type="button" name="startOver" class="secondary" onClick={() => p.dispatch({ type: 'start-over' })}>
          {t('wizard_another_instance')}
        </button>
        <button type="button" name="openLogin" class="primary" data-url={login} onClick={() => p.open(login)}>
          {t('wizard_open_login')}
        </button>
      </Actions>
    </Step>
  );
}
