// Operator sign-in: a password (set with `npm run operators`) or a code mailed to the operator's
// address, then a session whose token only the browser's HttpOnly cookie holds (its hash is kept).
// Sessions end after an idle spell, at an absolute limit, at sign-out, or when the operator is
// removed. Wrong passwords and codes meet the API's growing delays; an unknown address is treated
// like a known one (same work, same answer), so the sign-in page does not tell who is an operator.
import { createHmac, randomBytes } from 'node:crypto';
import type { OperatorActionRepository } from '../../db/repositories/operator-actions';
import { DUMMY_PASSWORD_HASH_PROMISE, equalHex, newCode, newToken, sha256, verifyPassword } from '../../lib/crypto';
import { ApiError, tooManyRequests } from '../../lib/errors';
import type { Repositories } from '../../db/repositories';
import type { MailOutbox } from '../../mail/outbox';
import type { RateLimiter } from '../../security/rate-limit';
import type { OperatorRepository, OperatorSession } from '../repositories/operators';

export const OPERATOR_IDLE_MS = 30 * 60_000;
export const OPERATOR_SESSION_MAX_MS = 12 * 3600_000;
export const OPERATOR_CODE_TTL_MS = 10 * 60_000;
export const OPERATOR_CODE_MAX_TRIES = 5;
/** A session's last-seen time is written at most this often (reads would otherwise all write). */
const TOUCH_EVERY_MS = 30_000;

export interface AuthOptions {
  idleMs?: number;
  maxMs?: number;
}

export class OperatorAuthService {
  readonly idleMs: number;
  private readonly maxMs: number;

  constructor(
    private readonly ops: OperatorRepository,
    private readonly actions: OperatorActionRepository,
    private readonly repos: Repositories,
    private readonly mail: MailOutbox,
    private readonly secret: string,
    private readonly now: () => number,
    private readonly limiter: RateLimiter,
    opts: AuthOptions = {},
  ) {
    this.idleMs = opts.idleMs ?? OPERATOR_IDLE_MS;
    this.maxMs = opts.maxMs ?? OPERATOR_SESSION_MAX_MS;
  }

  async signInWithPassword(email: string, password: string, requestId: string): Promise<string> {
    const address = email.trim().toLowerCase();
    const op = this.ops.byEmail(address);
    const key = `operator:${address}`;
    const wait = this.limiter.check('wrongPasswords', key);
    if (!wait.ok) throw tooManyRequests('TOO_MANY_ATTEMPTS', `Too many wrong passwords; try again in ${wait.retryAfterSeconds} s`, wait.retryAfterSeconds);
    const usable = op && op.disabledAt === null && op.passwordHash !== null ? op : undefined;
    const ok = await verifyPassword(password, usable?.passwordHash ?? (await DUMMY_PASSWORD_HASH_PROMISE));
    if (!usable || !ok) {
      this.limiter.fail('wrongPasswords', key);
      if (op) this.log(op.email, 'sign-in', 'password', 'INVALID_CREDENTIALS', requestId);
      throw new ApiError('INVALID_CREDENTIALS', 'The address or the password is not right');
    }
    this.limiter.succeed('wrongPasswords', key);
    return this.startSession(usable.id, usable.email, 'password', requestId);
  }

  /** Mails a code to an operator; for any other address, nothing is sent and nothing is said. */
  async sendCode(email: string, requestId: string): Promise<void> {
    const address = email.trim().toLowerCase();
    const limit = this.limiter.consume({ bucket: 'codeSendsPerAddress', key: `operator:${address}` });
    if (!limit.ok) throw tooManyRequests('RATE_LIMITED', `Too many codes were sent; ask again in ${limit.retryAfterSeconds} s`, limit.retryAfterSeconds);
    const op = this.ops.byEmail(address);
    if (!op || op.disabledAt !== null) return;
    const now = this.now();
    const code = newCode();
    const record = { operatorId: op.id, codeHash: this.hash(op.id, code), sentAt: now, expiresAt: now + OPERATOR_CODE_TTL_MS };
    // The code and its mail in one transaction; the outbox keeps the code apart from the text and
    // drops it once sent or expired (as for the wizard's codes).
    const mailId = this.repos.tx(() => {
      this.ops.putCode(record);
      return this.mail.enqueue({
        to: op.email,
        subject: 'Guance Activator operator sign-in code / 运营控制台登录验证码',
        text: `Your sign-in code for the Guance Activator operator console is ${code}. It expires in ` +
          `${OPERATOR_CODE_TTL_MS / 60_000} minutes. If you did not ask for it, tell your team.\n\n` +
          `您的运营控制台登录验证码为 ${code}，${OPERATOR_CODE_TTL_MS / 60_000} 分钟内有效。如非本人操作，请告知团队。`,
        secret: { value: code, expiresAt: record.expiresAt },
      });
    });
    // The operator is waiting: one attempt now; a failure withdraws the code and its mail.
    if ((await this.mail.deliver(mailId)) === 'failed') {
      this.repos.tx(() => {
        this.ops.removeCode(record);
        this.mail.cancel(mailId, 'the first attempt failed; the code was withdrawn and the operator told to ask again');
      });
      throw new ApiError('MAIL_FAILED', 'The code could not be mailed; try again later');
    }
    this.log(op.email, 'sign-in-code-sent', op.email, 'ok', requestId);
  }

  signInWithCode(email: string, code: string, requestId: string): string {
    const address = email.trim().toLowerCase();
    const op = this.ops.byEmail(address);
    const key = `operator:${address}`;
    const wait = this.limiter.check('wrongCodes', key);
    if (!wait.ok) throw tooManyRequests('TOO_MANY_ATTEMPTS', `Too many wrong codes; try again in ${wait.retryAfterSeconds} s`, wait.retryAfterSeconds);
    const rec = op && op.disabledAt === null ? this.ops.code(op.id) : undefined;
    const refuse = (code: 'CODE_INVALID' | 'CODE_EXPIRED' | 'TOO_MANY_ATTEMPTS', message: string): never => {
      if (op) this.log(op.email, 'sign-in', 'code', code, requestId);
      throw new ApiError(code, message, { field: 'code' });
    };
    if (!op || !rec) {
      this.limiter.fail('wrongCodes', key);
      return refuse('CODE_INVALID', 'This code is not right; ask for a new one');
    }
    if (rec.failedTries >= OPERATOR_CODE_MAX_TRIES) return refuse('TOO_MANY_ATTEMPTS', 'Too many wrong codes; ask for a new one');
    if (this.now() >= rec.expiresAt) return refuse('CODE_EXPIRED', 'This code has expired; ask for a new one');
    if (!/^\d{6}$/.test(code) || !equalHex(this.hash(op.id, code), rec.codeHash)) {
      this.ops.recordCodeFailure(rec);
      this.limiter.fail('wrongCodes', key);
      return refuse('CODE_INVALID', 'This code is not right');
    }
    if (!this.ops.removeCode(rec)) return refuse('CODE_INVALID', 'This code was already used; ask for a new one');
    this.limiter.succeed('wrongCodes', key);
    return this.startSession(op.id, op.email, 'code', requestId);
  }

  /** The live session of a token: ended (and forgotten) when idle too long or past its limit. */
  session(token: string | undefined): OperatorSession | undefined {
    if (!token || token.length > 100) return undefined;
    const hash = sha256(token);
    const s = this.ops.session(hash);
    if (!s) return undefined;
    const now = this.now();
    if (now >= s.expiresAt || now - s.lastSeenAt >= this.idleMs) {
      this.ops.endSession(hash);
      return undefined;
    }
    if (now - s.lastSeenAt >= TOUCH_EVERY_MS) this.ops.touchSession(hash, now);
    return s;
  }

  signOut(s: OperatorSession, requestId: string): void {
    this.ops.endSession(s.tokenHash);
    this.log(s.email, 'sign-out', s.email, 'ok', requestId);
  }

  sweep(): void {
    this.ops.sweep(this.now(), this.idleMs);
  }

  private startSession(operatorId: number, email: string, how: 'password' | 'code', requestId: string): string {
    const token = newToken();
    const now = this.now();
    this.ops.startSession({ tokenHash: sha256(token), operatorId, csrfToken: randomBytes(32).toString('base64url'), expiresAt: now + this.maxMs }, now);
    this.log(email, 'sign-in', how, 'ok', requestId);
    return token;
  }

  private hash(operatorId: number, code: string): string {
    return createHmac('sha256', this.secret).update(`operator-sign-in\n${operatorId}\n${code}`).digest('hex');
  }

  private log(actor: string, action: string, target: string, outcome: string, requestId: string): void {
    this.actions.log({ at: this.now(), actor, action, target, reason: null, outcome, requestId });
  }
}
