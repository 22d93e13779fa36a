import { Hono } from 'hono';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { setCookie } from 'hono/cookie';
import {
  AlibabaSignInBody, AlibabaSignInCallbackBody, BindBillingAccountBody, BindWorkspaceBody, CheckCodeBody, CreateWorkspaceBody, RegistrationBody, SendCodeBody,
  StartActivationBody, UpdateActivationBody,
} from '../../shared/schemas';
import type { AuditContext } from '../db/audit-context';
import type { ActivationRecord } from '../db/repositories/activations';
import { validate } from '../lib/validate';
import { ApiError } from '../lib/errors';
import { BROWSER_COOKIE, SIGN_IN_TTL_MS, WEB_CALLBACK_PATH, type AlibabaSignInService } from '../services/alibaba-sign-in';
import type { ActivationService } from '../services/activations';

/**
 * `/api/v1/activations`: the wizard. Everything under `/:id` needs that activation's bearer token.
 * `audit` gives a request's audit context (its id, the clock), passed to every service call that writes.
 * `admitStart` gives, for a request, the per-client limit a start passes inside its transaction.
 */
export function activationRoutes(svc: ActivationService, audit: (c: Context) => AuditContext,
  admitStart: (c: Context) => () => void,
  opts: { signIn?: AlibabaSignInService; secureCookies?: boolean } = {}) {
  const signIn = () => {
    if (!opts.signIn) {
      throw new ApiError('NOT_FOUND', 'Sign in with Alibaba Cloud is not configured on this API; use Login Directly in Purchased Services',
        { proof: 'alibaba-sign-in', reason: 'not-configured' });
    }
    return opts.signIn;
  };
  const auth = createMiddleware<{ Variables: { activation: ActivationRecord } }>(async (c, next) => {
    const header = c.req.header('Authorization');
    const token = header && /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
    c.set('activation', svc.authenticate(c.req.param('id') ?? '', token || undefined));
    await next();
  });

  return new Hono()
    .post('/', validate('json', StartActivationBody), (c) =>
      c.json(svc.start(c.req.valid('json'), audit(c), { admit: admitStart(c) }), 201))
    .get('/:id', auth, (c) => c.json({ activation: svc.view(c.var.activation) }, 200))
    .patch('/:id', auth, validate('json', UpdateActivationBody), (c) =>
      c.json({ activation: svc.changeSite(c.var.activation, c.req.valid('json'), audit(c)) }, 200))
    .post('/:id/verification-codes', auth, validate('json', SendCodeBody), async (c) =>
      c.json(await svc.sendCode(c.var.activation, c.req.valid('json')), 202))
    // Confirms a code where it is typed; the step that uses it consumes it.
    .post('/:id/verification-codes/check', auth, validate('json', CheckCodeBody), (c) => {
      svc.checkCode(c.var.activation, c.req.valid('json'));
      return c.body(null, 204);
    })
    .post('/:id/registration', auth, validate('json', RegistrationBody), async (c) =>
      c.json({ activation: await svc.register(c.var.activation, c.req.valid('json'), audit(c)) }, 201))
    .post('/:id/billing-account', auth, validate('json', BindBillingAccountBody), (c) =>
      c.json({ activation: svc.bindBillingAccount(c.var.activation, c.req.valid('json'), audit(c)) }, 200))
    .get('/:id/workspaces', auth, (c) => c.json(svc.listWorkspaces(c.var.activation), 200))
    .post('/:id/workspaces', auth, validate('json', CreateWorkspaceBody), async (c) =>
      c.json({ activation: await svc.createWorkspace(c.var.activation, c.req.valid('json'), audit(c)) }, 201))
    .post('/:id/workspace-bindings', auth, validate('json', BindWorkspaceBody), (c) => {
      const body = c.req.valid('json');
      return c.json({ activation: svc.bindWorkspace(c.var.activation, body.workspaceId, audit(c), { anotherWorkspace: body.anotherWorkspace }) }, 200);
    })
    // Sign in with Alibaba Cloud (services/alibaba-sign-in.ts): the URL to open, then the answer.
    .post('/:id/alibaba-sign-in', auth, validate('json', AlibabaSignInBody), async (c) => {
      const r = await signIn().begin(c.var.activation, c.req.valid('json').redirectUri);
      if (r.browserCookie) {
        // Ties the web callback to this browser (the page that asked is on this origin).
        setCookie(c, BROWSER_COOKIE, r.browserCookie, {
          httpOnly: true, sameSite: 'Lax', path: WEB_CALLBACK_PATH, maxAge: SIGN_IN_TTL_MS / 1000, secure: opts.secureCookies ?? false,
        });
      }
      return c.json({ authorizationUrl: r.authorizationUrl, expiresInSeconds: r.expiresInSeconds }, 201);
    })
    .post('/:id/alibaba-sign-in/callback', auth, validate('json', AlibabaSignInCallbackBody), async (c) =>
      c.json({ activation: await signIn().complete(c.req.valid('json').callbackUrl, audit(c), { act: c.var.activation }) }, 200));
}
