// A returning buyer: the purchase already pays for a workspace. What is bound (workspace and site,
// Billing Center account, the Guance account that logs in) and one button to that site's login
// page; having the purchase pay for another workspace is a separate, explicit choice.
import { PURCHASED_SERVICES_URL } from '../../../../shared/free-login-pages';
import { siteInfo } from '../../../../shared/sites';
import { Actions, Step, useT, type StepProps } from '../ui';

export function Returning({ p, lang }: { p: StepProps; lang: string }) {
  const t = useT();
  const a = p.state.activation;
  if (!a) return null;
  const bound = a.returning?.workspaces ?? [];
  if (bound.length === 0) {
    // Anyone may know the two IDs: an unproved activation learns only that the purchase is activated.
    return (
      <Step p={p} title={t('wizard_returning_title')} intro={<p role="status">{t('wizard_returning_unproved')}</p>}>
        <Actions>
          <button type="button" name="startOver" class="secondary" onClick={() => p.dispatch({ type: 'start-over' })}>
            {t('wizard_start_over')}
          </button>
          <button type="button" name="openPurchasedServices" class="primary" data-url={PURCHASED_SERVICES_URL} onClick={() => p.open(PURCHASED_SERVICES_URL)}>
            {t('free_login_remedy_login_again')}
          </button>
        </Actions>
      </Step>
    );
  }
  const another = (a.paths ?? []).length > 0;
  return (
    <Step p={p} title={t('wizard_returning_title')} intro={<p role="status">{t('wizard_returning_intro')}</p>}>
      {bound.map((ws) => {
        const site = siteInfo(ws.site);
        return (
          <section class="bound" key={ws.id} data-workspace={ws.id}>
            <dl class="summary">
              <dt>{t('wizard_workspace')}</dt>
              <dd data-field="workspace">{`${ws.name} · ${lang === 'zh_CN' ? site.nameZh : site.name}`}</dd>
              <dt>{t('wizard_billing_username')}</dt>
              <dd data-field="billingAccount">{ws.billingAccount.username}</dd>
              <dt>{t('wizard_returning_logs_in')}</dt>
              <dd data-field="guanceAccount">{`${ws.guanceAccount.username} (${ws.guanceAccount.email})`}</dd>
            </dl>
            <Actions>
              <button type="button" name="openLogin" class="primary" data-url={ws.loginUrl} onClick={() => p.open(ws.loginUrl)}>
                {t('wizard_open_login')}
              </button>
            </Actions>
          </section>
        );
      })}
      {another ? (
        <p class="switch another">
          {t('wizard_returning_another_q')}{' '}
          <button type="button" name="anotherWorkspace" class="link" disabled={Boolean(p.state.pending)} onClick={() => p.dispatch({ type: 'another-workspace' })}>
            {t('wizard_returning_another')}
          </button>
        </p>
      ) : null}
    </Step>
  );
}
