// The page a browser gets when a free login is refused: the outcome's words in both languages
// (the buyer's first), from the extension's message bundles so the popup, the web wizard and this
// page say the same thing; the outcome itself as JSON for the web wizard; no script, no raw codes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { html } from 'hono/html';
import {
  FREE_LOGIN_OUTCOME_ID, GUANCE_MARKET_URL, PURCHASED_SERVICES_URL, freeLoginMessageKeys, type FreeLoginFailed,
} from '../../shared/free-login';
import { apiPage, scriptSafeJson } from './landing';

/** The message bundles of the extension (and of the web wizard, which reuses them). */
export const LOCALES_DIR = join(import.meta.dirname, '../../extension/public/_locales');

type Bundle = Record<string, { message: string }>;
const load = (lang: string): Bundle => JSON.parse(readFileSync(join(LOCALES_DIR, lang, 'messages.json'), 'utf8')) as Bundle;
const BUNDLES = { en: load('en'), zh: load('zh_CN') };
export type PageLang = keyof typeof BUNDLES;

/** The buyer's language from Accept-Language: Chinese when it comes before English, else English. */
export function pageLang(acceptLanguage: string | undefined): PageLang {
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.split(';')[0]!.trim().toLowerCase();
    if (tag.startsWith('zh')) return 'zh';
    if (tag.startsWith('en')) return 'en';
  }
  return 'zh';
}

/** A message of the bundle; a missing key is a bug the i18n tests catch, shown as the key meanwhile. */
export function message(lang: PageLang, key: string): string {
  return BUNDLES[lang][key]?.message ?? key;
}

/** The outcome as a data block, for this page and for the web wizard's. */
export function freeLoginOutcomeBlock(o: FreeLoginFailed): string {
  return `<script type="application/json" id="${FREE_LOGIN_OUTCOME_ID}">${scriptSafeJson(o)}</script>`;
}

export function renderFreeLoginFailure(o: FreeLoginFailed, lang: PageLang): string {
  const keys = freeLoginMessageKeys(o.failure);
  const other: PageLang = lang === 'zh' ? 'en' : 'zh';
  const href = o.remedy === 'buy-again' ? GUANCE_MARKET_URL : PURCHASED_SERVICES_URL;
  const remedyKey = `free_login_remedy_${o.remedy.replace(/-/g, '_')}`;
  const body = html`<body>
<main>
<h1 class="expired">${message(lang, keys.title)}</h1>
<p>${message(lang, keys.advice)}</p>
<p><a href="${href}" rel="noreferrer">${message(lang, remedyKey)}</a></p>
<h2 class="lang" lang="${other === 'zh' ? 'zh-CN' : 'en'}">${message(other, keys.title)}</h2>
<p class="lang" lang="${other === 'zh' ? 'zh-CN' : 'en'}">${message(other, keys.advice)}</p>
</main>
</body>`;
  return apiPage({ lang: lang === 'zh' ? 'zh-CN' : 'en', title: `${message(lang, keys.title)} · Guance Activator`, head: freeLoginOutcomeBlock(o), body });
}
