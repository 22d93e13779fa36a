import { Hono, type MiddlewareHandler } from 'hono';
import { SessionBody } from '../../shared/schemas';
import { validate } from '../lib/validate';
import type { SessionService } from '../services/sessions';

/** `POST /api/v1/sessions`; `limit` counts the client's logins before any password is hashed. */
export function sessionRoutes(svc: SessionService, limit: MiddlewareHandler) {
  return new Hono().post('/', validate('json', SessionBody), limit, async (c) => {
    const { login, password } = c.req.valid('json');
    return c.json(await svc.login(login, password), 200);
  });
}
