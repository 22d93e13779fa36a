// The popup: header with the interface language switch, then the wizard wired to the background
// (its transport), extension storage (the draft) and the detections.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import type { DetectionSnapshot } from '../../shared/detections';
import { createTranslate, htmlLang, resolveLang, type Bundles, type UiLang } from '../lib/i18n';
import { send } from '../lib/messaging';
import { uiLanguage, type UiLanguageSetting } from '../lib/storage';
import { draftStore, secretStore } from './draft-store';
import { extensionTransport } from './extension-transport';
import type { WizardEnv } from './model/transport';
import { Wizard } from './view/Wizard';
import { I18n } from './view/ui';
import { orderInstances, preferredInstance } from './model/detected';
import { clearLandingBadge } from '../lib/landing-badge';

export function App({ bundles, initialSetting }: { bundles: Bundles; initialSetting: UiLanguageSetting }) {
  const [setting, setSetting] = useState(initialSetting);
  const [snapshot, setSnapshot] = useState<DetectionSnapshot | null>(null);
  const lang: UiLang = resolveLang(setting, browser.i18n.getUILanguage());
  const t = useMemo(() => createTranslate(bundles, lang), [bundles, lang]);

  useEffect(() => uiLanguage.watch((v) => setSetting(v)), []);
  // Opening the popup is what the free-login badge asked for.
  useEffect(() => void clearLandingBadge(), []);
  useEffect(() => {
    document.documentElement.lang = htmlLang(lang);
    document.title = t('extName');
  }, [lang]);

  const env = useMemo<WizardEnv>(
    () => ({
      transport: extensionTransport,
      drafts: draftStore,
      secrets: secretStore,
      async detections() {
        const snap = await send({ type: 'detections/get' }).catch(() => undefined);
        if (!snap || typeof snap !== 'object' || !Array.isArray(snap.instances)) return null;
        setSnapshot(snap);
        return {
          accountId: snap.account?.accountId ?? null,
          instanceIds: orderInstances(snap.instances),
          preferredInstanceId: preferredInstance(snap.instances),
        };
      },
      open: (url) => void browser.tabs.create({ url }),
    }),
    [],
  );

  const other: UiLang = lang === 'zh_CN' ? 'en' : 'zh_CN';
  return (
    <I18n.Provider value={t}>
      <header class="top">
        <h1>{t('extName')}</h1>
        <span class="top-links">
          {/* The name is the visible text (the other language, in that language, so speech and voice
              control match what is shown); what the button does is its description. */}
          <button
            type="button"
            name="uiLanguage"
            class="link"
            lang={htmlLang(other)}
            aria-describedby="uiLanguage-hint"
            onClick={() => void uiLanguage.setValue(other)}
          >
            {t(`common_lang_${other}`)}
          </button>
          <span id="uiLanguage-hint" hidden>
            {t('common_switch_language')}
          </span>
          {/* Errors mention the options (the API address): the way there. */}
          <button type="button" name="openOptions" class="link" title={t('common_open_settings')} onClick={() => void browser.runtime.openOptionsPage()}>
            {t('common_settings')}
          </button>
        </span>
      </header>
      <main>
        <Wizard env={env} lang={lang} snapshot={snapshot} />
      </main>
    </I18n.Provider>
  );
}
