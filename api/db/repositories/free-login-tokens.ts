import type { Db } from '../connection';

/** Free-login tokens already used: each works once. */
export class FreeLoginTokenRepository {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      use: db.prepare('INSERT INTO free_login_tokens (token_hash, instance_id, used_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      forget: db.prepare('DELETE FROM free_login_tokens WHERE used_at < ?'),
    };
  }

  /** Records a token as used; false when it was used before. */
  use(tokenHash: string, instanceId: string, now: number): boolean {
    return this.s.use.run(tokenHash, instanceId, now).changes === 1;
  }

  forgetBefore(t: number): void {
    this.s.forget.run(t);
  }
}
