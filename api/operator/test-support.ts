// For the console's tests: an operator, a signed-in browser-like client (cookie jar, CSRF token
// read from the page as a browser's form would carry it), and form posts.
import type { Hono } from 'hono';
import type { Db } from '../db/connection';
import { OutboxRepository } from '../db/repositories/outbox';
import { hashPassword } from '../lib/crypto';
import { OperatorRepository } from './repositories/operators';

export const OPERATOR = { email: 'ops@vendor.test', password: 'operator pass 1' };

export async function addOperator(db: Db, now: number, email = OPERATOR.email, password: string | null = OPERATOR.password) {
  return new OperatorRepository(db).upsert(email, 'cli', now, password === null ? null : await hashPassword(password));
}

export const csrfOf = (html: string) => /name="_csrf" value="([^"]*)"/.exec(html)?.[1];

export class ConsoleClient {
  readonly jar = new Map<string, string>();
  csrf = '';

  /** With `db` (the outbox is read as the operator reads their mail), signIn uses an emailed code. */
  constructor(private readonly app: Hono<any, any, any>, private readonly base = 'https://activator.test', private readonly db?: Db) {}

  private remember(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (value === '' || /Max-Age=0/i.test(line)) this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }

  cookieHeader() {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(path: string, headers: Record<string, string> = {}) {
    const res = await this.app.request(`${this.base}${path}`, { headers: { cookie: this.cookieHeader(), ...headers } });
    this.remember(res);
    const text = await res.text();
    const token = csrfOf(text);
    if (token) this.csrf = token;
    return { status: res.status, text, headers: res.headers };
  }

  async post(path: string, fields: Record<string, string>, opts: { csrf?: string | null; headers?: Record<string, string> } = {}) {
    const body = new URLSearchParams(fields);
    const token = opts.csrf === undefined ? this.csrf : opts.csrf;
    if (token !== null) body.set('_csrf', token);
    const res = await this.app.request(`${this.base}${path}`, {
      method: 'POST',
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', origin: this.base, ...opts.headers },
      body: body.toString(),
    });
    this.remember(res);
    const text = await res.text();
    const t = csrfOf(text);
    if (t) this.csrf = t;
    return { status: res.status, text, headers: res.headers };
  }

  async signIn(email = OPERATOR.email, password = OPERATOR.password) {
    await this.get('/operator/sign-in');
    const r = this.db ? await this.codeSignIn(this.db, email) : await this.post('/operator/sign-in', { email, password });
    if (r.status !== 303) throw new Error(`sign-in: ${r.status} ${r.text.slice(0, 500)}`);
    await this.get('/operator/instances');
    return r;
  }

  private async codeSignIn(db: Db, email: string) {
    await this.post('/operator/sign-in/code', { email });
    const body = new OutboxRepository(db).to(email.toLowerCase()).at(-1)!.body;
    return this.post('/operator/sign-in/verify', { email, code: /is (\d{6})/.exec(body)![1]! });
  }

  /** Posts an action, then confirms it on the confirmation page, as a person would. */
  async confirmed(path: string, fields: Record<string, string> = {}) {
    const first = await this.post(path, fields);
    if (first.status !== 200 || !first.text.includes('id="confirm-form"')) return { first, second: first };
    const second = await this.post(path, { ...fields, confirm: 'yes' });
    return { first, second };
  }
}
