// Thin: loads the string bundles and settings, then renders the options form.
import { render } from 'preact';
import { browser } from 'wxt/browser';
import { loadBundles } from '../../lib/i18n';
import { apiBaseUrl, uiLanguage } from '../../lib/storage';
import { Options } from '../../options/Options';

const getURL = (p: string) => browser.runtime.getURL(p as '/');
const [bundles, setting, url] = await Promise.all([loadBundles(getURL), uiLanguage.getValue(), apiBaseUrl.getValue()]);
render(<Options bundles={bundles} initialSetting={setting} initialUrl={url} />, document.getElementById('app')!);
