// The popup's first screen: the account ID and instance ID(s) the content scripts read, each in a
// field named for the value it holds (accountId, instanceId), with a copy button and where it was
// read. Closed or expired instances are shown, marked, and never preselected.
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import type { DetectionSnapshot, DetectionSource, InstanceDetection } from '../../shared/detections';

export interface DetectedIdsValue {
  accountId: string;
  instanceId: string;
}

export interface DetectedIdsProps {
  snapshot: DetectionSnapshot;
  /** Called with the values in the fields, at first render and on every change (user edits included). */
  onChange?: (value: DetectedIdsValue) => void;
  /** The popup's translator (it can switch language at run time); default: browser.i18n. */
  t?: Translate;
}

export type Translate = (key: string, ...subs: string[]) => string;

const getMessage = (key: string, subs: string[]) =>
  (browser.i18n.getMessage as (k: string, s?: string[]) => string)(key, subs);
export const browserTranslate: Translate = (key, ...subs) => getMessage(key, subs) || key;

const usable = (i: InstanceDetection) => i.status === 'active' || i.status === 'unknown';

/** The instance to preselect: the newest active one, else the newest of unknown status, else none. */
export function preferredInstance(instances: readonly InstanceDetection[]): string {
  const sorted = [...instances].sort((a, b) => b.at - a.at);
  return (sorted.find((i) => i.status === 'active') ?? sorted.find((i) => i.status === 'unknown'))?.instanceId ?? '';
}

function SourceLine({ source, at, t }: { source: DetectionSource; at: number; t: Translate }) {
  const page = t(`detect_page_${source.pageKind.replace(/-/g, '_')}`);
  const method = t(`detect_method_${source.method.split(':')[0]!.replace(/-/g, '_')}`);
  return (
    <p class="source" title={source.url}>
      {t('detect_source', page, method, new Date(at).toLocaleString())}
    </p>
  );
}

function CopyButton({ value, label, t }: { value: string; label: string; t: Translate }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const id = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(id);
  }, [copied]);
  return (
    <button
      type="button"
      class="copy"
      aria-label={`${t('detect_copy')} ${label}`}
      disabled={!value}
      onClick={() => void navigator.clipboard.writeText(value).then(() => setCopied(true), () => undefined)}
    >
      {copied ? t('detect_copied') : t('detect_copy')}
    </button>
  );
}

export function DetectedIds({ snapshot, onChange, t = browserTranslate }: DetectedIdsProps) {
  const { account, instances } = snapshot;
  const [accountId, setAccountId] = useState(account?.accountId ?? '');
  const [instanceId, setInstanceId] = useState(() => preferredInstance(instances));

  // A newer snapshot (the popup re-asked the background) replaces the detected values.
  useEffect(() => setAccountId(account?.accountId ?? ''), [account?.accountId]);
  const instanceKey = instances.map((i) => `${i.instanceId}:${i.status}`).join();
  useEffect(() => setInstanceId(preferredInstance(instances)), [instanceKey]);
  useEffect(() => onChange?.({ accountId, instanceId }), [accountId, instanceId]);

  const selected = instances.find((i) => i.instanceId === instanceId);
  const accountLabel = t('detect_account_label');
  const instanceLabel = t('detect_instance_label');

  return (
    <section class="detected-ids">
      <h2>{t('detect_title')}</h2>
      {account && (account.identity === 'ram-user' || account.identity === 'role') && (
        <p class="notice" role="note">
          {t(account.identity === 'role' ? 'detect_role_notice' : 'detect_ram_notice')}
        </p>
      )}

      <div class="field">
        <label for="detected-account-id">{accountLabel}</label>
        <div class="row">
          <input
            id="detected-account-id"
            name="accountId"
            inputMode="numeric"
            autocomplete="off"
            value={accountId}
            onInput={(e) => setAccountId(e.currentTarget.value.trim())}
          />
          <CopyButton value={accountId} label={accountLabel} t={t} />
        </div>
        {account ? <SourceLine source={account.source} at={account.at} t={t} /> : <p class="hint">{t('detect_no_account')}</p>}
      </div>

      <div class="field">
        {instances.length > 1 ? (
          <fieldset>
            <legend>{t('detect_choose_instance')}</legend>
            {instances.map((i) => (
              <label class={`instance status-${i.status}`} key={i.instanceId} data-status={i.status}>
                <input
                  type="radio"
                  name="instanceId"
                  value={i.instanceId}
                  checked={i.instanceId === instanceId}
                  onChange={() => setInstanceId(i.instanceId)}
                />
                <span class="id">{i.instanceId}</span> <span class="product">{i.productName}</span>{' '}
                <span class="status">{t(`detect_status_${i.status}`)}</span>
                {!usable(i) && <span class="mark" aria-hidden="true"> ⚠</span>}
              </label>
            ))}
            <div class="row">
              <CopyButton value={instanceId} label={instanceLabel} t={t} />
            </div>
          </fieldset>
        ) : (
          <>
            <label for="detected-instance-id">{instanceLabel}</label>
            <div class="row">
              <input
                id="detected-instance-id"
                name="instanceId"
                inputMode="numeric"
                autocomplete="off"
                value={instanceId}
                onInput={(e) => setInstanceId(e.currentTarget.value.trim())}
              />
              <CopyButton value={instanceId} label={instanceLabel} t={t} />
            </div>
            {instances[0] && !usable(instances[0]) && (
              <p class={`status status-${instances[0].status}`} data-status={instances[0].status}>
                {instances[0].instanceId}: {t(`detect_status_${instances[0].status}`)}
              </p>
            )}
          </>
        )}
        {selected ? (
          <SourceLine source={selected.source} at={selected.at} t={t} />
        ) : instances.length === 0 ? (
          <p class="hint">{t('detect_no_instance')}</p>
        ) : null}
      </div>
    </section>
  );
}
