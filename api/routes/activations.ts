import { Hono } from 'hono';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import {
  BindBillingAccountBody, BindWorkspaceBody, CreateWorkspaceBody, RegistrationBody, SendCodeBody, StartActivationBody, UpdateActivationBody,
} from '../../shared/schemas';
import type { AuditContext } from '../db/audit-context';
import type { ActivationRecord } from '../db/repositories/activations';
import { validate } from '../lib/validate';
import type { ActivationService } from '../services/activations';

/**
 * `/api/v1/activations`: the wizard. Everything under `/:id` needs that activation's bearer token.
 * `audit` gives a request's audit context (its id, the clock), passed to every service call that writes.
 * `admitStart` gives, for a request, the per-client limit a start passes inside its transaction.
 */
export function activationRoutes(svc: ActivationService, audit: (c: Context) => AuditContext,
  admitStart: (c: Context) => () => void) {
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
    .post('/:id/registration', auth, validate('json', RegistrationBody), async (c) =>
      c.json({ activation: await svc.register(c.var.activation, c.req.valid('json'), audit(c)) }, 201))
    .post('/:id/billing-account', auth, validate('json', BindBillingAccountBody), (c) =>
      c.json({ activation: svc.bindBillingAccount(c.var.activation, c.req.valid('json'), audit(c)) }, 200))
    .get('/:id/workspaces', auth, (c) => c.json(svc.listWorkspaces(c.var.activation), 200))
    .post('/:id/workspaces', auth, validate('json', CreateWorkspaceBody), async (c) =>
      c.json({ activation: await svc.createWorkspace(c.var.activation, c.req.valid('json'), audit(c)) }, 201))
    .post('/:id/workspace-bindings', auth, validate('json', BindWorkspaceBody), (c) =>
      c.json({ activation: svc.bindWorkspace(c.var.activation, c.req.valid('json').workspaceId, audit(c)) }, 200));
}
