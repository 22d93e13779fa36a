import { siteInfo } from '../../shared/sites';
import type { Repositories } from '../db/repositories';
import { DUMMY_PASSWORD_HASH_PROMISE, verifyPassword } from '../lib/crypto';
import { ApiError, tooManyRequests } from '../lib/errors';
import type { RateLimiter } from '../security/rate-limit';

/** Login with a Guance account (what the site's login page takes), by username or email. */
export class SessionService {
  constructor(private readonly repos: Repositories, private readonly limiter?: RateLimiter) {}

  async login(login: string, password: string) {
    const key = login.trim();
    const account = key.includes('@')
      ? this.repos.accounts.guanceByEmail(key.toLowerCase())
      : this.repos.accounts.guanceByUsername(key);
    // Per account (by id, so its username and email share one count); an unknown login is counted
    // under its own name and meets the same delays, so the delay says nothing about existence.
    const limitKey = account ? `account:${account.id}` : `login:${key.toLowerCase()}`;
    const wait = this.limiter?.check('wrongPasswords', limitKey);
    if (wait && !wait.ok) {
      throw tooManyRequests('TOO_MANY_ATTEMPTS', `Too many wrong passwords; try again in ${wait.retryAfterSeconds} s`,
        wait.retryAfterSeconds);
    }
    // Same scrypt work whether or not the account exists: timing must not tell which half was wrong.
    const ok = await verifyPassword(password, account?.passwordHash ?? (await DUMMY_PASSWORD_HASH_PROMISE));
    if (!account || !ok) {
      this.limiter?.fail('wrongPasswords', limitKey);
      throw new ApiError('INVALID_CREDENTIALS', 'The login or the password is not right');
    }
    this.limiter?.succeed('wrongPasswords', limitKey);
    return {
      account: { username: account.username, email: account.email },
      workspaces: this.repos.workspaces.openableBy(account.id).map((w) => ({
        id: w.id, name: w.name, site: w.site, language: w.language, loginUrl: siteInfo(w.site).loginUrl,
      })),
    };
  }
}
