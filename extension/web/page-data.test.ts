// What the web wizard reads off the API's page: the landing markers (checked, and only for this
// origin), the fragment's token, or a refused free login's outcome; the pages the API renders.
import { describe, expect, test } from 'vitest';
import { Window } from 'happy-dom';
import { landingMarkers, type LandingData } from '../../api/marketplace/landing';
import { freeLoginOutcomeBlock } from '../../api/marketplace/free-login-page';
import { readPageData, tokenOf } from './page-data';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const TOKEN = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcd';
const data = (over: Partial<LandingData> = {}): LandingData => ({
  version: 1, activationId: 'act_01', accountId: '1234567890123456', instanceId: '8080', site: 'cn1', verified: true, proof: 'marketplace',
  expiresAt: '2030-01-01T00:00:00.000Z', apiOrigin: 'https://api.example.com', ...over,
});
function doc(head: string): Document {
  const win = new Window();
  win.document.write(`<!doctype html><html><head>${head}</head><body></body></html>`);
  return win.document as unknown as Document;
}
const at = (pathname: string, hash = '') => ({ origin: 'https://api.example.com', pathname, hash });

describe('page data', () => {
  test('a landing page: its activation, and the token of the fragment', () => {
    expect(readPageData(doc(landingMarkers(data())), at('/activate/landing', `#token=${TOKEN}`), NOW)).toEqual({
      kind: 'landing', token: TOKEN, landing: { activationId: 'act_01', accountId: '1234567890123456', instanceId: '8080', expiresAt: '2030-01-01T00:00:00.000Z' },
    });
    expect(readPageData(doc(landingMarkers(data())), at('/activate/landing'), NOW)).toMatchObject({ kind: 'landing', token: null });
  });

  test('an expired landing page is the expired-link advice', () => {
    expect(readPageData(doc(landingMarkers(data({ expiresAt: '2026-05-31T23:59:59.000Z' }))), at('/activate/landing', `#token=${TOKEN}`), NOW))
      .toMatchObject({ kind: 'failure', outcome: { failure: 'link-expired', remedy: 'login-again' } });
  });

  test('markers naming another API, or malformed, are not followed', () => {
    expect(readPageData(doc(landingMarkers(data({ apiOrigin: 'https://evil.example' }))), at('/activate/landing', `#token=${TOKEN}`), NOW)).toEqual({ kind: 'unknown-landing' });
    expect(readPageData(doc(landingMarkers(data({ accountId: '12' }))), at('/activate/landing'), NOW)).toEqual({ kind: 'unknown-landing' });
    expect(readPageData(doc('<script type="application/json" id="guance-activator-landing">{oops</script>'), at('/activate/'), NOW)).toEqual({ kind: 'start' });
    expect(tokenOf('#token=<script>')).toBeNull();
    expect(tokenOf('#token=short')).toBeNull();
  });

  test('a refused free login: the outcome, without anything unknown', () => {
    const outcome = { ok: false as const, failure: 'link-replayed' as const, remedy: 'login-again' as const, code: 'TOKEN_REPLAYED', status: 409 };
    expect(readPageData(doc(freeLoginOutcomeBlock(outcome)), at('/marketplace/aliyun'), NOW)).toEqual({ kind: 'failure', outcome });
    const odd = { ...outcome, failure: 'made-up' };
    expect(readPageData(doc(freeLoginOutcomeBlock(odd as never)), at('/marketplace/aliyun'), NOW)).toEqual({ kind: 'start' });
  });

  test('/activate with no data starts from the IDs', () => {
    expect(readPageData(doc(''), at('/activate/'), NOW)).toEqual({ kind: 'start' });
  });
});
