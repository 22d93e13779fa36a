import { Hono } from 'hono';
import { SessionBody } from '../../shared/schemas';
import { validate } from '../lib/validate';
import type { SessionService } from '../services/sessions';

export function sessionRoutes(svc: SessionService) {
  return new Hono().post('/', validate('json', SessionBody), async (c) => {
    const { login, password } = c.req.valid('json');
    return c.json(await svc.login(login, password), 200);
  });
}
