// Free login, background half: the landing page's content script hands over an activation id and
// token; we believe neither until the API confirms them with that token, and only from a tab on
// the configured API origin. Then the activation becomes the wizard's current one and the popup
// opens on it (or the toolbar badge says it is waiting, when the browser refuses to open it). The
// popup sees that the activation is another one than its draft's and starts over on it.
import type { FreeLoginResult, Message } from '../../shared/protocol';
import type { Activation } from '../../shared/schemas';
import { originOf } from '../../shared/origin';
import { LANDING_PATH, LANDING_SCRIPT_ID, landingMatches, sameMatches } from '../content/landing/landing';
import { activationStore, type ActivationRef } from './activation-store';
import { ApiError, type ApiClient } from './api-client';

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

export const LANDING_SCRIPT_FILE = 'content-scripts/landing.js';

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
