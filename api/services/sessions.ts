import { siteInfo } from '../../shared/sites';
import type { Repositories } from '../db/repositories';
import { DUMMY_PASSWORD_HASH_PROMISE, verifyPassword } from '../lib/crypto';
import { ApiError } from '../lib/errors';

/** Login with a Guance account (what the site's login page takes), by username or email. */
export class SessionService {
  constructor(private readonly repos: Repositories) {}

  async login(login: string, password: string) {
    const key = login.trim();
    const account = key.includes('@')
      ? this.repos.accounts.guanceByEmail(key.toLowerCase())
      : this.repos.accounts.guanceByUsername(key);
    // Same scrypt work whether or not the account exists: timing must not tell which half was wrong.
    const ok = await verifyPassword(password, account?.passwordHash ?? (await DUMMY_PASSWORD_HASH_PROMISE));
    if (!account || !ok) throw new ApiError('INVALID_CREDENTIALS', 'The login or the password is not right');
    return {
      account: { username: account.username, email: account.email },
      workspaces: this.repos.workspaces.openableBy(account.id).map((w) => ({
        id: w.id, name: w.name, site: w.site, language: w.language, loginUrl: siteInfo(w.site).loginUrl,
      })),
    };
  }
}
