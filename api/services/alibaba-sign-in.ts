// Sign in with Alibaba Cloud: OAuth 2.0 authorization code with PKCE, `state` and a nonce, scopes
// `openid aliuid`, against Alibaba Cloud's OpenID provider; this API is the confidential client.
// The ID token is validated by openid-client (signature by the provider's JWKS, issuer, audience,
// expiry, nonce). What it proves: the person at the browser signed in to Alibaba Cloud as an
// identity of the main account in the `aid` claim (for a RAM user, `uid` is the user's own ID and
// `aid` still names the main account). If that is the account the instance belongs to, the
// activation is proved.
//
// Two ways to run it, both with the same server-side state (verifier, nonce, state hash, bound to
// the activation, used once):
// - the extension: `browser.identity.launchWebAuthFlow` with redirect `https://<id>.chromiumapp.org/…`;
//   it hands the URL it got back to POST …/alibaba-sign-in/callback with the activation's token.
// - a browser tab (the API's own pages): redirect to PUBLIC_URL/activate/alibaba-sign-in/callback; that
//   GET completes it, but only in the browser that started it (a cookie set when it started), so a
//   link sent to someone else cannot prove their account for a stranger's activation.
import { createHash, randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import type { Activation, ProofMethod } from '../../shared/schemas';
import type { AuditContext } from '../db/audit-context';
import type { Repositories } from '../db/repositories';
import type { ActivationRecord } from '../db/repositories/activations';
import { sha256 } from '../lib/crypto';
import { ApiError } from '../lib/errors';
import type { ActivationService } from './activations';

export const SIGN_IN_TTL_MS = 10 * 60_000;
export const SIGN_IN_SCOPE = 'openid aliuid';
export const WEB_CALLBACK_PATH = '/activate/alibaba-sign-in/callback';
export const BROWSER_COOKIE = 'guance_alibaba_sign_in';

export interface AlibabaSignInConfig {
  /** ALIYUN_OIDC_ISSUER, e.g. https://oauth.aliyun.com (international: https://oauth.alibabacloud.com). */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Every redirect URI this API accepts (each must be registered with the OAuth application). */
  redirectUris: string[];
  /** For the provider's HTTP requests (tests point it at a provider on loopback). */
  fetch?: typeof fetch;
}

const ACCOUNT_ID = /^\d{16}$/;

/** The error and its causes (openid-client nests the failing claim two levels down), for the log. */
function describe(e: unknown): string {
  const parts: string[] = [];
  for (let c: unknown = e, depth = 0; c !== undefined && c !== null && depth < 4; depth++) {
    if (c instanceof Error) {
      parts.push(`${c.name}: ${c.message}`);
      c = c.cause;
    } else if (typeof c === 'object') {
      const o = c as Record<string, unknown>;
      parts.push(Object.entries(o).filter(([k, v]) => typeof v !== 'object' && k !== 'jwt').map(([k, v]) => `${k}=${String(v)}`).join(' '));
      c = o.cause;
    } else break;
  }
  return parts.join(' ← ');
}
const strip = (u: URL) => `${u.origin}${u.pathname}`;

export class AlibabaSignInService {
  private server?: Promise<oidc.ServerMetadata>;

  constructor(
    private readonly repos: Repositories,
    private readonly activations: ActivationService,
    private readonly cfg: AlibabaSignInConfig,
    private readonly now: () => number,
    private readonly log: (line: string) => void,
  ) {}

  static readonly method: ProofMethod = 'alibaba-sign-in';

  isWebRedirect(redirectUri: string): boolean {
    return redirectUri.endsWith(WEB_CALLBACK_PATH);
  }

  /** Discovery once; a failure is forgotten so the next sign-in tries again. */
  private metadata(): Promise<oidc.ServerMetadata> {
    this.server ??= oidc.discovery(new URL(this.cfg.issuer), this.cfg.clientId, this.cfg.clientSecret, undefined, this.options())
      .then((c) => c.serverMetadata())
      .catch((e: unknown) => {
        this.server = undefined;
        this.log(`Alibaba Cloud OIDC discovery at ${this.cfg.issuer} failed: ${e instanceof Error ? e.message : String(e)}`);
        throw new ApiError('SERVICE_UNAVAILABLE', 'Alibaba Cloud sign-in cannot be reached right now; try again in a minute, or use Login Directly');
      });
    return this.server;
  }

  private options() {
    const insecure = new URL(this.cfg.issuer).protocol === 'http:';
    return {
      ...(this.cfg.fetch ? { [oidc.customFetch]: this.cfg.fetch as unknown as oidc.CustomFetch } : {}),
      // Only an issuer on loopback is ever plain http (config refuses others).
      ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
    };
  }

  /** A configuration whose clock is the app's (tests move it; openid-client checks exp/iat with it). */
  private async configuration(): Promise<oidc.Configuration> {
    const server = await this.metadata();
    const skew = Math.round((this.now() - Date.now()) / 1000);
    const config = new oidc.Configuration(server, this.cfg.clientId, { client_secret: this.cfg.clientSecret, [oidc.clockSkew]: skew },
      oidc.ClientSecretBasic(this.cfg.clientSecret));
    if (this.cfg.fetch) config[oidc.customFetch] = this.cfg.fetch as unknown as oidc.CustomFetch;
    if (new URL(this.cfg.issuer).protocol === 'http:') oidc.allowInsecureRequests(config);
    // openid-client trusts an ID token from the token endpoint without checking its signature
    // (OIDC allows that over TLS); we check it against the provider's JWKS all the same.
    oidc.enableNonRepudiationChecks(config);
    return config;
  }

  /**
   * Starts a sign-in for `act`: the authorization URL to open. With the web redirect, also the
   * value of the cookie that ties the callback to this browser.
   */
  async begin(act: ActivationRecord, redirectUri: string): Promise<{ authorizationUrl: string; expiresInSeconds: number; browserCookie?: string }> {
    if (act.state !== 'needs-billing-account') {
      throw new ApiError('WRONG_STATE', 'A proof is made before the Billing Center account is bound', { state: act.state });
    }
    if (act.proof) throw new ApiError('CONFLICT', 'This activation is proved already', { proof: act.proof });
    if (!this.cfg.redirectUris.includes(redirectUri)) {
      throw new ApiError('VALIDATION_FAILED', 'This redirect URI is not one this API accepts',
        [{ path: 'redirectUri', message: `Use one of: ${this.cfg.redirectUris.join(', ')}` }]);
    }
    const config = await this.configuration();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const browserCookie = this.isWebRedirect(redirectUri) ? randomBytes(24).toString('base64url') : undefined;
    const now = this.now();
    this.repos.signIns.forgetBefore(now - SIGN_IN_TTL_MS);
    this.repos.signIns.insert({
      stateHash: sha256(state), activationId: act.id, codeVerifier, nonce, redirectUri,
      browserHash: browserCookie ? sha256(browserCookie) : null, expiresAt: now + SIGN_IN_TTL_MS,
    }, now);
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri, scope: SIGN_IN_SCOPE, state, nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier), code_challenge_method: 'S256',
    });
    return { authorizationUrl: url.href, expiresInSeconds: SIGN_IN_TTL_MS / 1000, ...(browserCookie ? { browserCookie } : {}) };
  }

  /**
   * Finishes a sign-in from the URL the provider redirected to. `act`: the activation whose token
   * came with it (extension); or `browserCookie` (web tab): the activation is the one `state` names.
   */
  async complete(callbackUrl: string, audit: AuditContext, who: { act: ActivationRecord } | { browserCookie: string | undefined }): Promise<Activation> {
    let url: URL;
    try {
      url = new URL(callbackUrl);
    } catch {
      throw new ApiError('VALIDATION_FAILED', 'Not a URL', [{ path: 'callbackUrl', message: 'Not a URL' }]);
    }
    const state = url.searchParams.get('state') ?? '';
    const rec = state ? this.repos.signIns.get(sha256(state)) : undefined;
    const mismatch = (why: string) => new ApiError('BAD_REQUEST', 'This sign-in answer does not belong to a sign-in this activation started; start again',
      { field: 'callbackUrl', reason: 'state-mismatch', why });
    if (!rec) throw mismatch('unknown state');
    if ('act' in who && rec.activationId !== who.act.id) throw mismatch('another activation');
    if ('browserCookie' in who && (!who.browserCookie || !rec.browserHash || sha256(who.browserCookie) !== rec.browserHash)) {
      throw mismatch('another browser');
    }
    if (strip(url) !== rec.redirectUri) throw mismatch('another redirect URI');
    if (rec.usedAt !== null) throw new ApiError('TOKEN_REPLAYED', 'This sign-in answer was used already; sign in again');
    if (this.now() >= rec.expiresAt) throw new ApiError('CODE_EXPIRED', 'This sign-in took too long; sign in again');
    const act = 'act' in who ? who.act : this.repos.activations.get(rec.activationId);
    if (!act || this.now() >= act.expiresAt) throw new ApiError('UNAUTHORIZED', 'This activation has expired; start a new one', { reason: 'expired' });
    // Used once, before the exchange: a second answer carrying this state is refused even while
    // the first is still being exchanged.
    if (!this.repos.signIns.use(rec.stateHash, this.now())) throw new ApiError('TOKEN_REPLAYED', 'This sign-in answer was used already; sign in again');

    const config = await this.configuration();
    let claims: oidc.IDToken | undefined;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, url, {
        pkceCodeVerifier: rec.codeVerifier, expectedState: state, expectedNonce: rec.nonce, idTokenExpected: true,
      });
      claims = tokens.claims();
    } catch (e) {
      const why = describe(e);
      this.log(`Alibaba Cloud sign-in for activation ${act.id} refused: ${why}`);
      if (e instanceof TypeError && /fetch failed/i.test(e.message)) {
        throw new ApiError('SERVICE_UNAVAILABLE', 'Alibaba Cloud sign-in cannot be reached right now; try again in a minute');
      }
      throw new ApiError('VERIFICATION_REQUIRED', 'Signing in with Alibaba Cloud did not prove the account (the answer could not be verified); sign in again',
        { proof: 'alibaba-sign-in', reason: 'sign-in-failed' });
    }
    // `aid`: the main account of the signed-in identity (for a RAM user too); `uid`: the identity itself.
    const aid = typeof claims?.aid === 'string' ? claims.aid : typeof claims?.aid === 'number' ? String(claims.aid) : '';
    if (!ACCOUNT_ID.test(aid)) {
      throw new ApiError('VERIFICATION_REQUIRED', 'Alibaba Cloud did not say which account you signed in to (allow the account ID, scope aliuid); sign in again',
        { proof: 'alibaba-sign-in', reason: 'no-account-id' });
    }
    const instance = this.repos.instances.get(act.instanceId);
    if (!instance || instance.accountId !== aid || act.accountId !== aid) {
      throw new ApiError('INSTANCE_ACCOUNT_MISMATCH',
        `You signed in to Alibaba Cloud account ${aid}, but this instance belongs to another account. Sign in with the account that bought it.`,
        { field: 'accountId', reason: 'signed-in-account', signedInAccountId: aid });
    }
    return this.activations.prove(act, 'alibaba-sign-in', audit);
  }
}
