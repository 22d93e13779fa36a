// Content-script half of free login, kept apart from the background half (background/features/landing-page.ts)
// so the script injected into the landing page carries no background code.
import { LANDING_TAKEN_ATTRIBUTE } from '../../../shared/free-login-pages';
import type { FreeLoginResult, Message } from '../../../shared/protocol';
import { addressWithoutToken, collectLanding, decideLanding } from './landing';

export interface LandingPageEnv {
  document: Document;
  location: Pick<Location, 'origin' | 'pathname' | 'search' | 'hash'>;
  history: Pick<History, 'replaceState'>;
  send: (m: Message<'landing/open'>) => Promise<unknown>;
  now: () => number;
}

/** Content-script half: one look at the page (the server rendered it whole; nothing arrives later). */
export function readLandingPage(env: LandingPageEnv): ReturnType<typeof decideLanding> {
  const decision = decideLanding(collectLanding(env.document, env.location), env.now());
  if (decision.kind === 'open') {
    const sent = env.send({ type: 'landing/open', activationId: decision.activationId, token: decision.token });
    // The web wizard on this page offers the popup once the background has the activation.
    void sent.then((reply) => {
      const r = reply as FreeLoginResult | undefined;
      if (r && typeof r === 'object' && r.ok === true) env.document.documentElement.setAttribute(LANDING_TAKEN_ATTRIBUTE, r.popup === 'opened' ? 'opened' : 'badge');
    }).catch(() => undefined);
  }
  // Whatever happens next, the token leaves the address bar and the history entry now.
  // (An expired token is worthless, but it still has no business in the history.)
  if (decision.kind === 'open' || decision.reason === 'expired') {
    env.history.replaceState(null, '', addressWithoutToken(env.location));
  }
  return decision;
}
