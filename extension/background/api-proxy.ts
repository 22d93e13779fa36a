// The wizard's calls (shared/wizard.ts), carried out in the background, the only part that talks to
// the API. One route per call in a table: its body is checked with the API's own schema first (a
// failure looks exactly like the API's 400), then the route runs with the activation's token, which
// stays in the activation store and is never sent to the popup. Failures come back as data the
// popup can place and retry.
import {
  NO_ACTIVATION,
  SIGN_IN_CANCELLED,
  WIZARD_CALLS,
  type CallError,
  type CallResult,
  type WizardAnswers,
  type WizardCall,
} from '../../shared/wizard';
import { fieldIssues } from '../../shared/errors';
import type { Activation } from '../../shared/schemas';
import type { z } from 'zod';
import { browser } from 'wxt/browser';
import { apiBaseUrl } from '../lib/storage';
import { activationStore, type ActivationRef } from './activation-store';
import { ApiError, createApiClient, NetworkError, type ApiClient } from './api-client';
import type { Router } from './router';

type Failure = { ok: false; error: CallError };
type Body<K extends WizardCall> = z.output<(typeof WIZARD_CALLS)[K]>;

/** The part of `browser.identity` Sign in with Alibaba Cloud needs (a fake in tests). */
export interface IdentityLike {
  getRedirectURL(path?: string): string;
  launchWebAuthFlow(details: { url: string; interactive?: boolean }): Promise<string | undefined>;
}

export interface ApiProxyDeps {
  /** The client for the configured API address (read on every call: the options page may change it). */
  client: () => Promise<{ client: ApiClient; baseUrl: string }>;
  /** `browser.identity`; without it (a browser that lacks it) Sign in with Alibaba Cloud fails as cancelled. */
  identity?: IdentityLike;
  /** Opens the popup again once a sign-in is over (the provider's window took the focus and closed it). */
  openPopup?: () => Promise<void>;
  now?: () => number;
}

/** The path of the redirect URI launchWebAuthFlow returns to; the API accepts the extension's one. */
export const SIGN_IN_REDIRECT_PATH = 'alibaba-sign-in';

/** What a route gets: the client, and the activation it works on (routes marked `auth` only). */
interface RouteContext {
  client: ApiClient;
  baseUrl: string;
  ref: ActivationRef;
  /** Keeps the API's newer copy of the activation, and answers with it. */
  remember(activation: Activation): Promise<{ activation: Activation }>;
}

type Route<K extends WizardCall> =
  | { auth: true; run: (ctx: RouteContext, body: Body<K>) => Promise<WizardAnswers[K]> }
  | { auth: false; run: (ctx: Omit<RouteContext, 'ref' | 'remember'>, body: Body<K>) => Promise<CallResult<WizardAnswers[K]>> };

/** The user closed the provider's window (or the browser could not open one): nothing was proved. */
class SignInCancelled extends Error {
  override name = 'SignInCancelled';
}

function failure(e: unknown): Failure {
  if (e instanceof SignInCancelled) return { ok: false, error: { kind: 'api', status: 400, code: SIGN_IN_CANCELLED, message: e.message } };
  if (e instanceof ApiError) {
    return { ok: false, error: { kind: 'api', status: e.status, code: e.code, message: e.message, ...(e.details === undefined ? {} : { details: e.details }) } };
  }
  if (e instanceof NetworkError) return { ok: false, error: { kind: 'network', message: e.message } };
  return { ok: false, error: { kind: 'network', message: e instanceof Error ? e.message : String(e) } };
}

const noActivation: Failure = {
  ok: false,
  error: { kind: 'api', status: 401, code: NO_ACTIVATION, message: 'No activation in progress: start again' },
};

/** A refusal after which the token is worthless (unknown, expired or revoked: the API says 401): it is forgotten. */
const deadToken = (e: unknown) => e instanceof ApiError && e.status === 401;

export function createApiProxy(deps: ApiProxyDeps) {
  const now = deps.now ?? Date.now;
  const inflight = new Map<string, Promise<CallResult<unknown>>>();

  async function currentRef(baseUrl: string): Promise<ActivationRef | null> {
    const ref = await activationStore.get();
    // A token belongs to the API that issued it; after the address changed it is worthless.
    if (ref && ref.apiBaseUrl !== baseUrl) {
      await activationStore.remove();
      return null;
    }
    return ref;
  }

  /** The activation free login offered, while it can still be taken (same API, not expired). */
  async function offerRef(baseUrl: string): Promise<ActivationRef | null> {
    const offer = await activationStore.getOffer();
    if (offer && (offer.apiBaseUrl !== baseUrl || Date.parse(offer.activation.expiresAt) <= now())) {
      await activationStore.removeOffer();
      return null;
    }
    return offer;
  }

  const ROUTES: { [K in WizardCall]: Route<K> } = {
    'start-activation': {
      auth: false,
      async run({ client, baseUrl }, body) {
        try {
          const { activation, token } = await client.startActivation(body);
          await activationStore.set({ id: activation.id, token, activation, syncedAt: now(), apiBaseUrl: baseUrl });
          return { ok: true, data: { activation } };
        } catch (e) {
          return failure(e);
        }
      },
    },
    'get-activation': {
      auth: false,
      async run({ client, baseUrl }, body) {
        let ref = await currentRef(baseUrl);
        const offer = await offerRef(baseUrl);
        // Nothing in progress any more: the offer replaces nothing, so it simply becomes the wizard's.
        if (!ref && offer) {
          await activationStore.set(offer);
          await activationStore.removeOffer();
          ref = offer;
        }
        const withOffer = <T extends { activation: Activation | null }>(d: T) => (offer && ref !== offer ? { ...d, offer: offer.activation } : d);
        if (!ref) return { ok: true, data: { activation: null } };
        if (now() - ref.syncedAt < body.maxAgeMs) return { ok: true, data: withOffer({ activation: ref.activation }) };
        const r = await withActivation({ client, baseUrl }, async (ctx) => ctx.remember(await client.getActivation(ctx.ref.id, ctx.ref.token)));
        return r.ok ? { ok: true, data: withOffer(r.data) } : r;
      },
    },
    'take-offer': {
      auth: false,
      async run({ baseUrl }, body) {
        const offer = await offerRef(baseUrl);
        await activationStore.removeOffer();
        if (offer && body.accept) {
          await activationStore.set(offer);
          return { ok: true, data: { activation: offer.activation } };
        }
        const ref = await currentRef(baseUrl);
        return { ok: true, data: { activation: ref?.activation ?? null } };
      },
    },
    'forget-activation': {
      auth: false,
      async run() {
        await activationStore.remove();
        await activationStore.removeOffer();
        return { ok: true, data: {} };
      },
    },
    'alibaba-sign-in': {
      auth: false,
      // The background owns the whole flow: the provider's window takes the focus, which closes a
      // real popup, so the popup only asks and later reads the proved activation back.
      run: (api) =>
        withActivation(api, async (c) => {
          const identity = deps.identity;
          if (!identity) throw new SignInCancelled('This browser cannot show the Alibaba Cloud sign-in (no identity API)');
          const redirectUri = identity.getRedirectURL(SIGN_IN_REDIRECT_PATH);
          const { authorizationUrl } = await c.client.startAlibabaSignIn(c.ref.id, c.ref.token, redirectUri);
          let callbackUrl: string | undefined;
          try {
            callbackUrl = await identity.launchWebAuthFlow({ url: authorizationUrl, interactive: true });
          } catch (e) {
            throw new SignInCancelled(e instanceof Error ? e.message : String(e));
          }
          if (!callbackUrl) throw new SignInCancelled('The sign-in window gave no answer');
          const answer = await c.remember(await c.client.completeAlibabaSignIn(c.ref.id, c.ref.token, callbackUrl));
          await deps.openPopup?.().catch(() => undefined);
          return answer;
        }),
    },
    'check-code': { auth: true, run: (c, body) => c.client.checkCode(c.ref.id, c.ref.token, body) },
    'update-activation': { auth: true, run: async (c, body) => c.remember(await c.client.updateActivation(c.ref.id, c.ref.token, body)) },
    'send-code': { auth: true, run: (c, body) => c.client.sendCode(c.ref.id, c.ref.token, body) },
    register: { auth: true, run: async (c, body) => c.remember(await c.client.register(c.ref.id, c.ref.token, body)) },
    'bind-billing-account': { auth: true, run: async (c, body) => c.remember(await c.client.bindBillingAccount(c.ref.id, c.ref.token, body)) },
    'list-workspaces': { auth: true, run: (c) => c.client.listWorkspaces(c.ref.id, c.ref.token) },
    'create-workspace': { auth: true, run: async (c, body) => c.remember(await c.client.createWorkspace(c.ref.id, c.ref.token, body)) },
    'bind-workspace': { auth: true, run: async (c, body) => c.remember(await c.client.bindWorkspace(c.ref.id, c.ref.token, body)) },
  };

  /** Runs a route that needs the activation's token; forgets the token when the API says it is dead. */
  async function withActivation<T>(
    { client, baseUrl }: { client: ApiClient; baseUrl: string },
    fn: (ctx: RouteContext) => Promise<T>,
  ): Promise<CallResult<T>> {
    const ref = await currentRef(baseUrl);
    if (!ref) return noActivation;
    const remember = async (activation: Activation) => {
      await activationStore.set({ ...ref, activation, syncedAt: now() });
      return { activation };
    };
    try {
      return { ok: true, data: await fn({ client, baseUrl, ref, remember }) };
    } catch (e) {
      if (deadToken(e)) await activationStore.remove();
      return failure(e);
    }
  }

  async function run<K extends WizardCall>(call: K, raw: unknown): Promise<CallResult<WizardAnswers[K]>> {
    const parsed = WIZARD_CALLS[call].safeParse(raw);
    if (!parsed.success) {
      return {
        ok: false,
        error: { kind: 'api', status: 400, code: 'VALIDATION_FAILED', message: 'Some fields are not valid', details: fieldIssues(parsed.error) },
      };
    }
    const body = parsed.data as Body<K>;
    const route = ROUTES[call] as Route<K>;
    const api = await deps.client();
    if (!route.auth) return route.run(api, body);
    return withActivation(api, (ctx) => route.run(ctx, body));
  }

  return {
    /**
     * Identical calls in flight at once (a double click, two popups) share one API call, so a
     * code is never sent twice and a registration never races itself.
     */
    call<K extends WizardCall>(call: K, body: unknown): Promise<CallResult<WizardAnswers[K]>> {
      const key = JSON.stringify([call, body]);
      const existing = inflight.get(key) as Promise<CallResult<WizardAnswers[K]>> | undefined;
      if (existing) return existing;
      const p = run(call, body).finally(() => inflight.delete(key));
      inflight.set(key, p);
      return p;
    },
  };
}

/** The client for whatever API address the options page holds. */
export async function configuredClient(): Promise<{ client: ApiClient; baseUrl: string }> {
  const baseUrl = await apiBaseUrl.getValue();
  return { client: createApiClient({ baseUrl }), baseUrl };
}

/** Background entrypoint hook: answers `wizard/call` (the router lets only the extension's own pages send it). */
export function registerApiProxy(router: Router): void {
  const identity = browser.identity as IdentityLike | undefined;
  const action = browser.action ?? browser.browserAction;
  const proxy = createApiProxy({
    client: configuredClient,
    ...(identity?.launchWebAuthFlow ? { identity } : {}),
    openPopup: async () => {
      if (action?.openPopup) await action.openPopup();
    },
  });
  router.on('wizard/call', (m) => proxy.call(m.call, m.body));
}
