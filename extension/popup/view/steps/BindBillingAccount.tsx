// The "I already have a Billing Center account" path: username, a code sent to its email, Bind.
import { mayTake } from '../../model/reducer';
import { Actions, BackButton, CodeField, Step, SubmitButton, TextField, useT, type StepProps } from '../ui';

export function BindBillingAccount({ p }: { p: StepProps }) {
  const t = useT();
  // A cloud account already linked to a Billing Center account can only bind that one.
  const linked = p.state.activation?.billingAccount?.username ?? null;
  // Registration only where the API says it is possible.
  const canRegister = Boolean(p.state.activation && mayTake(p.state.activation, 'register')) && p.state.activation?.next !== 'bind-billing-account';
  return (
    <Step
      p={p}
      title={t('wizard_bind_title')}
      intro={
        <>
          <p>
            {linked
              ? t('wizard_bind_linked', linked)
              : p.state.activation?.next === 'bind-billing-account'
                ? t('wizard_bind_linked_unnamed')
                : t('wizard_bind_intro')}
          </p>
          {linked || !canRegister ? null : (
            <p class="switch">
              {t('wizard_no_account_q')}{' '}
              <button type="button" name="switchToRegister" class="link" disabled={Boolean(p.state.pending)} onClick={() => p.dispatch({ type: 'switch', to: 'register' })}>
                {t('wizard_switch_to_register')}
              </button>
            </p>
          )}
        </>
      }
    >
      {/* Enter here asks for the code (what the username is for); Bind needs the code first. */}
      <TextField p={p} name="username" label={t('wizard_billing_username')} autoComplete="username" readOnly={Boolean(linked)} onEnter={() => p.run('send-code')} />
      <CodeField p={p} />
      <Actions>
        <BackButton p={p} />
        <SubmitButton p={p} name="bind" label={t('wizard_bind')} onClick={() => p.run('bind-billing-account')} />
      </Actions>
    </Step>
  );
}
