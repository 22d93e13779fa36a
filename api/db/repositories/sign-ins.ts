// Pending "Sign in with Alibaba Cloud" requests (migration 004): found by the hash of `state`.
import type { Db } from '../connection';

export interface SignInRecord {
  stateHash: string;
  activationId: string;
  codeVerifier: string;
  nonce: string;
  redirectUri: string;
  browserHash: string | null;
  expiresAt: number;
  usedAt: number | null;
}

interface Row {
  state_hash: string; activation_id: string; code_verifier: string; nonce: string; redirect_uri: string;
  browser_hash: string | null; expires_at: number; used_at: number | null;
}

export class SignInRepository {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      insert: db.prepare(
        `INSERT INTO alibaba_sign_ins (state_hash, activation_id, code_verifier, nonce, redirect_uri, browser_hash, created_at, expires_at)
         VALUES (@stateHash, @activationId, @codeVerifier, @nonce, @redirectUri, @browserHash, @now, @expiresAt)`,
      ),
      get: db.prepare<[string], Row>(
        'SELECT state_hash, activation_id, code_verifier, nonce, redirect_uri, browser_hash, expires_at, used_at FROM alibaba_sign_ins WHERE state_hash = ?',
      ),
      use: db.prepare('UPDATE alibaba_sign_ins SET used_at = ? WHERE state_hash = ? AND used_at IS NULL'),
      forget: db.prepare('DELETE FROM alibaba_sign_ins WHERE expires_at < ?'),
    };
  }

  insert(r: Omit<SignInRecord, 'usedAt'>, now: number): void {
    this.s.insert.run({ ...r, now });
  }

  get(stateHash: string): SignInRecord | undefined {
    const r = this.s.get.get(stateHash);
    return r && {
      stateHash: r.state_hash, activationId: r.activation_id, codeVerifier: r.code_verifier, nonce: r.nonce,
      redirectUri: r.redirect_uri, browserHash: r.browser_hash, expiresAt: r.expires_at, usedAt: r.used_at,
    };
  }

  /** Marks the request used; false when it was used already (each `state` works once). */
  use(stateHash: string, now: number): boolean {
    return this.s.use.run(now, stateHash).changes === 1;
  }

  forgetBefore(t: number): void {
    this.s.forget.run(t);
  }
}
