// The options page: the API's address, the interface language, and clearing what the extension
// remembers (wizard progress, activation, detected IDs).
import { useMemo, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { checkApiAddress, manifestHostPatterns, originPattern } from '../lib/api-address';
import { createTranslate, htmlLang, resolveLang, type Bundles } from '../lib/i18n';
import { apiBaseUrl, uiLanguage, type UiLanguageSetting } from '../lib/storage';
import { forgetWizard } from '../popup/draft-store';

export function Options({ bundles, initialSetting, initialUrl }: { bundles: Bundles; initialSetting: UiLanguageSetting; initialUrl: string }) {
  const [setting, setSetting] = useState(initialSetting);
  const [url, setUrl] = useState(initialUrl);
  const [urlError, setUrlError] = useState('');
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const lang = resolveLang(setting, browser.i18n.getUILanguage());
  const t = useMemo(() => createTranslate(bundles, lang), [bundles, lang]);
  document.documentElement.lang = htmlLang(lang);
  document.title = t('options_title');

  async function save(e: Event) {
    e.preventDefault();
    if (busy) return;
    setStatus('');
    const c = checkApiAddress(url, manifestHostPatterns(browser.runtime.getManifest()));
    if (!c.ok) {
      setUrlError(t(c.reason === 'https' ? 'options_api_url_https' : 'options_api_url_invalid'));
      document.getElementById('apiBaseUrl')?.focus();
      return;
    }
    setBusy(true);
    try {
      // permissions.request must run in the click's user gesture: it is the first await here. It
      // rejects (rather than answering false) when the origin is outside what the manifest lets us
      // ask for; say so instead of leaving an unhandled rejection and a silent form.
      if (c.needsPermission) {
        const answer = await browser.permissions.request({ origins: [originPattern(c.origin)] }).then(
          (granted) => ({ granted, failure: null }),
          (e: unknown) => ({ granted: false, failure: e instanceof Error ? e.message : String(e) }),
        );
        if (!answer.granted) {
          setUrlError(answer.failure === null ? t('options_permission_denied', c.origin) : t('options_permission_failed', c.origin, answer.failure));
          document.getElementById('apiBaseUrl')?.focus();
          return;
        }
      }
      setUrlError('');
      await Promise.all([apiBaseUrl.setValue(c.url), uiLanguage.setValue(setting)]);
      setUrl(c.url);
      setStatus(t('options_saved'));
    } finally {
      setBusy(false);
    }
  }

  async function clear() {
    await forgetWizard();
    await browser.runtime.sendMessage({ type: 'detections/clear' }).catch(() => undefined);
    setStatus(t('options_cleared'));
  }

  return (
    <main>
      <h1>{t('options_title')}</h1>
      <form onSubmit={(e) => void save(e)} noValidate>
        <div class="field">
          <label for="apiBaseUrl">{t('options_api_url')}</label>
          <input
            id="apiBaseUrl"
            name="apiBaseUrl"
            type="url"
            value={url}
            aria-invalid={urlError ? 'true' : undefined}
            aria-describedby="apiBaseUrl-hint apiBaseUrl-error"
            onInput={(e) => setUrl((e.currentTarget as HTMLInputElement).value)}
          />
          <p id="apiBaseUrl-hint" class="hint">
            {t('options_api_url_hint')}
          </p>
          <p id="apiBaseUrl-error" class="field-error" role={urlError ? 'alert' : undefined}>
            {urlError}
          </p>
        </div>
        <div class="field">
          <label for="uiLanguage">{t('options_language')}</label>
          <select id="uiLanguage" name="uiLanguage" value={setting} onChange={(e) => setSetting((e.currentTarget as HTMLSelectElement).value as UiLanguageSetting)}>
            <option value="auto">{t('common_lang_auto')}</option>
            <option value="en">{t('common_lang_en')}</option>
            <option value="zh_CN">{t('common_lang_zh_CN')}</option>
          </select>
        </div>
        <div class="actions">
          <button type="submit" name="save" class="primary" disabled={busy}>
            {t('common_save')}
          </button>
        </div>
      </form>
      <h2>{t('options_clear')}</h2>
      <p class="hint">{t('options_clear_hint')}</p>
      <div class="actions">
        <button type="button" name="clear" class="secondary" onClick={() => void clear()}>
          {t('options_clear')}
        </button>
      </div>
      <p role="status" aria-live="polite" class="saved" id="options-status">
        {status}
      </p>
    </main>
  );
}
