import { siteInfo } from '../../shared/sites';
import type { Repositories } from '../db/repositories';
import { DUMMY_PASSWORD_HASH_PROMISE, verifyPassword } from '../lib/crypto';
import { ApiError, tooManyRequests } from '../lib/errors';
import type { RateLimiter } from '../security/rate-limit';

/** Login with a Guance account (what the site's login page takes), by username or email. */
export class SessionService {
  constructor(private readonly repos: Repositories, private readonly limiter: RateLimiter) {}

  async login(login: string, password: string) {
    const key = login.trim();
    const account = key.includes('@')
      ? this.repos.accounts.guanceByEmail(key.toLowerCase())
      : this.repos.accounts.guanceByUsername(key);
    // Failures are counted per login string, whether or not it names an account, so the delay a
    // string meets depends only on that string: it says neither whether the account exists nor
    // that a username and an email are the same account. The account's own count, over all its
    // strings, only refuses once both of them would.
    const loginKey = `login:${key.toLowerCase()}`;
    const accountKey = account ? `account:${account.id}` : undefined;
    for (const [bucket, k] of [['wrongPasswords', loginKey], ['wrongPasswordsPerAccount', accountKey]] as const) {
      if (k === undefined) continue;
      const wait = this.limiter.check(bucket, k);
      if (!wait.ok) {
        throw tooManyRequests('TOO_MANY_ATTEMPTS', `Too many wrong passwords; try again in ${wait.retryAfterSeconds} s`,
          wait.retryAfterSeconds);
      }
    }
    // Same scrypt work whether or not the account exists: timing must not tell which half was wrong.
    const ok = await verifyPassword(password, account?.passwordHash ?? (await DUMMY_PASSWORD_HASH_PROMISE));
    if (!account || !ok) {
      this.limiter.fail('wrongPasswords', loginKey);
      if (accountKey) this.limiter.fail('wrongPasswordsPerAccount', accountKey);
      throw new ApiError('INVALID_CREDENTIALS', 'The login or the password is not right');
    }
    this.limiter.succeed('wrongPasswords', loginKey);
    this.limiter.succeed('wrongPasswordsPerAccount', accountKey!);
    return {
      account: { username: account.username, email: account.email },
      workspaces: this.repos.workspaces.openableBy(account.id).map((w) => ({
        id: w.id, name: w.name, site: w.site, language: w.language, loginUrl: siteInfo(w.site).loginUrl,
      })),
    };
  }
}
