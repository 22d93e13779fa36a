// What surrounds every step after the first: where the buyer is in the flow, the cloud account the
// activation is for (how it was proved, and any error about it), the site as one line where it
// does not matter, the offer of an activation free login brought, and "Start over", asked first.
import { useState } from 'preact/hooks';
import type { Activation } from '../../../shared/schemas';
import { ALL_SITES, siteInfo } from '../../../shared/sites';
import type { Status } from '../model/types';
import { FieldError, SelectField, useT, type StepProps } from './ui';

type Phase = 'ids' | 'billing' | 'workspace' | 'done';
const PHASES: Phase[] = ['ids', 'billing', 'workspace', 'done'];

export function phaseOf(status: Status): Phase {
  if (status === 'ids' || status === 'prove') return 'ids';
  // A returning buyer's instance already pays for a workspace: what is left is logging in.
  if (status === 'done' || status === 'returning') return 'done';
  if (status.startsWith('workspace-')) return 'workspace';
  return 'billing';
}

/** Purchase → Billing Center account → Workspace → Done, the current one marked. */
export function Progress({ status }: { status: Status }) {
  const t = useT();
  const here = PHASES.indexOf(phaseOf(status));
  return (
    <ol class="phases" aria-label={t('wizard_progress_label')}>
      {PHASES.map((ph, i) => (
        <li key={ph} class={i < here ? 'past' : i === here ? 'here' : undefined} aria-current={i === here ? 'step' : undefined}>
          {t(`wizard_phase_${ph}`)}
        </li>
      ))}
    </ol>
  );
}

/** The IDs the activation is for, how they were proved, and errors about the cloud account. */
export function CloudAccount({ p, activation }: { p: StepProps; activation: Activation }) {
  const t = useT();
  const proof = activation.proof ?? (activation.verified ? 'marketplace' : null);
  return (
    <div class={proof ? 'cloud-account proved' : 'cloud-account'} data-testid={proof ? 'verified' : 'cloud-account'} data-proof={proof ?? 'none'}>
      <p class="ids">{t('wizard_cloud_account', activation.accountId, activation.instanceId)}</p>
      <p class="proof-line">{t(proof ? `wizard_proof_${proof.replace(/-/g, '_')}` : 'wizard_proof_none')}</p>
      <FieldError p={p} name="accountId" />
      <FieldError p={p} name="instanceId" />
    </div>
  );
}

/** Steps where the site decides something (a workspace is created there): the whole picker. */
const SITE_MATTERS: ReadonlySet<Status> = new Set(['register-method', 'workspace-create-existing', 'workspace-create-new']);

export function SitePicker({ p, lang }: { p: StepProps; lang: string }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const a = p.state.activation!;
  const site = siteInfo(a.site);
  const name = (s: typeof site) => (lang === 'zh_CN' ? s.nameZh : s.name);
  if (!SITE_MATTERS.has(p.state.status) && !open) {
    return (
      <p class="site-line" data-testid="site-line">
        {t('wizard_site')}: <strong>{name(site)}</strong>{' '}
        <button type="button" name="changeSite" class="link" onClick={() => setOpen(true)}>
          {t('wizard_site_change')}
        </button>
      </p>
    );
  }
  return (
    <div class="site-picker site-later">
      <SelectField
        p={p}
        form="ids"
        name="site"
        label={t('wizard_site')}
        options={ALL_SITES.map((s) => ({ value: s.code, label: name(siteInfo(s.code)) }))}
        hint={`${t('wizard_site_note')} ${t('wizard_site_saved', name(site))}`}
      />
    </div>
  );
}

/** "Start over" loses what was typed: it asks first. */
export function StartOver({ p, onConfirm }: { p: StepProps; onConfirm: () => void }) {
  const t = useT();
  const [asking, setAsking] = useState(false);
  if (asking) {
    return (
      <div class="start-over confirm" role="alertdialog" aria-labelledby="start-over-q">
        <p id="start-over-q">{t('wizard_start_over_q')}</p>
        <button type="button" name="startOverYes" class="secondary" onClick={() => (setAsking(false), onConfirm())}>
          {t('wizard_start_over_yes')}
        </button>{' '}
        <button type="button" name="startOverNo" class="secondary" onClick={() => setAsking(false)}>
          {t('common_cancel')}
        </button>
      </div>
    );
  }
  return (
    <p class="start-over">
      <button type="button" name="startOver" class="link" disabled={Boolean(p.state.pending)} onClick={() => setAsking(true)}>
        {t('wizard_start_over')}
      </button>
    </p>
  );
}

/** Free login brought a proved activation while another was in progress: both, and the choice. */
export function Offer({ current, offer, onChoose }: { current: Activation | null; offer: Activation; onChoose: (accept: boolean) => void }) {
  const t = useT();
  const row = (label: string, a: Activation, field: string) => (
    <>
      <dt>{label}</dt>
      <dd data-field={field}>{t('wizard_cloud_account', a.accountId, a.instanceId)}</dd>
    </>
  );
  return (
    <section class="step offer" aria-labelledby="offer-title" data-testid="offer">
      <h2 id="offer-title" tabIndex={-1}>
        {t('wizard_offer_title')}
      </h2>
      <p>{t('wizard_offer_intro')}</p>
      <dl class="summary">
        {row(t('wizard_offer_new'), offer, 'offer')}
        {current ? row(t('wizard_offer_current'), current, 'current') : null}
      </dl>
      <div class="actions">
        <button type="button" name="keepCurrent" class="secondary" onClick={() => onChoose(false)}>
          {t('wizard_offer_keep')}
        </button>
        <button type="button" name="acceptOffer" class="primary" onClick={() => onChoose(true)}>
          {t('wizard_offer_accept')}
        </button>
      </div>
    </section>
  );
}
