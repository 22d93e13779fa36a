import type { CodePurpose } from '../../shared/schemas';
import type { CodeRecord } from '../db/repositories/codes';
import type { Repositories } from '../db/repositories';
import { equalHex, hashCode, newCode } from '../lib/crypto';
import { ApiError, tooManyRequests } from '../lib/errors';
import { codeMessage, maskEmail, type CodeContext } from '../mail/messages';
import type { MailOutbox } from '../mail/outbox';
import type { RateLimiter } from '../security/rate-limit';

export const CODE_TTL_MS = 10 * 60_000;
export const RESEND_WAIT_MS = 60_000;
export const MAX_FAILED_TRIES = 5;

/** Email verification codes: issue, check, consume. */
export class CodeService {
  constructor(
    private readonly repos: Repositories,
    private readonly mail: MailOutbox,
    private readonly secret: string,
    private readonly now: () => number,
    private readonly limiter: RateLimiter,
    private readonly log: (line: string) => void,
  ) {}

  /** `context`: what the code will bind, named in the mail so its reader knows what they confirm. */
  async send(purpose: CodePurpose, address: string, activationId: string, context?: CodeContext) {
    const now = this.now();
    const live = this.repos.codes.get(purpose, address);
    if (live && now < live.sentAt + RESEND_WAIT_MS) {
      const retryAfter = Math.ceil((live.sentAt + RESEND_WAIT_MS - now) / 1000);
      throw tooManyRequests('RATE_LIMITED', `A code was sent moments ago; ask again in ${retryAfter} s`, retryAfter);
    }
    // Per address (a mailbox flooded from many activations) and per activation (one activation
    // mailing many addresses), counted only for sends that would otherwise go out.
    const limit = this.limiter.consume(
      { bucket: 'codeSendsPerAddress', key: address },
      { bucket: 'codeSendsPerActivation', key: activationId },
    );
    if (!limit.ok) {
      throw tooManyRequests('RATE_LIMITED', `Too many codes were sent; ask again in ${limit.retryAfterSeconds} s`,
        limit.retryAfterSeconds);
    }
    const code = newCode();
    const record = { purpose, address, codeHash: hashCode(this.secret, purpose, address, code), sentAt: now, expiresAt: now + CODE_TTL_MS };
    // The code and its mail in one transaction: the outbox holds the code apart from the text and
    // drops it once the mail is sent or the code expires.
    const mailId = this.repos.tx(() => {
      this.repos.codes.put({ ...record, activationId });
      return this.mail.enqueue({ ...codeMessage(address, purpose, code, CODE_TTL_MS / 60_000, context), secret: { value: code, expiresAt: record.expiresAt } });
    });
    // The user is waiting for this one: the first attempt is made now.
    if ((await this.mail.deliver(mailId)) === 'failed') {
      // Undelivered: withdraw the code and its mail (a late code would only confuse), so the user
      // may ask again at once.
      this.repos.tx(() => {
        this.repos.codes.remove({ ...record, failedTries: 0 });
        this.mail.cancel(mailId, 'the first attempt failed; the code was withdrawn and the user told to ask again');
      });
      this.log(`verification mail to ${maskEmail(address)} failed; the user was told to ask again`);
      throw new ApiError('MAIL_FAILED', 'The verification email could not be sent; try again later');
    }
    return { sentTo: maskEmail(address), expiresInSeconds: CODE_TTL_MS / 1000, resendInSeconds: RESEND_WAIT_MS / 1000 };
  }

  /**
   * Checks a code without using it up (a wrong one counts against the limit). Call `consume` inside
   * the transaction that acts on it, so a refusal later in that transaction leaves the code usable.
   * A code works only for the activation that asked for it (`activationId`).
   */
  check(purpose: CodePurpose, address: string, code: string, activationId: string): CodeRecord {
    const rec = this.repos.codes.get(purpose, address);
    if (!rec || rec.activationId !== activationId) {
      throw new ApiError('CODE_INVALID', 'No code is waiting for this address; ask for one', { field: 'code', reason: 'no-code' });
    }
    // Wrong codes for this address, over every code it was sent: each one past the first few
    // makes the next try wait longer.
    const wait = this.limiter.check('wrongCodes', address);
    if (!wait.ok) {
      throw tooManyRequests('TOO_MANY_ATTEMPTS', `Too many wrong codes; try again in ${wait.retryAfterSeconds} s`,
        wait.retryAfterSeconds, { field: 'code' });
    }
    if (rec.failedTries >= MAX_FAILED_TRIES) {
      throw new ApiError('TOO_MANY_ATTEMPTS', 'Too many wrong codes; ask for a new one', { field: 'code' });
    }
    if (this.now() >= rec.expiresAt) {
      throw new ApiError('CODE_EXPIRED', 'This code has expired; ask for a new one', { field: 'code' });
    }
    if (!equalHex(hashCode(this.secret, purpose, address, code), rec.codeHash)) {
      this.repos.codes.recordFailure(rec);
      this.limiter.fail('wrongCodes', address);
      const attemptsLeft = Math.max(0, MAX_FAILED_TRIES - rec.failedTries - 1);
      throw new ApiError('CODE_INVALID', 'This code is not right', { field: 'code', attemptsLeft });
    }
    this.limiter.succeed('wrongCodes', address);
    return rec;
  }

  /** Inside a transaction: uses the code up; refuses if it was used or replaced meanwhile. */
  consume(rec: CodeRecord): void {
    if (!this.repos.codes.remove(rec)) {
      throw new ApiError('CODE_INVALID', 'This code was already used or replaced; ask for a new one', { field: 'code' });
    }
  }
}
