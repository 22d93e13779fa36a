// Thin: the web wizard's entry (built by vite.web.config.ts into dist/web, served by the API under
// /activate/). Reads the page's data and the fragment's token, keeps the token in the tab's
// sessionStorage, drops it from the address bar, and renders the page.
import { render } from 'preact';
import en from '../public/_locales/en/messages.json';
import zh from '../public/_locales/zh_CN/messages.json';
import { LANDING_TAKEN_ATTRIBUTE } from '../../shared/free-login-pages';
import type { Bundles } from '../lib/i18n';
import '../popup/view/popup.css';
import './web.css';
import { WebApp } from './App';
import { createHttpTransport, holdToken } from './http-transport';
import { readPageData } from './page-data';
import { sessionDrafts } from './session-drafts';

const page = readPageData(document, location, Date.now());
// `/activate/landing` or `/activate`: the API's base is the part before it (a reverse proxy's sub-path).
const prefix = location.pathname.replace(/\/activate(\/.*)?$/, '');

if (page.kind === 'landing' && page.token) holdToken(sessionStorage, page.landing.activationId, page.token);

/**
 * The extension's landing script reads the token from the fragment at document_idle (by the load
 * event at the latest) and drops it; without the extension, this page drops it a moment later.
 */
function dropTokenFromAddress() {
  const drop = () => {
    if (location.hash) history.replaceState(history.state, '', location.pathname + location.search);
  };
  const later = () => setTimeout(drop, 1000);
  if (document.readyState === 'complete') later();
  else addEventListener('load', later, { once: true });
}
if (location.hash) dropTokenFromAddress();

const html = document.documentElement;
render(
  <WebApp
    bundles={{ en, zh_CN: zh } as Bundles}
    page={page}
    env={{
      transport: createHttpTransport({
        base: `${prefix}/api/v1`,
        storage: sessionStorage,
        signInRedirectUri: `${location.origin}${prefix}/activate/alibaba-sign-in/callback`,
        navigate: (url) => location.assign(url),
      }),
      drafts: sessionDrafts(sessionStorage),
      open: (url) => location.assign(url),
    }}
    settings={localStorage}
    browserLanguage={navigator.language}
    watchTaken={(onTaken, signal) => {
      const obs = new MutationObserver(() => html.hasAttribute(LANDING_TAKEN_ATTRIBUTE) && onTaken());
      obs.observe(html, { attributes: true, attributeFilter: [LANDING_TAKEN_ATTRIBUTE] });
      signal.addEventListener('abort', () => obs.disconnect(), { once: true });
      return html.hasAttribute(LANDING_TAKEN_ATTRIBUTE);
    }}
    startHref={`${prefix}/activate`}
  />,
  document.getElementById('app')!,
);
