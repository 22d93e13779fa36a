/** @jsxImportSource hono/jsx */
// The console's pages. Each takes what its route read and the page context; nothing here reads
// the database or the request.
import type { OperatorAction } from '../../db/repositories/operator-actions';
import type { EndedLinkRow, LinkRow } from '../repositories/links';
import type { MailRow, MailStatus } from '../repositories/mail';
import type { Page } from '../repositories/keyset';
import type { AuditLogRow, CallRow, FunnelDay, InstanceRow, PaidWorkspace, PendingRow, SignatureFailureDay } from '../repositories/views';
import { DailyChart, FunnelChart } from './charts';
import { countdown, dayLabel, time } from './format';
import type { WordKey } from './i18n';
import { Csrf, Field, FilterForm, Layout, Pager, Select, withQuery, type ViewCtx } from './layout';

const q = (v: ViewCtx, k: string) => v.query.get(k) ?? '';

function Empty({ v, cols }: { v: ViewCtx; cols: number }) {
  return <tr><td colspan={cols} class="empty">{v.t('none')}</td></tr>;
}

function StatusBadge({ v, status }: { v: ViewCtx; status: string }) {
  return <span class={`badge ${status}`}>{v.t(`st_${status}` as WordKey)}</span>;
}

export function SignInPage({ v, pre, email, codeSent, problem, next }: {
  v: ViewCtx; pre: string; email?: string; codeSent?: boolean; problem?: string; next?: string;
}) {
  const { t } = v;
  const Next = () => (next ? <input type="hidden" name="next" value={next} /> : null);
  return (
    <Layout v={v} title={t('signIn')}>
      {problem && <p class="problem" role="alert">{problem}</p>}
      <div class="sign-in">
        <form method="post" action="/operator/sign-in" id="password-form">
          <input type="hidden" name="_csrf" value={pre} />
          <Next />
          <label>{t('email')}<input type="email" name="email" required autocomplete="username" value={email ?? ''} maxlength={254} /></label>
          <label>{t('password')}<input type="password" name="password" required autocomplete="current-password" maxlength={200} /></label>
          <button type="submit">{t('signInWithPassword')}</button>
        </form>
        <form method="post" action="/operator/sign-in/code" id="code-request-form">
          <h2>{t('orCode')}</h2>
          <input type="hidden" name="_csrf" value={pre} />
          <Next />
          <label>{t('email')}<input type="email" name="email" required autocomplete="username" value={email ?? ''} maxlength={254} /></label>
          <button type="submit">{t('sendCode')}</button>
        </form>
        {codeSent && (
          <form method="post" action="/operator/sign-in/verify" id="code-form">
            <p class="notice">{t('codeSent')}</p>
            <input type="hidden" name="_csrf" value={pre} />
            <input type="hidden" name="email" value={email ?? ''} />
            <Next />
            <label>{t('code')}<input name="code" required inputmode="numeric" pattern="[0-9]{6}" maxlength={6} autocomplete="one-time-code" /></label>
            <button type="submit">{t('signInWithCode')}</button>
          </form>
        )}
      </div>
      <p class="note">{t('idleNote')}</p>
    </Layout>
  );
}

export function InstancesPage({ v, page, paid }: { v: ViewCtx; page: Page<InstanceRow>; paid: Map<string, PaidWorkspace[]> }) {
  const { t } = v;
  return (
    <Layout v={v} title={t('navInstances')}>
      <FilterForm v={v}>
        <Select label={t('status')} name="status" value={q(v, 'status')}
          options={[['', t('any')], ['active', t('st_active')], ['expired', t('st_expired')], ['released', t('st_released')]]} />
        <Field label={t('account')} name="account" value={q(v, 'account')} placeholder="16 digits" />
        <Field label={t('sku')} name="sku" value={q(v, 'sku')} />
      </FilterForm>
      <table>
        <thead><tr><th>{t('instance')}</th><th>{t('account')}</th><th>{t('status')}</th><th>{t('sku')}</th><th>{t('expiry')}</th><th>{t('freeze')}</th><th>{t('workspaces')}</th><th>{t('created')}</th></tr></thead>
        <tbody>
          {page.rows.length === 0 && <Empty v={v} cols={8} />}
          {page.rows.map((r) => (
            <tr>
              <td><a href={`/operator/instances/${r.id}`}>{r.id}</a></td>
              <td><a href={`/operator/instances?account=${r.account_id}`}>{r.account_id}</a></td>
              <td><StatusBadge v={v} status={r.status} /></td>
              <td>{r.sku_id ?? '—'}{r.trial ? ' (trial)' : ''}</td>
              <td>{r.expired_on ?? '—'}</td>
              <td>{r.status === 'expired' && r.freeze_ends_at !== null ? `${countdown(r.freeze_ends_at, v.now)} ${t('freezeLeft')}` : '—'}</td>
              <td>{(paid.get(r.id) ?? []).map((w) => <span class="ws">{w.name} <small>({w.site}, {w.username})</small></span>)}</td>
              <td>{time(r.created_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager v={v} next={page.next} />
    </Layout>
  );
}

export function InstancePage({ v, i, paid }: { v: ViewCtx; i: InstanceRow; paid: PaidWorkspace[] }) {
  const { t } = v;
  const frozen = i.status === 'expired';
  return (
    <Layout v={v} title={`${t('instance')} ${i.id}`}>
      <dl class="facts">
        <dt>{t('account')}</dt><dd>{i.account_id}</dd>
        <dt>{t('status')}</dt><dd><StatusBadge v={v} status={i.status} /></dd>
        <dt>{t('sku')}</dt><dd>{i.sku_id ?? '—'} ({i.product_code}){i.trial ? ' trial' : ''}</dd>
        <dt>{t('expiry')}</dt><dd>{i.expired_on ?? '—'}</dd>
        <dt>{t('freeze')}</dt><dd>{frozen && i.freeze_ends_at !== null ? `${time(i.freeze_ends_at)} (${countdown(i.freeze_ends_at, v.now)} ${t('freezeLeft')})` : '—'}</dd>
        <dt>{t('created')}</dt><dd>{time(i.created_at)}</dd>
        <dt>{t('workspaces')}</dt>
        <dd>{paid.length === 0 ? t('paidNothing') : paid.map((w) => <div class="ws">{w.name} <small>{w.workspace_id} · {w.site} · {w.username}</small></div>)}</dd>
      </dl>
      <p>
        <a href={`/operator/calls?instance=${i.id}`}>{t('instanceCalls')}</a> · <a href={`/operator/pending?instance=${i.id}`}>{t('navPending')}</a> · <a href={`/operator/audit?entity=${i.id}`}>{t('instanceAudit')}</a>
      </p>
      {frozen && (
        <section class="actions">
          <form method="post" action={`/operator/instances/${i.id}/freeze/extend`} id="extend-form">
            <h2>{t('extendFreeze')}</h2>
            <Csrf v={v} />
            <label>{t('days')}<input type="number" name="days" min={1} max={30} value="7" required /></label>
            <label>{t('reason')}<input name="reason" required minlength={3} maxlength={500} /></label>
            <button type="submit">{t('extendFreeze')}</button>
          </form>
          <form method="post" action={`/operator/instances/${i.id}/freeze/end`} id="end-form">
            <h2>{t('endFreezeLift')} / {t('endFreezeRelease')}</h2>
            <Csrf v={v} />
            <Select label={t('action')} name="mode" value="lift" options={[['lift', t('endFreezeLift')], ['release', t('endFreezeRelease')]]} />
            <label>{t('reason')}<input name="reason" required minlength={3} maxlength={500} /></label>
            <button type="submit">{t('confirmTitle')}…</button>
          </form>
        </section>
      )}
    </Layout>
  );
}

export function ActivationsPage({ v, days }: { v: ViewCtx; days: FunnelDay[] }) {
  const { t } = v;
  const rows = [...days].reverse();
  return (
    <Layout v={v} title={t('navActivations')}>
      <FilterForm v={v}>
        <Select label={t('days')} name="days" value={q(v, 'days') || '30'} options={[['7', '7'], ['30', '30'], ['90', '90']]} />
      </FilterForm>
      <div class="charts">
        <figure><figcaption>{t('funnel')}</figcaption><FunnelChart days={days} t={t} /></figure>
        <figure><figcaption>{t('daily')}</figcaption><DailyChart days={days} t={t} /></figure>
      </div>
      <table>
        <thead><tr><th>{t('day')}</th><th>{t('started')}</th><th>{t('billingBound')}</th><th>{t('workspaceBound')}</th><th>{t('activated')}</th><th>{t('stoppedBilling')}</th><th>{t('stoppedWorkspace')}</th></tr></thead>
        <tbody>
          {rows.map((d) => (
            <tr>
              <td>{dayLabel(d.day)}</td><td>{d.started}</td><td>{d.billing}</td><td>{d.workspace}</td><td>{d.activated}</td>
              <td>{d.stopped_billing}</td><td>{d.stopped_workspace}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}

const SPI_ACTIONS = ['createInstance', 'renewInstance', 'upgradeInstance', 'expiredInstance', 'releaseInstance', 'verify'];

export function CallsPage({ v, page, failures }: { v: ViewCtx; page: Page<CallRow>; failures: SignatureFailureDay[] }) {
  const { t } = v;
  return (
    <Layout v={v} title={t('navCalls')}>
      <FilterForm v={v}>
        <Select label={t('action')} name="action" value={q(v, 'action')} options={[['', t('any')], ...SPI_ACTIONS.map((a): [string, string] => [a, a])]} />
        <Field label={t('outcome')} name="outcome" value={q(v, 'outcome')} placeholder="ok, replayed, INSTANCE_NOT_FOUND…" />
        <Select label={t('failedOnly')} name="failed" value={q(v, 'failed')} options={[['', t('any')], ['1', t('failedOnly')]]} />
        <Field label={t('instance')} name="instance" value={q(v, 'instance')} />
      </FilterForm>
      <table>
        <thead><tr><th>#</th><th>{t('received')}</th><th>{t('action')}</th><th>{t('instance')}</th><th>{t('outcome')}</th><th>{t('http')}</th><th>{t('params')}</th></tr></thead>
        <tbody>
          {page.rows.length === 0 && <Empty v={v} cols={7} />}
          {page.rows.map((r) => (
            <tr class={r.http_status >= 400 ? 'failed' : undefined}>
              <td>{r.id}</td><td>{time(r.received_at)}</td><td>{r.action}</td>
              <td>{r.instance_id ? <a href={`/operator/instances/${r.instance_id}`}>{r.instance_id}</a> : '—'}</td>
              <td>{r.outcome}</td><td>{r.http_status}</td><td><code>{r.params}</code></td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager v={v} next={page.next} />
      <h2>{t('signatureFailures')}</h2>
      <table>
        <thead><tr><th>{t('day')}</th><th>{t('count')}</th><th>{t('lastAction')}</th><th>{t('at')}</th></tr></thead>
        <tbody>
          {failures.length === 0 && <Empty v={v} cols={4} />}
          {failures.map((f) => <tr><td>{f.day}</td><td>{f.count}</td><td>{f.last_action ?? '—'}</td><td>{time(f.last_at)}</td></tr>)}
        </tbody>
      </table>
    </Layout>
  );
}

export function PendingPage({ v, page }: { v: ViewCtx; page: Page<PendingRow> }) {
  const { t } = v;
  return (
    <Layout v={v} title={t('navPending')}>
      <FilterForm v={v}>
        <Select label={t('openOnly')} name="open" value={q(v, 'open') || '1'} options={[['1', t('openOnly')], ['0', t('any')]]} />
        <Field label={t('instance')} name="instance" value={q(v, 'instance')} />
      </FilterForm>
      <table>
        <thead><tr><th>#</th><th>{t('received')}</th><th>{t('action')}</th><th>{t('instance')}</th><th>{t('attempts')}</th><th>{t('instanceKnown')}</th><th>{t('resolved')}</th><th>{t('params')}</th><th></th></tr></thead>
        <tbody>
          {page.rows.length === 0 && <Empty v={v} cols={9} />}
          {page.rows.map((r) => (
            <tr>
              <td>{r.id}</td><td>{time(r.received_at)}</td><td>{r.action}</td><td>{r.instance_id}</td><td>{r.attempts}</td>
              <td>{r.instance_known ? '✓' : '—'}</td><td>{r.resolved_at ? `${time(r.resolved_at)} ${r.outcome ?? ''}` : '—'}</td>
              <td><code>{r.params}</code></td>
              <td>{r.resolved_at === null && (
                <form method="post" action={`/operator/pending/${r.id}/apply`}><Csrf v={v} /><button type="submit">{t('applyAgain')}</button></form>
              )}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager v={v} next={page.next} />
    </Layout>
  );
}

export function MailPage({ v, page, statuses }: { v: ViewCtx; page: Page<MailRow>; statuses: readonly MailStatus[] }) {
  const { t } = v;
  return (
    <Layout v={v} title={t('navMail')}>
      <FilterForm v={v}>
        <Field label={t('recipient')} name="recipient" value={q(v, 'recipient')} />
        <Select label={t('status')} name="status" value={q(v, 'status')} options={[['', t('any')], ...statuses.map((s): [string, string] => [s, t(`ms_${s}` as WordKey)])]} />
      </FilterForm>
      <p class="note">{t('mailStatusNote')}</p>
      <table>
        <thead><tr><th>#</th><th>{t('created')}</th><th>{t('recipient')}</th><th>{t('subject')}</th><th>{t('status')}</th><th>{t('attempts')}</th><th></th></tr></thead>
        <tbody>
          {page.rows.length === 0 && <Empty v={v} cols={7} />}
          {page.rows.map((m) => (
            <tr>
              <td>{m.id}</td><td>{time(m.created_at)}</td><td>{m.recipient}</td><td>{m.subject}</td>
              <td><span class={`badge mail-${m.status}`} title={m.last_error ?? undefined}>{t(`ms_${m.status}` as WordKey)}</span></td>
              <td>{m.attempts}</td>
              <td>{m.resendable && <form method="post" action={`/operator/mail/${m.id}/resend`}><Csrf v={v} /><button type="submit">{t('resend')}</button></form>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager v={v} next={page.next} />
    </Layout>
  );
}

export function AuditPage({ v, page, actions }: { v: ViewCtx; page: Page<AuditLogRow>; actions: OperatorAction[] }) {
  const { t } = v;
  return (
    <Layout v={v} title={t('navAudit')}>
      <FilterForm v={v}>
        <Field label={t('auditAccount')} name="account" value={q(v, 'account')} />
        <Field label={t('auditEntity')} name="entity" value={q(v, 'entity')} />
        <Field label={t('request')} name="request" value={q(v, 'request')} />
      </FilterForm>
      {actions.length > 0 && (
        <>
          <h2>{t('navActions')}</h2>
          <ActionsTable v={v} rows={actions} />
        </>
      )}
      <table>
        <thead><tr><th>{t('at')}</th><th>{t('entity')}</th><th>{t('field')}</th><th>{t('change')}</th><th>{t('account')}</th><th>{t('billingAccount')}</th><th>{t('request')}</th></tr></thead>
        <tbody>
          {page.rows.length === 0 && <Empty v={v} cols={7} />}
          {page.rows.map((r) => (
            <tr>
              <td>{time(r.at)}</td>
              <td>{r.entity} <a href={withQuery({ ...v, query: new URLSearchParams() }, { entity: r.entity_id })}>{r.entity_id}</a></td>
              <td>{r.field}</td><td>{r.old_value ?? '—'} → {r.new_value ?? '—'}</td>
              <td>{r.account_id ? <a href={`/operator/audit?account=${r.account_id}`}>{r.account_id}</a> : '—'}</td>
              <td>{r.billing_account_id ? <a href={`/operator/audit?account=${r.billing_account_id}`}>{r.billing_account_id}</a> : '—'}</td>
              <td>{r.request_id ? <a href={`/operator/audit?request=${encodeURIComponent(r.request_id)}`}>{r.request_id}</a> : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager v={v} next={page.next} />
    </Layout>
  );
}

function ActionsTable({ v, rows }: { v: ViewCtx; rows: OperatorAction[] }) {
  const { t } = v;
  return (
    <table class="operator-actions">
      <thead><tr><th>{t('at')}</th><th>{t('actor')}</th><th>{t('action')}</th><th>{t('target')}</th><th>{t('reason')}</th><th>{t('outcome')}</th><th>{t('request')}</th></tr></thead>
      <tbody>
        {rows.length === 0 && <Empty v={v} cols={7} />}
        {rows.map((a) => (
          <tr class={a.outcome === 'ok' ? undefined : 'failed'}>
            <td>{time(a.at)}</td><td>{a.actor}</td><td>{a.action}</td><td>{a.target}</td><td>{a.reason ?? '—'}</td><td>{a.outcome}</td>
            <td>{a.requestId ? <a href={`/operator/audit?request=${encodeURIComponent(a.requestId)}`}>{a.requestId}</a> : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ActionsPage({ v, page }: { v: ViewCtx; page: Page<OperatorAction> }) {
  const { t } = v;
  return (
    <Layout v={v} title={t('navActions')}>
      <FilterForm v={v}>
        <Field label={t('actor')} name="actor" value={q(v, 'actor')} />
        <Field label={t('target')} name="target" value={q(v, 'target')} />
        <Field label={t('request')} name="request" value={q(v, 'request')} />
      </FilterForm>
      <ActionsTable v={v} rows={page.rows} />
      <Pager v={v} next={page.next} />
    </Layout>
  );
}

export function LinksPage({ v, page, ended }: { v: ViewCtx; page: Page<LinkRow>; ended: Page<EndedLinkRow> }) {
  const { t } = v;
  return (
    <Layout v={v} title={t('navLinks')}>
      <FilterForm v={v}>
        <Field label={t('account')} name="account" value={q(v, 'account')} placeholder="16 digits" />
        <Field label={t('billingAccount')} name="billing" value={q(v, 'billing')} placeholder="ba_… / username" />
      </FilterForm>
      <table>
        <thead><tr><th>{t('account')}</th><th>{t('billingAccount')}</th><th>{t('linkedAt')}</th><th>{t('proof')}</th><th>{t('unlink')}</th></tr></thead>
        <tbody>
          {page.rows.length === 0 && <Empty v={v} cols={5} />}
          {page.rows.map((l) => (
            <tr>
              <td><a href={`/operator/audit?account=${l.account_id}`}>{l.account_id}</a></td>
              <td>{l.username} <small>{l.billing_account_id} · {l.email}</small></td>
              <td>{time(l.linked_at)}</td>
              <td><span class={`badge proof-${l.proof}`}>{t(`pr_${l.proof}` as WordKey)}</span>{l.activation_id && <small> {l.activation_id}</small>}</td>
              <td>
                <form method="post" action={`/operator/links/${l.account_id}/unlink`} class="inline">
                  <Csrf v={v} />
                  <input name="reason" required minlength={3} maxlength={500} placeholder={t('reason')} aria-label={t('reason')} />
                  <button type="submit">{t('unlink')}</button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager v={v} next={page.next} />
      <h2>{t('endedLinks')}</h2>
      <table id="ended-links">
        <thead><tr><th>{t('account')}</th><th>{t('billingAccount')}</th><th>{t('linkedAt')}</th><th>{t('endedAt')}</th><th>{t('proof')}</th><th>{t('endReason')}</th></tr></thead>
        <tbody>
          {ended.rows.length === 0 && <Empty v={v} cols={6} />}
          {ended.rows.map((e) => (
            <tr>
              <td><a href={`/operator/audit?account=${e.account_id}`}>{e.account_id}</a></td>
              <td>{e.username} <small>{e.billing_account_id}</small></td>
              <td>{time(e.linked_at)}</td>
              <td>{time(e.ended_at)}</td>
              <td><span class={`badge proof-${e.proof}`}>{t(`pr_${e.proof}` as WordKey)}</span></td>
              <td>{t(`end_${e.reason}` as WordKey)}{e.note && <q> {e.note}</q>}{e.activation_id && <small> {e.activation_id}</small>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager v={v} next={ended.next} param="ended_after" />
    </Layout>
  );
}

/** The second step of every action: what will happen, and the same form again with confirm=yes. */
export function ConfirmPage({ v, question, action, fields, back }: {
  v: ViewCtx; question: string; action: string; fields: Record<string, string>; back: string;
}) {
  const { t } = v;
  return (
    <Layout v={v} title={t('confirmTitle')}>
      <p class="question">{question}</p>
      {fields.reason && <p>{t('reason')}: <q>{fields.reason}</q></p>}
      <form method="post" action={action} id="confirm-form">
        <Csrf v={v} />
        {Object.entries(fields).map(([k, val]) => <input type="hidden" name={k} value={val} />)}
        <input type="hidden" name="confirm" value="yes" />
        <button type="submit" class="danger">{t('confirm')}</button>
        <a href={back}>{t('cancel')}</a>
      </form>
    </Layout>
  );
}

export function MessagePage({ v, title, message, back, problems }: {
  v: ViewCtx; title: string; message: string; back?: string; problems?: Array<{ path: string; message: string }>;
}) {
  return (
    <Layout v={v} title={title}>
      <p class="message" role="status">{message}</p>
      {problems && problems.length > 0 && <ul class="problems">{problems.map((p) => <li><code>{p.path || '—'}</code> {p.message}</li>)}</ul>}
      {back && <p><a href={back}>{v.t('back')}</a></p>}
    </Layout>
  );
}
