/** @jsxImportSource hono/jsx */
// The operator console, served under /operator: sign-in, the views, and the actions. Mounted with
// one line in app.ts. Every page but the sign-in page and the stylesheet needs a session; every
// form is checked for its CSRF token and for coming from this origin before anything runs.
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Repositories } from '../db/repositories';
import { OperatorActionRepository } from '../db/repositories/operator-actions';
import { ApiError } from '../lib/errors';
import { validate } from '../lib/validate';
import type { MailOutbox } from '../mail/outbox';
import { requestIdOf } from '../security/http';
import type { RateLimiter } from '../security/rate-limit';
import type { LifecycleService } from '../services/lifecycle';
import type { LinkService } from '../services/links';
import type { MarketplaceService } from '../services/marketplace';
import { OperatorRepository } from './repositories/operators';
import { MAIL_STATUSES } from './repositories/mail';
import {
  CONSOLE_CSP, clearConsoleCookie, preSessionToken, readConsoleCookie, render, safeNext, sameToken, setConsoleCookie, viewCtx, type Env,
} from './routes/context';
import * as S from './routes/schemas';
import { OperatorAuthService } from './services/auth';
import { ConsoleService } from './services/console';
import { CONSOLE_CSS } from './views/console-css';
import {
  ActionsPage, ActivationsPage, AuditPage, CallsPage, ConfirmPage, InstancePage, InstancesPage, LinksPage, MailPage, MessagePage,
  PendingPage, SignInPage,
} from './views/pages';

export interface OperatorConsoleDeps {
  repos: Repositories;
  lifecycle: LifecycleService;
  marketplace: MarketplaceService;
  /** The app's durable outbox: sign-in codes, and the mail view's resend. */
  outbox: MailOutbox;
  /** The app's LinkService (the one unlink rule). */
  links: LinkService;
  limiter: RateLimiter;
  now: () => number;
  /** Key for hashing sign-in codes. */
  codeSecret: string;
  /** PUBLIC_URL: behind a TLS proxy, the origin browsers send. */
  publicUrl: string;
  /** OPERATOR_EMAILS; when given, the configured operators are synced at start. */
  operatorEmails?: string[];
  idleMs?: number;
  log: (line: string) => void;
}

/** The list a page belongs to: where "back" leads from a refusal. */
const backOf = (path: string) => /^\/operator\/[a-z-]+/.exec(path)?.[0] ?? '/operator/instances';

const PUBLIC = new Set(['/operator/sign-in', '/operator/sign-in/code', '/operator/sign-in/verify', '/operator/assets/console.css']);
const SIGN_IN_FORMS = new Set(['/operator/sign-in', '/operator/sign-in/code', '/operator/sign-in/verify']);

export function operatorConsole(d: OperatorConsoleDeps) {
  const ops = new OperatorRepository(d.repos.db);
  if (d.operatorEmails) ops.syncFromConfig(d.operatorEmails, d.now());
  const auth = new OperatorAuthService(ops, new OperatorActionRepository(d.repos.db), d.repos, d.outbox, d.codeSecret, d.now, d.limiter, { idleMs: d.idleMs });
  const svc = new ConsoleService(d);
  const publicOrigin = new URL(d.publicUrl).origin;

  const v = (c: Context<Env>) => viewCtx(c, d.now());
  const actor = (c: Context<Env>) => ({ name: c.get('operator')!.email, requestId: requestIdOf(c) });
  const done = (c: Context<Env>, message: string, back: string) =>
    render(c, <MessagePage v={v(c)} title={v(c).t('done')} message={message} back={back} />);
  const confirm = (c: Context<Env>, question: string, fields: Record<string, string>, back: string) =>
    render(c, <ConfirmPage v={v(c)} question={question} action={c.req.path} fields={fields} back={back} />);

  const signInPage = (c: Context<Env>, o: { email?: string; codeSent?: boolean; problem?: string; status?: number; next?: string } = {}) => {
    const next = o.next ?? c.req.query('next');
    return render(c, <SignInPage v={v(c)} pre={preSessionToken(c)} email={o.email} codeSent={o.codeSent} problem={o.problem}
      next={next === undefined ? undefined : safeNext(next)} />, o.status ?? 200);
  };

  /** Sign-in refusals stay on the sign-in page, saying what to do. */
  const signInRefusal = (c: Context<Env>, e: unknown, email: string, next: string | undefined, codeSent = false) => {
    if (!(e instanceof ApiError)) throw e;
    return signInPage(c, { email, codeSent, problem: e.message, status: e.status, next });
  };

  const signedIn = (c: Context<Env>, token: string, next: string | undefined) => {
    setConsoleCookie(c, 'session', token, Math.floor((12 * 3600_000) / 1000));
    clearConsoleCookie(c, 'pre');
    return c.redirect(safeNext(next), 303);
  };

  const app = new Hono<Env>()
    // The session, if any; pages say so in their header.
    .use('*', async (c, next) => {
      c.set('operator', auth.session(readConsoleCookie(c, 'session')));
      c.header('Content-Security-Policy', CONSOLE_CSP);
      // Under no-referrer, Chromium sends `Origin: null` even for a form of this very origin; with
      // same-origin it names the origin (and still tells nothing to other sites).
      c.header('Referrer-Policy', 'same-origin');
      await next();
    })
    .use('*', async (c, next) => {
      const path = c.req.path;
      if (c.req.method !== 'POST') {
        if (!PUBLIC.has(path) && !c.get('operator')) {
          return c.redirect(`/operator/sign-in?next=${encodeURIComponent(path + new URL(c.req.url).search)}`, 303);
        }
        return next();
      }
      // Forms: from this console's own pages only. Browsers send Origin on every POST; a form
      // from another site is refused before its token is even looked at.
      const origin = c.req.header('Origin');
      const site = c.req.header('Sec-Fetch-Site');
      const own = new URL(c.req.url).origin;
      const t = v(c).t;
      if ((origin !== undefined && origin !== own && origin !== publicOrigin) || (site !== undefined && site !== 'same-origin' && site !== 'none')) {
        return render(c, <MessagePage v={v(c)} title={t('refused')} message={t('csrf')} back="/operator/sign-in" />, 403);
      }
      const op = c.get('operator');
      if (!SIGN_IN_FORMS.has(path) && !op) {
        return render(c, <MessagePage v={v(c)} title={t('refused')} message={t('signInFirst')} back="/operator/sign-in" />, 401);
      }
      const form = await c.req.parseBody().catch(() => ({} as Record<string, unknown>));
      const sent = typeof form._csrf === 'string' ? form._csrf : undefined;
      const expected = SIGN_IN_FORMS.has(path) ? readConsoleCookie(c, 'pre') : op!.csrfToken;
      if (!sameToken(sent, expected)) {
        return render(c, <MessagePage v={v(c)} title={t('refused')} message={t('csrf')} back={SIGN_IN_FORMS.has(path) ? '/operator/sign-in' : '/operator/instances'} />, 403);
      }
      return next();
    })

    .get('/assets/console.css', (c) => c.body(CONSOLE_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8' }))
    .get('/sign-in', validate('query', S.SignInQuery), (c) => (c.get('operator') ? c.redirect('/operator/instances', 303) : signInPage(c)))
    .post('/sign-in', validate('form', S.PasswordForm), async (c) => {
      const f = c.req.valid('form');
      try {
        return signedIn(c, await auth.signInWithPassword(f.email, f.password, requestIdOf(c)), f.next);
      } catch (e) {
        return signInRefusal(c, e, f.email, f.next);
      }
    })
    .post('/sign-in/code', validate('form', S.CodeRequestForm), async (c) => {
      const f = c.req.valid('form');
      try {
        await auth.sendCode(f.email, requestIdOf(c));
      } catch (e) {
        return signInRefusal(c, e, f.email, f.next);
      }
      return signInPage(c, { email: f.email.trim().toLowerCase(), codeSent: true, next: f.next });
    })
    .post('/sign-in/verify', validate('form', S.CodeForm), (c) => {
      const f = c.req.valid('form');
      try {
        return signedIn(c, auth.signInWithCode(f.email, f.code, requestIdOf(c)), f.next);
      } catch (e) {
        return signInRefusal(c, e, f.email, f.next, true);
      }
    })
    .post('/sign-out', (c) => {
      auth.signOut(c.get('operator')!, requestIdOf(c));
      clearConsoleCookie(c, 'session');
      return c.redirect('/operator/sign-in', 303);
    })

    .get('/', (c) => c.redirect('/operator/activations', 303))
    .get('/instances', validate('query', S.InstancesQuery), (c) => {
      svc.fresh();
      const q = c.req.valid('query');
      const page = svc.views.instances(q, q.after);
      return render(c, <InstancesPage v={v(c)} page={page} paid={svc.views.paidWorkspaces(page.rows.map((r) => r.id))} />);
    })
    .get('/instances/:id', validate('param', S.InstanceParam), (c) => {
      svc.fresh();
      const { id } = c.req.valid('param');
      const i = svc.views.instance(id);
      if (!i) throw new ApiError('INSTANCE_NOT_FOUND', `No instance ${id}`);
      return render(c, <InstancePage v={v(c)} i={i} paid={svc.views.paidWorkspaces([id]).get(id) ?? []} />);
    })
    .get('/activations', validate('query', S.ActivationsQuery), (c) => {
      const days = Number(c.req.valid('query').days ?? '30');
      return render(c, <ActivationsPage v={v(c)} days={svc.funnel(days)} />);
    })
    .get('/calls', validate('query', S.CallsQuery), (c) => {
      const q = c.req.valid('query');
      const page = svc.views.calls({ action: q.action, outcome: q.outcome, failed: q.failed === '1', instance: q.instance }, q.after);
      const since = new Date(d.now() - 13 * 86_400_000).toISOString().slice(0, 10);
      return render(c, <CallsPage v={v(c)} page={page} failures={svc.views.signatureFailuresSince(since)} />);
    })
    .get('/pending', validate('query', S.PendingQuery), (c) => {
      const q = c.req.valid('query');
      return render(c, <PendingPage v={v(c)} page={svc.views.pendingCalls({ open: q.open !== '0', instance: q.instance }, q.after)} />);
    })
    .get('/mail', validate('query', S.MailQuery), (c) => {
      const q = c.req.valid('query');
      return render(c, <MailPage v={v(c)} page={svc.mail.messages(q, q.after)} statuses={MAIL_STATUSES} />);
    })
    .get('/audit', validate('query', S.AuditQuery), (c) => {
      const q = c.req.valid('query');
      const page = svc.views.audit(q, q.after);
      // A request id also names what an operator did in it.
      const actions = q.request ? svc.views.operatorActions({ request: q.request }).rows : [];
      return render(c, <AuditPage v={v(c)} page={page} actions={actions} />);
    })
    .get('/actions', validate('query', S.ActionsQuery), (c) => {
      const q = c.req.valid('query');
      return render(c, <ActionsPage v={v(c)} page={svc.views.operatorActions(q, q.after)} />);
    })
    .get('/links', validate('query', S.LinksQuery), (c) => {
      const q = c.req.valid('query');
      return render(c, <LinksPage v={v(c)} page={svc.links.links(q, q.after)} ended={svc.links.endedLinks(q, q.ended_after)} />);
    })

    .post('/links/:accountId/unlink', validate('param', S.AccountParam), validate('form', S.ReasonForm), async (c) => {
      const { accountId } = c.req.valid('param');
      const f = c.req.valid('form');
      const t = v(c).t;
      const link = svc.links.link(accountId);
      if (!link) throw new ApiError('NOT_FOUND', `Cloud account ${accountId} is not linked`);
      if (f.confirm !== 'yes') return confirm(c, t('q_unlink', accountId, `${link.username} (${link.billing_account_id})`), { reason: f.reason }, '/operator/links');
      // Delivery failures are logged by the service, never thrown: waiting only orders the page after the mail.
      await svc.unlink(accountId, f.reason, actor(c)).delivered;
      return done(c, `${t('unlink')}: ${accountId}`, '/operator/links');
    })
    .post('/mail/:id/resend', validate('param', S.RowParam), validate('form', S.ConfirmForm), async (c) => {
      const { id } = c.req.valid('param');
      const t = v(c).t;
      const m = svc.mail.message(id);
      if (!m) throw new ApiError('NOT_FOUND', `No message #${id}`);
      if (c.req.valid('form').confirm !== 'yes') return confirm(c, t('q_resend', id, m.recipient), {}, '/operator/mail');
      const r = await svc.resendMail(id, actor(c));
      return done(c, `${t('resend')}: #${id} → ${m.recipient} (${t(r === 'sent' ? 'ms_sent' : 'ms_pending')})`, '/operator/mail');
    })
    .post('/pending/:id/apply', validate('param', S.RowParam), validate('form', S.ConfirmForm), (c) => {
      const { id } = c.req.valid('param');
      const t = v(c).t;
      const p = svc.views.pendingCall(id);
      if (!p) throw new ApiError('NOT_FOUND', `No kept call #${id}`);
      if (c.req.valid('form').confirm !== 'yes') return confirm(c, t('q_apply', p.action, p.instance_id), {}, '/operator/pending');
      const r = svc.applyPending(id, actor(c));
      return done(c, `${t('applyAgain')}: ${r.action} ${r.instanceId} → ${r.outcome}`, '/operator/pending');
    })
    .post('/instances/:id/freeze/extend', validate('param', S.InstanceParam), validate('form', S.ExtendForm), (c) => {
      const { id } = c.req.valid('param');
      const f = c.req.valid('form');
      const t = v(c).t;
      if (f.confirm !== 'yes') return confirm(c, t('q_extend', id, f.days), { days: String(f.days), reason: f.reason }, `/operator/instances/${id}`);
      svc.extendFreeze(id, f.days, f.reason, actor(c));
      return done(c, `${t('extendFreeze')}: ${id} +${f.days} d`, `/operator/instances/${id}`);
    })
    .post('/instances/:id/freeze/end', validate('param', S.InstanceParam), validate('form', S.EndForm), (c) => {
      const { id } = c.req.valid('param');
      const f = c.req.valid('form');
      const t = v(c).t;
      if (f.confirm !== 'yes') {
        return confirm(c, t(f.mode === 'lift' ? 'q_lift' : 'q_release', id), { mode: f.mode, reason: f.reason }, `/operator/instances/${id}`);
      }
      svc.endFreeze(id, f.mode, f.reason, actor(c));
      return done(c, `${t(f.mode === 'lift' ? 'endFreezeLift' : 'endFreezeRelease')}: ${id}`, `/operator/instances/${id}`);
    });

  // Refusals are pages too, in the operator's language, with the fields that were wrong.
  app.onError((err, c) => {
    const view = v(c);
    if (err instanceof ApiError) {
      const problems = Array.isArray(err.details) ? (err.details as Array<{ path: string; message: string }>) : undefined;
      return render(c, <MessagePage v={view} title={`${view.t('error')} (${err.code})`} message={err.message} problems={problems} back={backOf(c.req.path)} />, err.status);
    }
    if (err instanceof HTTPException && err.status < 500) {
      return render(c, <MessagePage v={view} title={view.t('error')} message={err.message || 'Bad request'} />, err.status);
    }
    d.log(`operator console: unexpected error on ${c.req.method} ${c.req.path}: ${err instanceof Error ? err.stack : String(err)}`);
    return render(c, <MessagePage v={view} title={view.t('error')} message="Something went wrong on our side" />, 500);
  });

  // Upkeep: old sessions and codes go; the funnel's closed days are counted ahead of the first visit.
  return { app, sweep: () => { auth.sweep(); svc.funnel(90); } };
}
