// The web wizard's page: the popup's header and language switch, then what the API's page data
// says: a refused free login (its advice in the buyer's language, the other one below), an
// unknown landing address, or the wizard itself, the same model and steps as the popup, talking
// to the API over HTTP. When the extension took the activation up, the page offers its popup.
import type { ComponentChild } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { FreeLoginFailed } from '../../shared/free-login';
import { freeLoginMessageKeys, GUANCE_MARKET_URL, PURCHASED_SERVICES_URL } from '../../shared/free-login-pages';
import { createTranslate, htmlLang, resolveLang, type Bundles, type Translate, type UiLang } from '../lib/i18n';
import type { UiLanguageSetting } from '../lib/storage';
import type { WizardEnv } from '../popup/model/transport';
import { I18n, useT } from '../popup/view/ui';
import { Wizard } from '../popup/view/Wizard';
import type { PageData } from './page-data';

/** The interface language chosen with the switch (not secret; the tab's origin only). */
export const LANG_KEY = 'guance-activator.lang';

export interface WebAppProps {
  bundles: Bundles;
  page: PageData;
  env: WizardEnv;
  settings: Pick<Storage, 'getItem' | 'setItem'>;
  browserLanguage: string;
  /** Whether the extension has marked the page as taken up (and tells when it does). */
  watchTaken: (onTaken: () => void, signal: AbortSignal) => boolean;
  /** Where "start from your IDs" goes. */
  startHref: string;
}

export function WebApp(props: WebAppProps) {
  const [setting, setSetting] = useState<UiLanguageSetting>(() => {
    const v = props.settings.getItem(LANG_KEY);
    return v === 'en' || v === 'zh_CN' ? v : 'auto';
  });
  const lang: UiLang = resolveLang(setting, props.browserLanguage);
  const t = useMemo(() => createTranslate(props.bundles, lang), [props.bundles, lang]);
  const [taken, setTaken] = useState(false);
  const [here, setHere] = useState(false);
  // A landing page's wizard stays hidden until the API has answered for its activation, so the
  // buyer never sees step 1 flash by on the way to their step.
  const [caughtUp, setCaughtUp] = useState(props.page.kind !== 'landing');
  const env = useMemo<WizardEnv>(() => ({
    ...props.env,
    transport: {
      async call(call, body) {
        const r = await props.env.transport.call(call, body);
        if (call === 'get-activation') setCaughtUp(true);
        return r;
      },
    },
  }), [props.env]);

  useEffect(() => {
    document.documentElement.lang = htmlLang(lang);
    document.title = `${t('web_title')} · ${t('extName')}`;
  }, [lang]);
  useEffect(() => {
    if (props.page.kind !== 'landing') return;
    const ac = new AbortController();
    if (props.watchTaken(() => setTaken(true), ac.signal)) setTaken(true);
    return () => ac.abort();
  }, []);

  const other: UiLang = lang === 'zh_CN' ? 'en' : 'zh_CN';
  const choose = (l: UiLang) => {
    props.settings.setItem(LANG_KEY, l);
    setSetting(l);
  };

  let body: ComponentChild;
  if (props.page.kind === 'failure') body = <FreeLoginFailure outcome={props.page.outcome} bundles={props.bundles} lang={lang} startHref={props.startHref} />;
  else if (props.page.kind === 'unknown-landing') body = <UnknownLanding startHref={props.startHref} />;
  else if (taken && !here) body = <TakenByExtension onContinue={() => setHere(true)} />;
  else {
    body = (
      <>
        {caughtUp ? null : <div class="wizard" aria-busy="true" data-testid="loading">{t('common_loading')}</div>}
        <div hidden={!caughtUp}>
          <Wizard env={env} lang={lang} />
        </div>
        {props.page.kind === 'landing' ? <p class="hint no-extension">{t('web_no_extension_needed')}</p> : null}
      </>
    );
  }

  return (
    <I18n.Provider value={t}>
      <header class="top">
        <h1>{t('web_title')}</h1>
        <button type="button" name="uiLanguage" class="link" lang={htmlLang(other)} aria-label={t('common_switch_language')} onClick={() => choose(other)}>
          {t(`common_lang_${other}`)}
        </button>
      </header>
      <main data-page={props.page.kind}>{body}</main>
    </I18n.Provider>
  );
}

function TakenByExtension({ onContinue }: { onContinue: () => void }) {
  const t = useT();
  return (
    <section class="step" data-testid="taken-by-extension">
      <p class="notice" role="status">{t('web_extension_took_over')}</p>
      <div class="actions">
        <button type="button" name="continueHere" class="secondary" onClick={onContinue}>{t('web_continue_here')}</button>
      </div>
    </section>
  );
}

/** A refused free login: what happened and what to do, in the buyer's language first, never a code. */
export function FreeLoginFailure({ outcome, bundles, lang, startHref }: { outcome: FreeLoginFailed; bundles: Bundles; lang: UiLang; startHref: string }) {
  const t = useT();
  const keys = freeLoginMessageKeys(outcome.failure);
  const otherLang: UiLang = lang === 'zh_CN' ? 'en' : 'zh_CN';
  const o: Translate = createTranslate(bundles, otherLang);
  const href = outcome.remedy === 'buy-again' ? GUANCE_MARKET_URL : PURCHASED_SERVICES_URL;
  return (
    <section class="step failure" aria-labelledby="step-title" data-failure={outcome.failure}>
      <h2 id="step-title" class="expired" tabIndex={-1}>{t(keys.title)}</h2>
      <p>{t(keys.advice)}</p>
      <div class="actions">
        {outcome.remedy === 'buy-again' ? null : <a class="button secondary" href={startHref}>{t('web_start_from_ids')}</a>}
        <a class="button primary" href={href} rel="noreferrer" data-action="remedy">{t(`free_login_remedy_${outcome.remedy.replace(/-/g, '_')}`)}</a>
      </div>
      <div class="other-lang" lang={htmlLang(otherLang)}>
        <h3>{o(keys.title)}</h3>
        <p>{o(keys.advice)}</p>
      </div>
    </section>
  );
}

function UnknownLanding({ startHref }: { startHref: string }) {
  const t = useT();
  return (
    <section class="step failure" aria-labelledby="step-title" data-failure="unknown-activation">
      <h2 id="step-title" tabIndex={-1}>{t('web_not_found_title')}</h2>
      <p>{t('web_not_found_advice')}</p>
      <div class="actions">
        <a class="button secondary" href={startHref}>{t('web_start_from_ids')}</a>
        <a class="button primary" href={PURCHASED_SERVICES_URL} rel="noreferrer" data-action="remedy">{t('free_login_remedy_login_again')}</a>
      </div>
    </section>
  );
}
