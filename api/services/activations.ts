import type {
  Activation, ActivationNext, ActivationState, BindBillingAccountBody, CreateWorkspaceBody, RegistrationBody, SendCodeBody,
  StartActivationBody, UpdateActivationBody, WorkspaceListItem,
} from '../../shared/schemas';
import { siteInfo } from '../../shared/sites';
import { withAuditContext, type AuditContext } from '../db/audit-context';
import type { Repositories } from '../db/repositories';
import type { ActivationRecord } from '../db/repositories/activations';
import type { WorkspaceRecord } from '../db/repositories/workspaces';
import { equalHex, hashPassword, newId, newToken, sha256 } from '../lib/crypto';
import { ApiError } from '../lib/errors';
import type { CodeService } from './codes';
import type { LifecycleService } from './lifecycle';

export interface ActivationPolicy {
  requireVerifiedLink: boolean;
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
  ) {}

  /**
   * With `requireVerifiedLink`, a cloud account not linked yet can be linked only by an activation
   * the marketplace verified (free login): anyone who learns the two IDs could otherwise link
   * someone else's purchase to their own Billing Center account. An existing link still only
   * needs its owner's email code.
   */
  private requireProofForNewLink(accountId: string, verified: boolean): void {
    if (!this.policy.requireVerifiedLink || verified || this.repos.accounts.linkedBillingAccountId(accountId)) return;
    throw new ApiError('VERIFICATION_REQUIRED',
      'This Alibaba Cloud account is not linked to a Billing Center account yet. To link it, open Guance with ' +
      'Login Directly in Marketplace › Purchased Services: that proves the purchase is yours.', { field: 'accountId' });
  }

  /** Releases whatever finished its countdown before we read an instance's status. */
  private sweep(): void {
    this.lifecycle.sweep();
  }

  /**
   * `opts.admit` runs first inside the start's transaction (the per-client limit): its count and
   * the new activation are one commit, and a start refused by a check below is still counted.
   */
  start(body: StartActivationBody, audit: AuditContext, opts: { verified?: boolean; admit?: () => void } = {}): { activation: Activation; token: string } {
    this.sweep();
    let refusal: ApiError | undefined;
    const started = this.repos.tx(() => {
      opts.admit?.();
      try {
        return this.startInTx(body, opts.verified ?? false);
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        refusal = e;
        return undefined;
      }
    }, audit);
    if (refusal) throw refusal;
    return started!;
  }

  private startInTx(body: StartActivationBody, verified: boolean): { activation: Activation; token: string } {
    const instance = this.repos.instances.get(body.instanceId);
    if (!instance) throw new ApiError('INSTANCE_NOT_FOUND', 'The marketplace has not told us about this instance', { field: 'instanceId' });
    if (instance.accountId !== body.accountId) {
      throw new ApiError('INSTANCE_ACCOUNT_MISMATCH', 'This instance belongs to another Alibaba Cloud account', { field: 'instanceId' });
    }
    if (instance.status !== 'active') {
      throw this.lifecycle.notActive(instance);
    }
    // Said at the first step, not after the user typed a whole registration.
    this.requireProofForNewLink(body.accountId, verified);
    const now = this.now();
    const token = newToken();
    const record = {
      id: newId('act'), tokenHash: sha256(token), accountId: body.accountId, instanceId: body.instanceId,
      site: body.site, expiresAt: now + ACTIVATION_TTL_MS,
    };
    this.repos.activations.insert(record, now);
    return {
      activation: this.view({ ...record, state: 'needs-billing-account', billingAccountId: null, workspaceId: null }),
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
      verified: act.verified ?? false,
      next: this.nextStep(act),
    };
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
      case 'needs-billing-account':
        return this.repos.accounts.linkedBillingAccountId(act.accountId) ? 'bind-billing-account' : 'register';
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
      throw new ApiError('INSTANCE_NOT_ACTIVE', `This instance is ${instance?.status ?? 'gone'}`, { status: instance?.status });
    }
  }

  private requireNotLinked(act: ActivationRecord, unlessTo?: string): void {
    const linked = this.repos.accounts.linkedBillingAccountId(act.accountId);
    if (linked && linked !== unlessTo) {
      throw new ApiError('CLOUD_ACCOUNT_LINKED_ELSEWHERE',
        'This Alibaba Cloud account is already linked to a Billing Center account: bind that one');
    }
  }

  private advance(act: ActivationRecord, from: ActivationState, to: ActivationState, set: { billingAccountId?: string; workspaceId?: string }) {
    if (!this.repos.activations.advance(act.id, from, to, set, this.now())) {
      throw new ApiError('WRONG_STATE', 'The activation moved on meanwhile', { state: this.repos.activations.get(act.id)?.state });
    }
  }

  /** The site of the workspace still to be created (DESIGN §2: it decides nothing else). */
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
        const email = lower(body.email);
        if (this.repos.accounts.billingByEmail(email) || this.repos.accounts.guanceByEmail(email)) {
          throw new ApiError('EMAIL_TAKEN', 'This email address already has an account', { field: 'email' });
        }
        return this.codes.send('register', email, act.id);
      }
      case 'bind-billing-account': {
        this.requireState(act, 'needs-billing-account');
        const account = this.repos.accounts.billingByUsername(body.username);
        if (!account) throw new ApiError('BILLING_ACCOUNT_NOT_FOUND', 'No Billing Center account has this username', { field: 'username' });
        this.requireNotLinked(act, account.id);
        return this.codes.send('bind-billing-account', account.email, act.id);
      }
      case 'guance-account':
        this.requireState(act, 'needs-workspace');
        return this.codes.send('guance-account', lower(body.email), act.id);
    }
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
    this.requireNotLinked(act);
    this.requireProofForNewLink(act.accountId, act.verified ?? false);
    const email = lower(body.email);
    this.requireFreeNames(['billing', 'guance'], body.username, email);
    const code = this.codes.check('register', email, body.code);
    const passwordHash = await hashPassword(body.password);
    this.repos.tx(() => {
      const now = this.now();
      this.codes.consume(code);
      const guance = { id: newId('ga'), username: body.username, email, passwordHash, phone: body.phone ?? null };
      const billing = {
        id: newId('ba'), username: body.username, email, passwordHash, phone: body.phone ?? null,
        companyName: body.company.name, contactName: body.company.contactName, industry: body.company.industry ?? null,
      };
      this.repos.accounts.insertGuance(guance, now);
      this.repos.accounts.insertBilling(billing, now);
      this.repos.accounts.insertLink(act.accountId, billing.id, now);
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

  bindBillingAccount(act: ActivationRecord, body: BindBillingAccountBody, audit: AuditContext): Activation {
    this.requireState(act, 'needs-billing-account');
    this.requireActiveInstance(act);
    const account = this.repos.accounts.billingByUsername(body.username);
    if (!account) throw new ApiError('BILLING_ACCOUNT_NOT_FOUND', 'No Billing Center account has this username', { field: 'username' });
    this.requireNotLinked(act, account.id);
    this.requireProofForNewLink(act.accountId, act.verified ?? false);
    const code = this.codes.check('bind-billing-account', account.email, body.code);
    this.repos.tx(() => {
      const now = this.now();
      this.codes.consume(code);
      const linked = this.repos.accounts.linkedBillingAccountId(act.accountId);
      if (linked === undefined) this.repos.accounts.insertLink(act.accountId, account.id, now);
      else if (linked !== account.id) this.requireNotLinked(act, account.id);
      this.advance(act, 'needs-billing-account', 'needs-workspace', { billingAccountId: account.id });
    }, audit);
    return this.reload(act.id);
  }

  listWorkspaces(act: ActivationRecord): { workspaces: WorkspaceListItem[] } {
    this.requireState(act, 'needs-workspace', 'activated');
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
    const ga = body.guanceAccount;
    const email = lower(ga.email);
    let ownerId: string;
    let newAccount: { id: string; username: string; email: string; passwordHash: string; phone: string | null } | undefined;
    if (ga.kind === 'existing') {
      const owner = this.repos.accounts.guanceByEmail(email);
      if (!owner) throw new ApiError('GUANCE_ACCOUNT_NOT_FOUND', 'No Guance account has this email address', { field: 'guanceAccount.email' });
      ownerId = owner.id;
    } else {
      this.requireFreeNames(['guance'], ga.username, email);
      ownerId = newId('ga');
    }
    const code = this.codes.check('guance-account', email, ga.code);
    if (ga.kind === 'new') {
      newAccount = { id: ownerId, username: ga.username, email, passwordHash: await hashPassword(ga.password), phone: ga.phone ?? null };
    }
    this.repos.tx(() => {
      const now = this.now();
      this.codes.consume(code);
      if (newAccount) this.repos.accounts.insertGuance(newAccount, now);
      const ws = this.createAndSettle(act, act.billingAccountId!, ownerId, body.name, body.language, now);
      this.advance(act, 'needs-workspace', 'activated', { workspaceId: ws.id });
    }, audit);
    return this.reload(act.id);
  }

  bindWorkspace(act: ActivationRecord, workspaceId: string, audit: AuditContext): Activation {
    this.requireState(act, 'needs-workspace');
    this.requireActiveInstance(act);
    const ws = this.repos.workspaces.get(workspaceId);
    if (!ws || ws.billingAccountId !== act.billingAccountId) {
      throw new ApiError('WORKSPACE_NOT_FOUND', 'The bound Billing Center account has no such workspace', { field: 'workspaceId' });
    }
    this.repos.tx(() => {
      const live = this.repos.workspaces.liveSettlement(ws.id);
      if (live) {
        const frozen = this.repos.instances.get(live.instanceId)?.status === 'expired';
        throw new ApiError('WORKSPACE_NOT_BINDABLE', 'This workspace is already settled through an Alibaba Cloud account', {
          reason: frozen ? 'frozen' : live.accountId === act.accountId ? 'already-bound-here' : 'settled-by-other-account',
        });
      }
      const now = this.now();
      this.repos.workspaces.settle(ws.id, act.accountId, act.instanceId, now);
      this.advance(act, 'needs-workspace', 'activated', { workspaceId: ws.id });
    }, audit);
    return this.reload(act.id);
  }
}
