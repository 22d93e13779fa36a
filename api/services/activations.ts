import type {
  Activation, ActivationNext, ActivationPath, ActivationState, BindBillingAccountBody, CheckCodeBody, CreateWorkspaceBody, ProofMethod,
  RegistrationBody, ReturningSummary, SendCodeBody, StartActivationBody, UpdateActivationBody, WorkspaceListItem,
} from '../../shared/schemas';
import { siteInfo } from '../../shared/sites';
import { withAuditContext, type AuditContext } from '../db/audit-context';
import type { Repositories } from '../db/repositories';
import type { ActivationRecord } from '../db/repositories/activations';
import type { WorkspaceRecord } from '../db/repositories/workspaces';
import { equalHex, hashPassword, newId, newToken, sha256 } from '../lib/crypto';
import { ApiError, fieldError, tooManyRequests } from '../lib/errors';
import { maskEmail } from '../mail/messages';
import type { RateLimiter } from '../security/rate-limit';
import { CODE_TTL_MS, RESEND_WAIT_MS, type CodeService } from './codes';
import type { LifecycleService } from './lifecycle';
import type { LinkService } from './links';

export interface ActivationPolicy {
  /** REQUIRE_VERIFIED_LINK: a cloud account's first link is made only by a proved activation. */
  requireVerifiedLink: boolean;
  /** The proofs this API can take; `alibaba-sign-in` only when it is configured. */
  proofs?: ProofMethod[];
}

export const ACTIVATION_TTL_MS = 24 * 60 * 60_000;

const lower = (email: string) => email.trim().toLowerCase();

/**
 * The binding wizard's server side: one activation walks needs-billing-account → needs-workspace → activated.
 * Methods that write take the request's `audit` context and enter it around their synchronous
 * writes (after any await), so the audit triggers record which request made each change.
 */
export class ActivationService {
  constructor(
    private readonly repos: Repositories,
    private readonly codes: CodeService,
    private readonly now: () => number,
    /** Freezes and releases; also explains to the user what to do about an instance that is not active. */
    private readonly lifecycle: LifecycleService,
    private readonly policy: ActivationPolicy,
    /** Ends a link made without proof when the owner proves the cloud account. */
    private readonly links: LinkService,
    /** Probes of Billing Center usernames count here before any lookup. */
    private readonly limiter: RateLimiter,
  ) {}

  private get proofMethods(): ProofMethod[] {
    return this.policy.proofs ?? ['marketplace'];
  }

  /**
   * With `requireVerifiedLink`, a cloud account not linked yet can be linked only by a proved
   * activation (free login, Sign in with Alibaba Cloud): anyone who learns the two IDs could otherwise link
   * someone else's purchase to their own Billing Center account. An existing link still only
   * needs its owner's email code.
   */
  private requireProofForNewLink(accountId: string, verified: boolean): void {
    if (!this.policy.requireVerifiedLink || verified || this.repos.accounts.linkedBillingAccountId(accountId)) return;
    throw fieldError('VERIFICATION_REQUIRED', 'accountId',
      'This Alibaba Cloud account is not linked to a Billing Center account yet. To link it, prove the purchase is yours: ' +
      (this.proofMethods.includes('alibaba-sign-in') ? 'sign in with Alibaba Cloud, or ' : '') +
      'open Guance with Login Directly in Marketplace › Purchased Services.', { proofs: this.proofMethods });
  }

  /**
   * Inside the caller's transaction: a proved activation ends a link of its cloud account that was
   * made without proof (the owner takes the account back); its mail is queued in the same commit.
   */
  private supersedeFor(act: { id: string; accountId: string }, now: number): void {
    this.links.supersedeUnproved(act.accountId, act.id, now);
  }

  /**
   * Records that `act` proved its cloud account's owner (Sign in with Alibaba Cloud). A link made
   * without proof is replaced when the owner links their Billing Center account (register, or bind
   * another one), or made a proved link when they bind the linked one with its code: proving alone
   * ends nothing, so an owner who linked before proofs were required and clicks Login Directly
   * keeps their link and settlements.
   */
  prove(act: ActivationRecord, proof: ProofMethod, audit: AuditContext): Activation {
    withAuditContext(audit, () => this.repos.activations.setProof(act.id, proof, this.now()));
    return this.reload(act.id);
  }

  /** Releases whatever finished its countdown before we read an instance's status. */
  private sweep(): void {
    this.lifecycle.sweep();
  }

  /**
   * `opts.proof`: the activation is started by a proof (free login). `opts.admit` runs first inside
   * the start's transaction (the per-client limit): its count and the new activation are one
   * commit, and a start refused by a check below is still counted.
   */
  start(body: StartActivationBody, audit: AuditContext, opts: { proof?: ProofMethod; admit?: () => void } = {}): { activation: Activation; token: string } {
    let refusal: ApiError | undefined;
    const started = this.repos.tx(() => {
      opts.admit?.();
      try {
        return this.startInTx(body, opts.proof);
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        refusal = e;
        return undefined;
      }
    }, audit);
    if (refusal) throw refusal;
    return started!;
  }

  private startInTx(body: StartActivationBody, proof: ProofMethod | undefined): { activation: Activation; token: string } {
    const instance = this.repos.instances.get(body.instanceId);
    if (!instance) throw fieldError('INSTANCE_NOT_FOUND', 'instanceId', 'The marketplace has not told us about this instance');
    if (instance.accountId !== body.accountId) {
      throw fieldError('INSTANCE_ACCOUNT_MISMATCH', 'instanceId', 'This instance belongs to another Alibaba Cloud account');
    }
    if (instance.status !== 'active') {
      // Its countdown may have ended since the last sweep: then it is released, and said so.
      throw this.lifecycle.notActive(this.lifecycle.releaseIfDue(instance));
    }
    // Without a proof the activation still starts: its `next` says `prove`, with the proofs on offer.
    const now = this.now();
    const token = newToken();
    const record = {
      id: newId('act'), tokenHash: sha256(token), accountId: body.accountId, instanceId: body.instanceId,
      site: body.site, expiresAt: now + ACTIVATION_TTL_MS,
    };
    this.repos.activations.insert(record, now);
    if (proof) this.repos.activations.setProof(record.id, proof, now);
    // The hot path (typed IDs) builds the answer from what it wrote; a proof re-reads it.
    return {
      activation: proof ? this.reload(record.id)
        : this.view({ ...record, state: 'needs-billing-account', billingAccountId: null, workspaceId: null, proof: null }),
      token,
    };
  }

  /** The activation `id` if `token` is its bearer token and it has not expired; 401 otherwise. */
  authenticate(id: string, token: string | undefined): ActivationRecord {
    const act = this.repos.activations.get(id);
    // Hash even when there is nothing to compare with, so timing says nothing about which ids exist.
    const presented = sha256(token ?? '');
    if (!act || !token || !equalHex(presented, act.tokenHash)) {
      throw new ApiError('UNAUTHORIZED', 'A valid bearer token of this activation is required');
    }
    if (this.now() >= act.expiresAt) {
      throw new ApiError('UNAUTHORIZED', 'This activation has expired; start a new one', { reason: 'expired' });
    }
    return act;
  }

  view(act: ActivationRecord): Activation {
    const returning = this.isReturning(act);
    const next = returning ? 'returning' : this.nextStep(act);
    const billing = act.billingAccountId ? this.repos.accounts.billingById(act.billingAccountId) : undefined;
    const ws = act.workspaceId ? this.repos.workspaces.get(act.workspaceId) : undefined;
    return {
      id: act.id,
      accountId: act.accountId,
      instanceId: act.instanceId,
      site: act.site,
      state: act.state,
      billingAccount: billing ? { username: billing.username } : null,
      workspace: ws ? { id: ws.id, name: ws.name, site: ws.site, language: ws.language } : null,
      loginUrl: act.state === 'activated' && ws ? siteInfo(ws.site).loginUrl : null,
      expiresAt: new Date(act.expiresAt).toISOString(),
      verified: this.isProved(act),
      next,
      proof: act.proof ?? null,
      proofs: !act.proof && act.state === 'needs-billing-account' ? this.proofMethods : [],
      paths: this.pathsOf(act, next),
      returning: returning ? this.returningSummary(act) : null,
      replaceableLink: act.state === 'needs-billing-account' && this.isProved(act) && this.repos.links.live(act.accountId)?.proof === null,
      guanceAccount: act.state === 'activated' && ws ? this.ownerOf(act.instanceId, ws.id) : null,
    };
  }

  /** Who logs in to a workspace this activation bound (the token holder made that binding). */
  private ownerOf(instanceId: string, workspaceId: string): { username: string; email: string } | null {
    const w = this.repos.workspaces.settledByInstance(instanceId).find((x) => x.id === workspaceId);
    return w ? { username: w.ownerUsername, email: maskEmail(w.ownerEmail) } : null;
  }

  private isProved(act: ActivationRecord): boolean {
    return (act.proof ?? null) !== null || (act.verified ?? false);
  }

  /**
   * A returning buyer: this activation has bound nothing yet, but its instance pays for a workspace
   * already (activated earlier, from free login or the IDs). Such a buyer wants in, not a second
   * binding; another workspace is bound only when asked for (`anotherWorkspace`).
   */
  private isReturning(act: ActivationRecord): boolean {
    return act.state !== 'activated' && this.repos.workspaces.instanceSettlesAny(act.instanceId);
  }

  /**
   * What is bound, for the owner only: anyone may know the two IDs, so an activation that did not
   * prove the purchase learns that it is activated and nothing about by whom or where.
   */
  private returningSummary(act: ActivationRecord): ReturningSummary | null {
    if (!this.isProved(act)) return null;
    const workspaces = this.repos.workspaces.settledByInstance(act.instanceId).map((w) => ({
      id: w.id, name: w.name, site: w.site, language: w.language, loginUrl: siteInfo(w.site).loginUrl,
      billingAccount: { username: w.billingUsername },
      guanceAccount: { username: w.ownerUsername, email: maskEmail(w.ownerEmail) },
    }));
    return workspaces.length > 0 ? { workspaces } : null;
  }

  /** The steps the API would accept now, so a client offers no path that is bound to fail later. */
  private pathsOf(act: ActivationRecord, next: ActivationNext): ActivationPath[] {
    const proved = this.isProved(act);
    switch (act.state) {
      case 'activated':
        return [];
      case 'needs-workspace':
        return next === 'returning' && !proved ? [] : ['create-workspace', 'bind-workspace'];
      case 'needs-billing-account':
        if (next === 'returning') return proved ? ['bind-billing-account'] : [];
        // `bind-billing-account` here: the cloud account is linked, so only its owner's account binds.
        if (next === 'bind-billing-account') return ['bind-billing-account'];
        if (this.policy.requireVerifiedLink && !proved) return [];
        return ['register', 'bind-billing-account'];
    }
  }

  /** An activated purchase goes further only with proof that it is the owner's. */
  private requireProvedIfReturning(act: ActivationRecord): void {
    if (this.isProved(act) || !this.repos.workspaces.instanceSettlesAny(act.instanceId)) return;
    throw fieldError('VERIFICATION_REQUIRED', 'instanceId',
      'This purchase is already activated. To continue, prove it is yours: open Guance with Login Directly ' +
      'in Marketplace › Purchased Services.', { reason: 'already-activated' });
  }

  /**
   * Also inside the transaction that would settle a workspace: an instance that pays for one
   * already pays for another only when the request says so, and only for an activation that proved it.
   */
  private requireNotReturning(act: ActivationRecord, anotherWorkspace: boolean): void {
    if (!this.repos.workspaces.instanceSettlesAny(act.instanceId)) return;
    const proved = this.isProved(act);
    if (!anotherWorkspace) {
      throw fieldError('ALREADY_ACTIVATED', 'instanceId', proved
        ? 'This purchase already pays for a workspace. To have it pay for another one too, ask for that explicitly (anotherWorkspace).'
        : 'This purchase is already activated. To continue, prove it is yours: open Guance with Login Directly ' +
          'in Marketplace › Purchased Services.');
    }
    this.requireProvedIfReturning(act);
  }

  /**
   * Checks a code where it is typed, without using it: the lookups and refusals of the step that
   * will use it, and a wrong code counts like a wrong code there (CodeService.check).
   */
  checkCode(act: ActivationRecord, body: CheckCodeBody): void {
    switch (body.purpose) {
      case 'register':
        this.requireState(act, 'needs-billing-account');
        this.requireProvedIfReturning(act);
        this.codes.check('register', lower(body.email), body.code, act.id);
        return;
      case 'bind-billing-account':
        this.requireState(act, 'needs-billing-account');
        this.requireProvedIfReturning(act);
        // The same refusal as the bind step: an unknown username answers like a wrong code.
        this.checkBindCode(act, body.username, body.code);
        return;
      case 'guance-account':
        this.requireState(act, 'needs-workspace');
        this.codes.check('guance-account', lower(body.email), body.code, act.id);
    }
  }

  /**
   * What the wizard does next. A linked cloud account is told only that a link exists, never the
   * username: whoever knows the two IDs must not learn whose Billing Center account it is.
   */
  private nextStep(act: ActivationRecord): ActivationNext {
    switch (act.state) {
      case 'activated':
        return 'done';
      case 'needs-workspace':
        return 'workspace';
      case 'needs-billing-account': {
        // A link made without proof: a proved activation may also replace it (`replaceableLink`).
        if (this.repos.accounts.linkedBillingAccountId(act.accountId)) return 'bind-billing-account';
        if (!this.isProved(act) && this.policy.requireVerifiedLink) return 'prove';
        return 'register';
      }
    }
  }

  /**
   * The activation's Billing Center link still holds: one that was superseded or unlinked since
   * must not settle anything more through this cloud account.
   */
  private requireLinkHolds(act: ActivationRecord): void {
    if (act.billingAccountId && this.repos.accounts.linkedBillingAccountId(act.accountId) !== act.billingAccountId) {
      throw new ApiError('WRONG_STATE', 'The link between this Alibaba Cloud account and the Billing Center account has ended; start again',
        { state: act.state, reason: 'link-ended' });
    }
  }

  private reload(id: string): Activation {
    return this.view(this.repos.activations.get(id)!);
  }

  private requireState(act: ActivationRecord, ...states: ActivationState[]): void {
    if (!states.includes(act.state)) {
      throw new ApiError('WRONG_STATE', `This step is not open while the activation is ${act.state}`, { state: act.state });
    }
  }

  /** The instance must still be active for anything to be settled through it. */
  private requireActiveInstance(act: ActivationRecord): void {
    this.sweep();
    const instance = this.repos.instances.get(act.instanceId);
    if (instance && instance.status !== 'active') throw this.lifecycle.notActive(instance);
    if (!instance || instance.status !== 'active') {
      throw fieldError('INSTANCE_NOT_ACTIVE', 'instanceId', `This instance is ${instance?.status ?? 'gone'}`, { status: instance?.status });
    }
  }

  private requireNotLinked(act: ActivationRecord, unlessTo?: string): void {
    const linked = this.repos.accounts.linkedBillingAccountId(act.accountId);
    if (linked && linked !== unlessTo) {
      throw fieldError('CLOUD_ACCOUNT_LINKED_ELSEWHERE', 'accountId',
        'This Alibaba Cloud account is already linked to a Billing Center account: bind that one');
    }
  }

  private advance(act: ActivationRecord, from: ActivationState, to: ActivationState, set: { billingAccountId?: string; workspaceId?: string }) {
    if (!this.repos.activations.advance(act.id, from, to, set, this.now())) {
      throw new ApiError('WRONG_STATE', 'The activation moved on meanwhile', { state: this.repos.activations.get(act.id)?.state });
    }
  }

  /** The site of the workspace still to be created (it decides nothing else; a bound workspace's site never changes). */
  changeSite(act: ActivationRecord, body: UpdateActivationBody, audit: AuditContext): Activation {
    this.requireState(act, 'needs-billing-account', 'needs-workspace');
    if (!withAuditContext(audit, () => this.repos.activations.setSite(act.id, body.site, this.now()))) {
      throw new ApiError('WRONG_STATE', 'A workspace is bound already; its site can never change', { state: this.repos.activations.get(act.id)?.state });
    }
    return this.reload(act.id);
  }

  async sendCode(act: ActivationRecord, body: SendCodeBody) {
    switch (body.purpose) {
      case 'register': {
        this.requireState(act, 'needs-billing-account');
        this.requireProvedIfReturning(act);
        // Whether the address is taken is said only after a valid code (registration): the code
        // goes to the mailbox, so only its owner learns it.
        if (this.nextStep(act) === 'prove') this.requireProofForNewLink(act.accountId, false);
        return this.codes.send('register', lower(body.email), act.id, { accountId: act.accountId, instanceId: act.instanceId });
      }
      case 'bind-billing-account':
        return this.sendBindCode(act, body.username);
      case 'guance-account':
        this.requireState(act, 'needs-workspace');
        this.requireLinkHolds(act);
        this.requireProvedIfReturning(act);
        return this.codes.send('guance-account', lower(body.email), act.id, { accountId: act.accountId, instanceId: act.instanceId });
    }
  }

  /**
   * One answer, whatever the username: unknown, linked to another cloud account, or bindable
   * ("if this account can be bound, a code was sent to its email"). The ask counts against the
   * limits before the username is looked up, so even a 429 says nothing about it.
   */
  private async sendBindCode(act: ActivationRecord, username: string) {
    this.requireState(act, 'needs-billing-account');
    this.requireProvedIfReturning(act);
    const limit = this.limiter.consume(
      { bucket: 'bindAsksPerUsername', key: `${act.id}\n${username.toLowerCase()}` },
      { bucket: 'bindAsksPerActivation', key: act.id },
    );
    if (!limit.ok) {
      throw tooManyRequests('RATE_LIMITED', `Too many codes were asked for; ask again in ${limit.retryAfterSeconds} s`, limit.retryAfterSeconds);
    }
    const account = this.repos.accounts.billingByUsername(username);
    const link = this.repos.links.live(act.accountId);
    const bindable = account && (!link || link.billingAccountId === account.id || (link.proof === null && this.isProved(act)));
    if (account && bindable) {
      try {
        await this.codes.send('bind-billing-account', account.email, act.id,
          { accountId: act.accountId, instanceId: act.instanceId, username: account.username });
      } catch (e) {
        // A refusal here (a limit of that mailbox, a mail failure) would tell the account exists.
        if (!(e instanceof ApiError)) throw e;
        console.error(`bind code for activation ${act.id} not sent: ${e.code}`);
      }
    }
    return { sentTo: username, expiresInSeconds: CODE_TTL_MS / 1000, resendInSeconds: RESEND_WAIT_MS / 1000 };
  }

  private requireFreeNames(kinds: ('billing' | 'guance')[], username: string, email: string): void {
    const a = this.repos.accounts;
    for (const k of kinds) {
      if ((k === 'billing' ? a.billingByUsername(username) : a.guanceByUsername(username))) {
        throw new ApiError('USERNAME_TAKEN', 'This username is taken', { field: 'username' });
      }
      if ((k === 'billing' ? a.billingByEmail(email) : a.guanceByEmail(email))) {
        throw new ApiError('EMAIL_TAKEN', 'This email address already has an account', { field: 'email' });
      }
    }
  }

  async register(act: ActivationRecord, body: RegistrationBody, audit: AuditContext): Promise<Activation> {
    this.requireState(act, 'needs-billing-account');
    this.requireActiveInstance(act);
    const proved = this.isProved(act);
    const replaceable = proved && this.repos.links.live(act.accountId)?.proof === null;
    // Registering binds a new workspace at once: never for a purchase that pays for one already,
    // unless it pays under a link made without proof that this proved owner replaces. In the order
    // of the transaction below, so a loser of a race gets the same answer whenever it checked.
    if (!replaceable) {
      this.requireNotReturning(act, false);
      this.requireNotLinked(act);
    }
    this.requireProofForNewLink(act.accountId, proved);
    const email = lower(body.email);
    // Names are checked only after a valid code: a stranger cannot probe which ones exist.
    const code = this.codes.check('register', email, body.code, act.id);
    this.requireFreeNames(['billing', 'guance'], body.username, email);
    const passwordHash = await hashPassword(body.password);
    this.repos.tx(() => {
      const now = this.now();
      this.codes.consume(code);
      if (proved) this.supersedeFor(act, now);
      // After the replaced link's settlements ended: another activation may have bound one meanwhile.
      this.requireNotReturning(act, false);
      this.requireNotLinked(act);
      const guance = { id: newId('ga'), username: body.username, email, passwordHash, phone: body.phone ?? null };
      const billing = {
        id: newId('ba'), username: body.username, email, passwordHash, phone: body.phone ?? null,
        companyName: body.company.name, contactName: body.company.contactName, industry: body.company.industry ?? null,
      };
      this.repos.accounts.insertGuance(guance, now);
      this.repos.accounts.insertBilling(billing, now);
      this.repos.accounts.insertLink(act.accountId, billing.id, now, act.proof ?? (proved ? 'marketplace' : null));
      const ws = this.createAndSettle(act, billing.id, guance.id, body.workspace.name, body.workspace.language, now);
      this.advance(act, 'needs-billing-account', 'activated', { billingAccountId: billing.id, workspaceId: ws.id });
    }, audit);
    return this.reload(act.id);
  }

  private createAndSettle(act: ActivationRecord, billingAccountId: string, ownerId: string, name: string,
    language: 'zh' | 'en', now: number): WorkspaceRecord {
    const ws: WorkspaceRecord = { id: newId('ws'), name, site: act.site, language, billingAccountId };
    this.repos.workspaces.insert(ws, ownerId, now);
    this.repos.workspaces.settle(ws.id, act.accountId, act.instanceId, now);
    return ws;
  }

  /**
   * The code of a Billing Center account to bind. Unknown usernames, and accounts no code was sent
   * for, get the same refusal as a wrong code; wrong tries count per username before anything is
   * looked up. Used by the bind step and by the check where the code is typed.
   */
  private checkBindCode(act: ActivationRecord, username: string, typed: string) {
    const key = bindKey(username);
    const wait = this.limiter.check('wrongCodes', key);
    if (!wait.ok) {
      throw tooManyRequests('TOO_MANY_ATTEMPTS', `Too many wrong codes; try again in ${wait.retryAfterSeconds} s`, wait.retryAfterSeconds, { field: 'code' });
    }
    const refuse = () => {
      this.limiter.fail('wrongCodes', key);
      return new ApiError('CODE_INVALID', 'This code is not right, or no code was sent for this username; ask for a new one', { field: 'code' });
    };
    const account = this.repos.accounts.billingByUsername(username);
    if (!account) throw refuse();
    try {
      return { account, code: this.codes.check('bind-billing-account', account.email, typed, act.id) };
    } catch (e) {
      if (e instanceof ApiError && ['CODE_INVALID', 'CODE_EXPIRED', 'TOO_MANY_ATTEMPTS'].includes(e.code) && e.headers === undefined) throw refuse();
      throw e;
    }
  }

  bindBillingAccount(act: ActivationRecord, body: BindBillingAccountBody, audit: AuditContext): Activation {
    this.requireState(act, 'needs-billing-account');
    this.requireActiveInstance(act);
    this.requireProvedIfReturning(act);
    const { account, code } = this.checkBindCode(act, body.username, body.code);
    this.limiter.succeed('wrongCodes', bindKey(body.username));
    // From here the Billing Center account's owner is at the keyboard (their mailbox's code).
    const proved = this.isProved(act);
    this.repos.tx(() => {
      const now = this.now();
      this.codes.consume(code);
      const link = this.repos.links.live(act.accountId);
      // The proved owner binding the account linked without proof: the link stays, now proved.
      if (proved && link?.proof === null && link.billingAccountId === account.id) {
        this.repos.links.markProved(act.accountId, account.id, act.proof ?? 'marketplace');
      }
      if (proved && link && link.billingAccountId !== account.id) this.supersedeFor(act, now);
      this.requireNotLinked(act, account.id);
      this.requireProofForNewLink(act.accountId, proved);
      const linked = this.repos.accounts.linkedBillingAccountId(act.accountId);
      if (linked === undefined) this.repos.accounts.insertLink(act.accountId, account.id, now, act.proof ?? (proved ? 'marketplace' : null));
      this.advance(act, 'needs-billing-account', 'needs-workspace', { billingAccountId: account.id });
    }, audit);
    return this.reload(act.id);
  }

  listWorkspaces(act: ActivationRecord): { workspaces: WorkspaceListItem[] } {
    this.requireState(act, 'needs-workspace', 'activated');
    this.requireLinkHolds(act);
    this.sweep();
    const list = this.repos.workspaces.ofBillingAccount(act.billingAccountId!);
    // A workspace whose paying instance expired is frozen for the 14-day countdown and still
    // settled through that instance. It is not bindable here, whoever's it is: the owner's fix is to
    // renew (which lifts the freeze with nothing moved) or let it be released (then it falls back to
    // direct settlement and becomes bindable). Moving a live settlement off an instance mid-countdown
    // would race the marketplace's renew/release calls for it. `frozen` is said first because it
    // is the reason that tells the user what to do.
    return {
      workspaces: list.map((w) => ({
        id: w.id, name: w.name, site: w.site, language: w.language,
        bindable: w.settledBy === null,
        reason: w.settledBy === null ? null
          : w.frozenUntil !== null ? 'frozen'
          : w.settledBy === act.accountId ? 'already-bound-here' : 'settled-by-other-account',
        ...(w.frozenUntil !== null ? { frozenUntil: new Date(w.frozenUntil).toISOString() } : {}),
      })),
    };
  }

  async createWorkspace(act: ActivationRecord, body: CreateWorkspaceBody, audit: AuditContext): Promise<Activation> {
    this.requireState(act, 'needs-workspace');
    this.requireActiveInstance(act);
    this.requireLinkHolds(act);
    this.requireNotReturning(act, body.anotherWorkspace ?? false);
    const ga = body.guanceAccount;
    const email = lower(ga.email);
    let ownerId: string;
    let newAccount: { id: string; username: string; email: string; passwordHash: string; phone: string | null } | undefined;
    // The code first: whether an address or username has a Guance account is told only to the
    // reader of that mailbox.
    const code = this.codes.check('guance-account', email, ga.code, act.id);
    if (ga.kind === 'existing') {
      const owner = this.repos.accounts.guanceByEmail(email);
      if (!owner) throw new ApiError('GUANCE_ACCOUNT_NOT_FOUND', 'No Guance account has this email address', { field: 'guanceAccount.email' });
      ownerId = owner.id;
    } else {
      this.requireFreeNames(['guance'], ga.username, email);
      ownerId = newId('ga');
    }
    if (ga.kind === 'new') {
      newAccount = { id: ownerId, username: ga.username, email, passwordHash: await hashPassword(ga.password), phone: ga.phone ?? null };
    }
    this.repos.tx(() => {
      const now = this.now();
      // Again inside the transaction: another activation of this instance may have bound one meanwhile.
      this.requireNotReturning(act, body.anotherWorkspace ?? false);
      this.codes.consume(code);
      this.requireLinkHolds(act);
      if (newAccount) this.repos.accounts.insertGuance(newAccount, now);
      const ws = this.createAndSettle(act, act.billingAccountId!, ownerId, body.name, body.language, now);
      this.advance(act, 'needs-workspace', 'activated', { workspaceId: ws.id });
    }, audit);
    return this.reload(act.id);
  }

  bindWorkspace(act: ActivationRecord, workspaceId: string, audit: AuditContext, opts: { anotherWorkspace?: boolean } = {}): Activation {
    this.requireState(act, 'needs-workspace');
    this.requireActiveInstance(act);
    this.requireLinkHolds(act);
    this.requireNotReturning(act, opts.anotherWorkspace ?? false);
    const ws = this.repos.workspaces.get(workspaceId);
    if (!ws || ws.billingAccountId !== act.billingAccountId) {
      throw new ApiError('WORKSPACE_NOT_FOUND', 'The bound Billing Center account has no such workspace', { field: 'workspaceId' });
    }
    this.repos.tx(() => {
      this.requireLinkHolds(act);
      const live = this.repos.workspaces.liveSettlement(ws.id);
      if (live) {
        const frozen = this.repos.instances.get(live.instanceId)?.status === 'expired';
        throw new ApiError('WORKSPACE_NOT_BINDABLE', 'This workspace is already settled through an Alibaba Cloud account', {
          reason: frozen ? 'frozen' : live.accountId === act.accountId ? 'already-bound-here' : 'settled-by-other-account',
        });
      }
      this.requireNotReturning(act, opts.anotherWorkspace ?? false);
      const now = this.now();
      this.repos.workspaces.settle(ws.id, act.accountId, act.instanceId, now);
      this.advance(act, 'needs-workspace', 'activated', { workspaceId: ws.id });
    }, audit);
    return this.reload(act.id);
  }
}

/** The wrong-code counter of one Billing Center username (bind step and code check alike). */
function bindKey(username: string): string {
  return `bind:${username.toLowerCase()}`;
}
