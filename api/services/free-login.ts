// Free login (the marketplace's "Login Directly" button, SPI action `verify`). The marketplace has
// proved who the buyer is, so the activation it starts is marked verified; it still skips nothing
// that proves control of a Billing Center or Guance account (those take their email codes).
import type { FreeLoginOutcome } from '../../shared/free-login';
import type { SiteCode } from '../../shared/sites';
import type { AuditContext } from '../db/audit-context';
import type { Repositories } from '../db/repositories';
import { sha256 } from '../lib/crypto';
import { ApiError } from '../lib/errors';
import { checkTimeStamp, FREE_LOGIN_WINDOW_MS } from '../marketplace/free-login';
import { LANDING_PATH } from '../marketplace/landing';
import type { ActivationService } from './activations';
import type { LifecycleService } from './lifecycle';

export class FreeLoginService {
  constructor(
    private readonly repos: Repositories,
    private readonly lifecycle: LifecycleService,
    private readonly activations: ActivationService,
    private readonly publicUrl: string,
    private readonly defaultSite: SiteCode,
    private readonly now: () => number,
  ) {}

  /**
   * `params` carry a valid signature already. Returns where to send the browser: the landing page,
   * with the bearer token in the fragment (browsers send neither fragments to servers nor in Referer).
   * A refusal is thrown as the API error; the route turns it into the failed FreeLoginOutcome
   * (marketplace/free-login-outcome.ts).
   * `audit`: the SPI request's context, for the activation it starts.
   */
  verify(params: Record<string, string>, audit: AuditContext): Extract<FreeLoginOutcome, { ok: true }> {
    const now = this.now();
    const instanceId = params.instanceId ?? '';
    if (!/^\d{1,20}$/.test(instanceId)) throw new ApiError('VALIDATION_FAILED', 'instanceId must be 1 to 20 digits', [{ path: 'instanceId', message: 'Not an instance ID' }]);
    const stamp = checkTimeStamp(params.timeStamp, now);
    if (!stamp.ok) {
      throw stamp.reason === 'malformed'
        ? new ApiError('VALIDATION_FAILED', 'timeStamp must be yyyy-MM-dd HH:mm:ss (Beijing time)', [{ path: 'timeStamp', message: 'Bad time stamp' }])
        : new ApiError('CODE_EXPIRED', 'This login link is too old (or from the future); click Login Directly again', { reason: stamp.reason });
    }
    return this.repos.tx(() => {
      const instance = this.repos.instances.get(instanceId);
      if (!instance) throw new ApiError('INSTANCE_NOT_FOUND', 'The marketplace has not told us about this instance yet; try again in a minute', { instanceId });
      if (instance.status !== 'active') throw this.lifecycle.notActive(instance);
      // Each signed link works once; the time window bounds how long we must remember it. The
      // signature check takes the hex token in either case, so one spelling stands for all.
      if (!this.repos.freeLoginTokens.use(sha256((params.token ?? '').toLowerCase()), instanceId, now)) {
        throw new ApiError('TOKEN_REPLAYED', 'This login link was used already; click Login Directly again');
      }
      const { activation, token } = this.activations.start({ accountId: instance.accountId, instanceId, site: this.defaultSite }, audit,
        { proof: 'marketplace' });
      const q = new URLSearchParams({ activation: activation.id });
      return { ok: true as const, location: `${this.publicUrl}${LANDING_PATH}?${q}#token=${encodeURIComponent(token)}`, activationId: activation.id };
    }, audit);
  }

  /** Used tokens older than the window can never pass the time check again: forget them. */
  forgetOldTokens(): void {
    this.repos.freeLoginTokens.forgetBefore(this.now() - 2 * FREE_LOGIN_WINDOW_MS);
  }
}
