// The API links only a proved activation: the proofs it offers, instead of a dead end. Sign in
// with Alibaba Cloud (when the API is configured for it) runs in the background; Login Directly
// is one click away in Purchased Services and comes back here through free login.
import { PURCHASED_SERVICES_URL } from '../../../../shared/free-login-pages';
import { Actions, BackButton, Step, useT, type StepProps } from '../ui';

export function ProveStep({ p }: { p: StepProps }) {
  const t = useT();
  const a = p.state.activation;
  const proofs = a?.proofs ?? ['marketplace'];
  const signingIn = p.state.pending === 'alibaba-sign-in';
  const canSignIn = proofs.includes('alibaba-sign-in');
  return (
    <Step p={p} title={t('wizard_prove_title')} intro={<p>{t(a?.next === 'returning' ? 'wizard_prove_returning' : 'wizard_prove_intro')}</p>}>
      {canSignIn ? (
        <div class="proof">
          <button type="submit" name="signIn" class="primary" disabled={Boolean(p.state.pending)} aria-busy={signingIn ? 'true' : undefined} onClick={() => p.run('alibaba-sign-in')}>
            {signingIn ? t('wizard_signing_in') : t('wizard_sign_in_alibaba')}
          </button>
          <p class="hint">{t('wizard_sign_in_hint')}</p>
          <p class="or">{t('wizard_or')}</p>
        </div>
      ) : null}
      <div class="proof">
        <button type={canSignIn ? 'button' : 'submit'} name="openPurchased" class={canSignIn ? 'secondary' : 'primary'} onClick={() => p.open(PURCHASED_SERVICES_URL)}>
          {t('wizard_open_purchased')}
        </button>
        <p class="hint">{t('wizard_open_purchased_hint')}</p>
      </div>
      <Actions>
        <BackButton p={p} />
      </Actions>
    </Step>
  );
}
