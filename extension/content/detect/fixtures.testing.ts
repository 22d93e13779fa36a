// Test support: loads an HTML fixture from test/fixtures/pages the way a content script would see
// it (inline scripts run against a stand-in window to get the page globals and cookies), and
// gives fakeBrowser the extension's real English messages.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { parsePageGlobals, readPageGlobals } from '../../../shared/page-globals';
import { format, type Bundle } from '../../lib/i18n';
import { collectPage, type PageRecords } from './collect';
import { pageKindOf } from './page-kind';

export const FIXTURES = resolve(import.meta.dirname, '../../../test/fixtures/pages');

export function fixtureHtml(name: string): string {
  return readFileSync(resolve(FIXTURES, name), 'utf8');
}

export interface LoadedFixture {
  doc: Document;
  cookie: string;
  globalsWindow: Record<string, unknown>;
  records(opts?: { cookie?: string }): PageRecords;
}

export function loadFixture(name: string, url: string): LoadedFixture {
  const doc = new DOMParser().parseFromString(fixtureHtml(name), 'text/html');
  const win: Record<string, unknown> = {};
  let cookie = '';
  const fakeDoc = {
    get cookie() {
      return cookie;
    },
    set cookie(v: string) {
      const pair = v.split(';')[0]!.trim();
      cookie = cookie ? `${cookie}; ${pair}` : pair;
    },
  };
  for (const s of doc.querySelectorAll('script:not([src])')) {
    new Function('window', 'document', s.textContent ?? '')(win, fakeDoc);
  }
  // Through the same check the background applies to what the main world answers.
  const globals = parsePageGlobals(readPageGlobals(win));
  return {
    doc,
    cookie,
    globalsWindow: win,
    records: (opts) =>
      collectPage(doc, { url, pageKind: pageKindOf(url), globals, cookie: opts?.cookie ?? cookie }),
  };
}

const enMessages = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../public/_locales/en/messages.json'), 'utf8'),
) as Bundle;

/** fakeBrowser has no i18n: answer from the shipped English messages, with Chrome's substitution rules. */
export function installMessages(): void {
  (fakeBrowser.i18n as { getMessage: unknown }).getMessage = (key: string, subs?: string | string[]) => {
    const entry = enMessages[key];
    return entry ? format(entry, subs === undefined ? [] : Array.isArray(subs) ? subs : [subs]) : '';
  };
}

/** Puts a fixture's body into the test document, without its scripts (tests run those themselves). */
export function mountFixture(name: string): void {
  const doc = new DOMParser().parseFromString(fixtureHtml(name), 'text/html');
  for (const s of doc.querySelectorAll('script')) s.remove();
  document.body.innerHTML = doc.body.innerHTML;
}
