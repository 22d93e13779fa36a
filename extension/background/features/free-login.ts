// Free login, background half (the content-script half is content/landing/landing.ts; the page's
// contract docs/landing-contract.md). The background keeps the landing content script registered
// for exactly the configured API's landing page (a self-hosted API origin cannot be in the
// production manifest). That script hands over an activation id and token; we believe neither
// until the API confirms them with that token, and only from a tab on the configured API origin.
// Then the activation becomes the one the background holds and the popup opens (or the toolbar
// badge says it is waiting, when the browser refuses to open it). Only a proved activation is
// taken; while another is in progress it is kept as an offer the popup asks about, showing both.
import { browser } from 'wxt/browser';
import { LANDING_PATH } from '../../../shared/landing';
import type { FreeLoginResult, Message } from '../../../shared/protocol';
import type { Activation } from '../../../shared/schemas';
import { originOf } from '../../../shared/origin';
import { showLandingBadge } from '../../lib/landing-badge';
import { apiBaseUrl, DEFAULT_API_BASE_URL } from '../../lib/storage';
import { activationStore, type ActivationRef } from '../activation-store';
import { ApiError, type ApiClient } from '../api-client';
import { configuredClient } from '../api-proxy';
import type { BackgroundFeature } from './types';

export type LandingOpen = Message<'landing/open'>;

export interface FreeLoginDeps {
  client: () => Promise<{ client: ApiClient; baseUrl: string }>;
  /** `action.openPopup()`; rejects where the browser does not allow it (no user gesture, old browser). */
  openPopup: () => Promise<void>;
  /** Tell the user some other way that the popup has something for them. */
  notify: () => Promise<void>;
  now?: () => number;
}

/** Proved by the marketplace's free login or by Sign in with Alibaba Cloud. */
export function isProved(a: Activation): boolean {
  return Boolean(a.proof) || a.verified === true;
}

/** Whether replacing `ref` would lose something: a live, unfinished activation on this API. */
export function inProgress(ref: ActivationRef, baseUrl: string, now: number): boolean {
  return ref.apiBaseUrl === baseUrl && ref.activation.state !== 'activated' && Date.parse(ref.activation.expiresAt) > now;
}

export function createFreeLogin(deps: FreeLoginDeps) {
  const now = deps.now ?? Date.now;
  return {
    async open(msg: LandingOpen, senderUrl: string | undefined): Promise<FreeLoginResult> {
      const { client, baseUrl } = await deps.client();
      // The content script is registered for this origin only, but a message is checked where it
      // arrives: any page could be messing with a content script's view of itself.
      const from = originOf(senderUrl);
      if (!from || from !== originOf(baseUrl) || !new URL(senderUrl!).pathname.endsWith(LANDING_PATH)) {
        return { ok: false, reason: 'wrong-origin' };
      }
      let activation: Activation;
      try {
        activation = await client.getActivation(msg.activationId, msg.token);
      } catch (e) {
        return { ok: false, reason: e instanceof ApiError ? 'not-confirmed' : 'unreachable' };
      }
      if (activation.id !== msg.activationId) return { ok: false, reason: 'not-confirmed' };
      if (Date.parse(activation.expiresAt) <= now()) return { ok: false, reason: 'expired' };
      // A landing page can be reached with any activation's token (the page is the API's, but the
      // link to it is not): only one the API says is proved may stand in for the marketplace.
      if (!isProved(activation)) return { ok: false, reason: 'not-proved' };
      const ref = { id: activation.id, token: msg.token, activation, syncedAt: now(), apiBaseUrl: baseUrl };
      const current = await activationStore.get();
      // The same purchase not proved yet (the buyer went to Login Directly from the prove step)
      // loses nothing by being replaced: only another one in progress is asked about.
      const samePurchase = current && !isProved(current.activation) &&
        current.activation.accountId === activation.accountId && current.activation.instanceId === activation.instanceId;
      if (current && current.id !== activation.id && !samePurchase && inProgress(current, baseUrl, now())) {
        // Another activation is half done: the popup asks before replacing it, showing both.
        await activationStore.setOffer(ref);
      } else {
        await activationStore.set(ref);
        await activationStore.removeOffer();
      }
      try {
        await deps.openPopup();
        return { ok: true, activation, popup: 'opened' };
      } catch {
        await deps.notify().catch(() => undefined);
        return { ok: true, activation, popup: 'badge' };
      }
    },
  };
}

/** The part of `browser.scripting` the landing script needs (injected so tests can hold a fake). */
export interface ScriptingLike {
  getRegisteredContentScripts(filter?: { ids?: string[] }): Promise<{ id: string; matches?: string[] }[]>;
  registerContentScripts(scripts: { id: string; js: string[]; matches: string[]; runAt?: 'document_idle'; persistAcrossSessions?: boolean }[]): Promise<unknown>;
  unregisterContentScripts(filter?: { ids?: string[] }): Promise<unknown>;
}

const LANDING_SCRIPT_FILE = 'content-scripts/landing.js';
export const LANDING_SCRIPT_ID = 'guance-landing';

/**
 * Match patterns for the landing page of the configured API: its origin, and its path prefix when
 * the API is configured under one (PUBLIC_URL may sit behind a reverse proxy's sub-path). Ports
 * are kept, so only that exact API matches.
 */
export function landingMatches(apiBaseUrl: string): string[] {
  let u: URL;
  try {
    u = new URL(apiBaseUrl);
  } catch {
    return [];
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return [];
  const prefix = u.pathname.replace(/\/+$/, '');
  const out = [`${u.origin}${LANDING_PATH}*`];
  if (prefix) out.push(`${u.origin}${prefix}${LANDING_PATH}*`);
  return out;
}

/** Same list, order aside. */
export function sameMatches(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
}


/**
 * Registers the landing content script for exactly the configured API's landing page, replacing a
 * registration for a previous address. Registrations persist across browser restarts, so a
 * service worker that wakes up finds its own and keeps it when nothing changed.
 */
export async function syncLandingScript(scripting: ScriptingLike, apiBaseUrl: string): Promise<'kept' | 'registered' | 'removed'> {
  const wanted = landingMatches(apiBaseUrl);
  const current = (await scripting.getRegisteredContentScripts({ ids: [LANDING_SCRIPT_ID] })).find((s) => s.id === LANDING_SCRIPT_ID);
  if (current && sameMatches(current.matches ?? [], wanted)) return 'kept';
  if (current) await scripting.unregisterContentScripts({ ids: [LANDING_SCRIPT_ID] });
  if (wanted.length === 0) return 'removed';
  await scripting.registerContentScripts([
    { id: LANDING_SCRIPT_ID, js: [LANDING_SCRIPT_FILE], matches: wanted, runAt: 'document_idle', persistAcrossSessions: true },
  ]);
  return 'registered';
}

export const freeLogin: BackgroundFeature = {
  id: 'free-login',
  register(_hub, router) {
    const scripting = browser.scripting as unknown as ScriptingLike | undefined;
    // Address changes arrive one after another; registrations must not interleave.
    let queue: Promise<unknown> = Promise.resolve();
    const sync = (url: string) => {
      if (!scripting?.registerContentScripts) return;
      queue = queue.then(() => syncLandingScript(scripting, url)).catch((e: unknown) => console.warn('[landing] could not register the landing script', e));
    };
    void apiBaseUrl.getValue().then(sync);
    apiBaseUrl.watch((url) => sync(url ?? DEFAULT_API_BASE_URL));

    const action = browser.action ?? browser.browserAction;
    const confirm = createFreeLogin({
      client: configuredClient,
      openPopup: async () => {
        if (!action?.openPopup) throw new Error('openPopup is not available');
        await action.openPopup();
      },
      // No popup without a user gesture in most browsers: a badge on every tab until it is opened
      // (the popup clears it), and the popup then takes the activation up.
      notify: showLandingBadge,
    });
    // The router lets only a content script of ours, in a tab, send it.
    router.on('landing/open', (m, sender) => confirm.open(m, sender.url));
  },
};
