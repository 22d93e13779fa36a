// All interface strings come from the extension's _locales. `browser.i18n.getMessage` only knows
// the browser's language, and the popup can switch language at run time, so both bundles are
// loaded and the one to use is picked by setting (default: the browser's UI language).
import type { UiLanguageSetting } from './storage';

export type UiLang = 'en' | 'zh_CN';

export interface MessageEntry {
  message: string;
  description?: string;
  placeholders?: Record<string, { content: string; example?: string }>;
}
export type Bundle = Record<string, MessageEntry>;
export type Bundles = Record<UiLang, Bundle>;
export type Translate = (key: string, ...subs: string[]) => string;

/** zh, zh-CN, zh-Hans-CN, zh-TW… → Chinese; anything else → English. */
export function resolveLang(setting: UiLanguageSetting, browserLanguage: string): UiLang {
  if (setting !== 'auto') return setting;
  return /^zh\b/i.test(browserLanguage) ? 'zh_CN' : 'en';
}

/** Chrome's substitution rules: `$NAME$` → its placeholder's content, `$1`..`$9` → substitutions, `$$` → `$`. */
export function format(entry: MessageEntry, subs: readonly string[]): string {
  const withPlaceholders = entry.message.replace(/\$([A-Za-z0-9_@]+)\$/g, (whole, name: string) => {
    const ph = entry.placeholders?.[name.toLowerCase()];
    return ph ? ph.content : whole;
  });
  return withPlaceholders.replace(/\$(\$|[1-9])/g, (_, d: string) => (d === '$' ? '$' : (subs[Number(d) - 1] ?? '')));
}

export function createTranslate(bundles: Partial<Bundles>, lang: UiLang): Translate {
  const primary = bundles[lang] ?? {};
  const fallback = bundles.en ?? {};
  return (key, ...subs) => {
    const entry = primary[key] ?? fallback[key];
    return entry ? format(entry, subs) : key;
  };
}

/** The two bundles as shipped in the built extension (fetched, so they do not weigh on the popup's JS). */
export async function loadBundles(getURL: (path: string) => string): Promise<Bundles> {
  const load = async (l: UiLang): Promise<Bundle> => {
    const res = await fetch(getURL(`/_locales/${l}/messages.json`));
    return (await res.json()) as Bundle;
  };
  const [en, zh_CN] = await Promise.all([load('en'), load('zh_CN')]);
  return { en, zh_CN };
}

/** The HTML `lang` attribute for a UI language. */
export const htmlLang = (l: UiLang): string => (l === 'zh_CN' ? 'zh-CN' : 'en');
