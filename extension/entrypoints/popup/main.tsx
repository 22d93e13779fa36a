// Thin: loads both string bundles and the language setting, then renders the wizard.
import { render } from 'preact';
import { browser } from 'wxt/browser';
import { loadBundles } from '../../lib/i18n';
import { uiLanguage } from '../../lib/storage';
import { App } from '../../popup/App';

const getURL = (p: string) => browser.runtime.getURL(p as '/');
const [bundles, setting] = await Promise.all([loadBundles(getURL), uiLanguage.getValue()]);
render(<App bundles={bundles} initialSetting={setting} />, document.getElementById('app')!);
