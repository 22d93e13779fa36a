// Step 1: the account ID and instance ID (prefilled from what the extension read off the Alibaba
// Cloud pages, editable, with where each was read and a copy button) and the site, which only
// decides where a new workspace is created.
import { useState } from 'preact/hooks';
import type { DetectionSnapshot } from '../../../../shared/detections';
import { ALL_SITES } from '../../../../shared/sites';
import { sourceLine } from '../../model/detected';
import { Actions, SelectField, Step, SubmitButton, TextField, useT, type StepProps } from '../ui';

export const ACCOUNT_CENTER_URL = 'https://account.console.aliyun.com/v2/#/basic-info/index';
// One address for Purchased Services everywhere (the proof step, the returning step, the web pages).
export { PURCHASED_SERVICES_URL } from '../../../../shared/free-login-pages';
import { PURCHASED_SERVICES_URL } from '../../../../shared/free-login-pages';

function CopyButton({ value, label }: { value: string; label: string }) {
  const t = useT();
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      class="copy secondary"
      aria-label={`${t('detect_copy')} ${label}`}
      disabled={!value}
      onClick={() =>
        void navigator.clipboard.writeText(value).then(
          () => {
            setCopied(true);
            setTimeout(() => setCopied(false), 1500);
          },
          () => undefined,
        )
      }
    >
      {copied ? t('detect_copied') : t('detect_copy')}
    </button>
  );
}

export function IdsStep({ p, lang, snapshot }: { p: StepProps; lang: string; snapshot: DetectionSnapshot | null }) {
  const t = useT();
  const ids = p.state.values.ids;
  const accountId = typeof ids.accountId === 'string' ? ids.accountId : '';
  const instanceId = typeof ids.instanceId === 'string' ? ids.instanceId : '';
  const account = snapshot?.account ?? null;
  const instances = snapshot?.instances ?? [];
  const choices = p.state.detectedInstances;
  const readFrom = (src: Parameters<typeof sourceLine>[1], at: number) => <p class="source">{sourceLine(t, src, at)}</p>;
  const chosen = instances.find((i) => i.instanceId === instanceId);
  return (
    <Step
      p={p}
      title={t('wizard_ids_title')}
      aside={
        <div class="site-picker">
          <SelectField
            p={p}
            name="site"
            label={t('wizard_site')}
            options={ALL_SITES.map((s) => ({ value: s.code, label: lang === 'zh_CN' ? s.nameZh : s.name }))}
            hint={t('wizard_site_note')}
          />
        </div>
      }
      intro={<p>{t('wizard_ids_intro')}</p>}
    >
      {account && account.identity !== 'unknown' ? (
        <p class="identity" data-identity={account.identity}>
          {t(`detect_identity_${account.identity.replace('-', '_')}`)}
        </p>
      ) : null}
      {account && (account.identity === 'ram-user' || account.identity === 'role') ? (
        <p class="notice" role="note">
          {t(account.identity === 'role' ? 'detect_role_notice' : 'detect_ram_notice')}
        </p>
      ) : null}
      <TextField p={p} name="accountId" label={t('wizard_account_id')} inputMode="numeric" hint={t('wizard_account_id_hint')}>
        <CopyButton value={accountId} label={t('wizard_account_id')} />
      </TextField>
      {account && account.accountId === accountId ? readFrom(account.source, account.at) : null}
      <p class="help">
        <a href={ACCOUNT_CENTER_URL} target="_blank" rel="noreferrer" id="find-account-id">
          {t('wizard_where_to_find')}
        </a>
      </p>
      {choices.length > 1 ? (
        <fieldset class="choices">
          <legend>{t('wizard_detected_instances', String(choices.length))}</legend>
          {choices.map((id) => {
            const d = instances.find((i) => i.instanceId === id);
            return (
              <label key={id} class="choice" data-status={d?.status}>
                <input
                  type="radio"
                  name="instanceId"
                  value={id}
                  checked={instanceId === id}
                  onChange={() => p.dispatch({ type: 'field', form: 'ids', name: 'instanceId', value: id })}
                />
                {id}
                {d ? <small> · {d.productName} · {t(`detect_status_${d.status}`)}</small> : null}
                {d?.loginDirectlyAt ? <small class="chosen"> · {t('detect_chosen')}</small> : null}
              </label>
            );
          })}
        </fieldset>
      ) : null}
      <TextField p={p} name="instanceId" label={t('wizard_instance_id')} inputMode="numeric" hint={t('wizard_instance_id_hint')}>
        <CopyButton value={instanceId} label={t('wizard_instance_id')} />
      </TextField>
      {chosen ? readFrom(chosen.source, chosen.at) : null}
      <p class="help">
        <a href={PURCHASED_SERVICES_URL} target="_blank" rel="noreferrer" id="find-instance-id">
          {t('wizard_where_to_find')}
        </a>
      </p>
      <Actions>
        <SubmitButton p={p} name="start" label={t('wizard_start')} onClick={() => p.run('start-activation')} />
      </Actions>
    </Step>
  );
}
