// The wizard's transport in a web page on the API's own origin: each call goes to its route
// (docs/architecture.md lists them) with `fetch`, same origin. The activation and its bearer token
// are kept in the tab's sessionStorage (they survive a reload, not the tab; never localStorage),
// and never given to the model. Like every transport it never throws.
import type { Activation } from '../../shared/schemas';
// Types only from shared/wizard.ts: its values would bring the schemas (and zod) into the page.
import type { CallError, CallResult, NO_ACTIVATION, SIGN_IN_CANCELLED, WizardAnswers, WizardCall } from '../../shared/wizard';
import type { WizardTransport } from '../popup/model/transport';

export const HELD_KEY = 'guance-activator.activation';

export interface Held {
  id: string;
  token: string;
  activation: Activation | null;
  syncedAt: number;
}

export interface HttpTransportOptions {
  /** Where the API's routes are (same origin): `/api/v1`. */
  base: string;
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  fetch?: typeof fetch;
  now?: () => number;
  timeoutMs?: number;
  /**
   * Sign in with Alibaba Cloud in this tab: the provider's page is opened here (`navigate`) and
   * sends the tab back to `signInRedirectUri` (the API's `/activate/alibaba-sign-in/callback`),
   * which completes the proof and shows the landing page the wizard resumes on. Without these,
   * the call fails with SIGN_IN_CANCELLED and the step says so.
   */
  signInRedirectUri?: string;
  navigate?: (url: string) => void;
}

/** Refusals after which the token is worthless: it is forgotten. */
const DEAD = new Set(['UNAUTHORIZED', 'ACTIVATION_NOT_FOUND', 'ACTIVATION_EXPIRED']);

export function readHeld(storage: HttpTransportOptions['storage']): Held | null {
  try {
    const h = JSON.parse(storage.getItem(HELD_KEY) ?? 'null') as Partial<Held> | null;
    return h && typeof h.id === 'string' && typeof h.token === 'string' ? { id: h.id, token: h.token, activation: h.activation ?? null, syncedAt: Number(h.syncedAt) || 0 } : null;
  } catch {
    return null;
  }
}

/** Keeps the activation a free login handed over in the fragment (its copy is fetched on first use). */
export function holdToken(storage: HttpTransportOptions['storage'], id: string, token: string): void {
  const held = readHeld(storage);
  if (held?.id === id && held.token === token) return;
  storage.setItem(HELD_KEY, JSON.stringify({ id, token, activation: null, syncedAt: 0 } satisfies Held));
}

type Route = { method: 'GET' | 'POST' | 'PATCH'; path: string };
const ROUTES: Record<Exclude<WizardCall, 'start-activation' | 'get-activation' | 'forget-activation' | 'alibaba-sign-in' | 'take-offer'>, Route> = {
  'update-activation': { method: 'PATCH', path: '' },
  'send-code': { method: 'POST', path: '/verification-codes' },
  'check-code': { method: 'POST', path: '/verification-codes/check' },
  register: { method: 'POST', path: '/registration' },
  'bind-billing-account': { method: 'POST', path: '/billing-account' },
  'list-workspaces': { method: 'GET', path: '/workspaces' },
  'create-workspace': { method: 'POST', path: '/workspaces' },
  'bind-workspace': { method: 'POST', path: '/workspace-bindings' },
};

export function createHttpTransport(opts: HttpTransportOptions): WizardTransport {
  const doFetch = opts.fetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const now = opts.now ?? Date.now;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const { storage } = opts;
  const hold = (h: Held | null) => (h ? storage.setItem(HELD_KEY, JSON.stringify(h)) : storage.removeItem(HELD_KEY));

  async function request(method: string, path: string, body: unknown, token?: string): Promise<CallResult<unknown>> {
    let res: Response;
    try {
      res = await doFetch(`${opts.base}${path}`, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin',
        referrerPolicy: 'no-referrer',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      return { ok: false, error: { kind: 'network', message: e instanceof Error ? e.message : String(e) } };
    }
    let json: unknown;
    try {
      json = await res.json();
    } catch {
      json = undefined;
    }
    if (res.ok && json && typeof json === 'object') return { ok: true, data: json };
    // 204 (a code check that passed): nothing to read, the empty answer the call expects.
    if (res.status === 204) return { ok: true, data: {} };
    const e = (json as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
    if (e && typeof e.code === 'string') {
      const error: CallError = { kind: 'api', status: res.status, code: e.code, message: typeof e.message === 'string' ? e.message : '', ...(e.details === undefined ? {} : { details: e.details }) };
      return { ok: false, error };
    }
    return { ok: false, error: { kind: 'network', message: `HTTP ${res.status} without an answer from the API` } };
  }

  /** A call with the held token; keeps the newer copy of the activation, forgets a dead token. */
  async function authed(route: Route, body: unknown): Promise<CallResult<unknown>> {
    const held = readHeld(storage);
    if (!held) return { ok: false, error: { kind: 'api', status: 401, code: 'NO_ACTIVATION' satisfies typeof NO_ACTIVATION, message: 'No activation in progress: start again' } };
    const r = await request(route.method, `/activations/${encodeURIComponent(held.id)}${route.path}`, route.method === 'GET' ? undefined : body, held.token);
    if (!r.ok) {
      if (r.error.kind === 'api' && (r.error.status === 401 || DEAD.has(r.error.code))) hold(null);
      return r;
    }
    const activation = (r.data as { activation?: Activation }).activation;
    if (activation) hold({ ...held, activation, syncedAt: now() });
    return r;
  }

  return {
    async call<K extends WizardCall>(call: K, body: unknown): Promise<CallResult<WizardAnswers[K]>> {
      const out = await (async (): Promise<CallResult<unknown>> => {
        switch (call) {
          case 'start-activation': {
            const r = await request('POST', '/activations', body);
            if (!r.ok) return r;
            const { activation, token } = r.data as { activation: Activation; token: string };
            hold({ id: activation.id, token, activation, syncedAt: now() });
            return { ok: true, data: { activation } };
          }
          case 'get-activation': {
            const held = readHeld(storage);
            if (!held) return { ok: true, data: { activation: null } };
            const maxAgeMs = (body as { maxAgeMs?: number }).maxAgeMs ?? 0;
            if (held.activation && now() - held.syncedAt < maxAgeMs) return { ok: true, data: { activation: held.activation } };
            return authed({ method: 'GET', path: '' }, undefined);
          }
          case 'forget-activation':
            hold(null);
            return { ok: true, data: {} };
          case 'take-offer':
            // Only the extension's free login brings offers; a page never has one to take.
            return { ok: true, data: { activation: readHeld(storage)?.activation ?? null } };
          case 'alibaba-sign-in': {
            if (!opts.signInRedirectUri || !opts.navigate) {
              const code: typeof SIGN_IN_CANCELLED = 'SIGN_IN_CANCELLED';
              return { ok: false, error: { kind: 'api', status: 400, code, message: 'Sign in with Alibaba Cloud cannot start from this page' } };
            }
            const r = await authed({ method: 'POST', path: '/alibaba-sign-in' }, { redirectUri: opts.signInRedirectUri });
            if (!r.ok) return r;
            opts.navigate((r.data as { authorizationUrl: string }).authorizationUrl);
            // The tab is leaving for the provider's page: the call stays in flight until it has
            // left, and the wizard resumes from the callback's landing page.
            return new Promise<never>(() => undefined);
          }
          default:
            return authed(ROUTES[call as keyof typeof ROUTES], body);
        }
      })();
      return out as CallResult<WizardAnswers[K]>;
    },
  };
}
