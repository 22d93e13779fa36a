import { describe, expect, test } from 'vitest';
import { renderLandingPage, type LandingData as ApiLandingData } from '../../../api/marketplace/landing';
import { addressWithoutToken, collectLanding, decideLanding, readLandingPage, type LandingRecord } from './landing';
import { LANDING_TAKEN_ATTRIBUTE } from '../../../shared/free-login-pages';

const NOW = Date.parse('2026-01-15T08:00:00Z');
const TOKEN = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcd';
const data = (over: Partial<ApiLandingData> = {}): ApiLandingData => ({
  version: 1, activationId: 'act_0123abcd', accountId: '1234567890123456', instanceId: '8080', site: 'cn1',
  verified: true, expiresAt: '2026-01-16T08:00:00.000Z', apiOrigin: 'https://api.example.com', ...over,
});
const record = (over: Partial<LandingRecord> = {}, d: unknown = data()): LandingRecord => ({
  origin: 'https://api.example.com', pathname: '/activate/landing', hash: `#token=${TOKEN}`, dataText: JSON.stringify(d), ...over,
});

describe('reading the landing page', () => {
  test('the page the API renders is read back: marker 2 and the fragment token', () => {
    const doc = new DOMParser().parseFromString(renderLandingPage(data({ accountId: '1234567890123456' }), false), 'text/html');
    const r = collectLanding(doc, { origin: 'https://api.example.com', pathname: '/activate/landing', hash: `#token=${TOKEN}` });
    expect(decideLanding(r, NOW)).toMatchObject({ kind: 'open', activationId: 'act_0123abcd', token: TOKEN, data: { instanceId: '8080' } });
  });

  test('escaped markup inside the JSON still parses (the API \\u-escapes < > &)', () => {
    const doc = new DOMParser().parseFromString(renderLandingPage(data(), false), 'text/html');
    expect(doc.getElementById('guance-activator-landing')?.textContent).not.toContain('<');
  });

  test('refusals', () => {
    expect(decideLanding(record({ pathname: '/other' }), NOW)).toEqual({ kind: 'ignore', reason: 'not-landing' });
    expect(decideLanding(record({ dataText: null }), NOW)).toEqual({ kind: 'ignore', reason: 'not-landing' });
    expect(decideLanding(record({ dataText: '{not json' }), NOW)).toEqual({ kind: 'ignore', reason: 'bad-data' });
    expect(decideLanding(record({}, { ...data(), version: 2 }), NOW)).toEqual({ kind: 'ignore', reason: 'unknown-version' });
    expect(decideLanding(record({}, { ...data(), accountId: '12' }), NOW)).toEqual({ kind: 'ignore', reason: 'bad-data' });
    expect(decideLanding(record({}, { ...data(), site: 'mars' }), NOW)).toEqual({ kind: 'ignore', reason: 'bad-data' });
    expect(decideLanding(record({}, data({ apiOrigin: 'https://evil.example' })), NOW)).toEqual({ kind: 'ignore', reason: 'wrong-origin' });
    expect(decideLanding(record({ origin: 'http://api.example.com' }), NOW)).toEqual({ kind: 'ignore', reason: 'wrong-origin' });
    expect(decideLanding(record({ hash: '' }), NOW)).toEqual({ kind: 'ignore', reason: 'no-token' });
    expect(decideLanding(record({ hash: '#token=<script>' }), NOW)).toEqual({ kind: 'ignore', reason: 'no-token' });
    expect(decideLanding(record(), Date.parse('2026-01-16T08:00:00.000Z'))).toEqual({ kind: 'ignore', reason: 'expired' });
  });

  test('unknown extra fields are tolerated', () => {
    expect(decideLanding(record({}, { ...data(), future: 'x' }), NOW).kind).toBe('open');
  });

  test('the address without the token keeps the path and query', () => {
    expect(addressWithoutToken({ pathname: '/activate/landing', search: '?activation=act_1' })).toBe('/activate/landing?activation=act_1');
  });
});

describe('telling the page the extension took it up', () => {
  const page = () => new DOMParser().parseFromString(renderLandingPage(data(), false), 'text/html');
  const env = (doc: Document, reply: unknown) => ({
    document: doc,
    location: { origin: 'https://api.example.com', pathname: '/activate/landing', search: '?activation=act_0123abcd', hash: `#token=${TOKEN}` },
    history: { replaceState: () => {} },
    send: async () => reply,
    now: () => NOW,
  });

  test('marks <html> once the background has the activation (popup opened or badge), never before', async () => {
    for (const popup of ['opened', 'badge'] as const) {
      const doc = page();
      readLandingPage(env(doc, { ok: true, popup, activation: {} }));
      expect(doc.documentElement.hasAttribute(LANDING_TAKEN_ATTRIBUTE)).toBe(false);
      await new Promise((r) => setTimeout(r, 0));
      expect(doc.documentElement.getAttribute(LANDING_TAKEN_ATTRIBUTE)).toBe(popup);
    }
  });

  test('a refusal or a background that cannot answer leaves the page to the web wizard', async () => {
    for (const reply of [{ ok: false, reason: 'not-confirmed' }, undefined]) {
      const doc = page();
      readLandingPage(env(doc, reply));
      await new Promise((r) => setTimeout(r, 0));
      expect(doc.documentElement.hasAttribute(LANDING_TAKEN_ATTRIBUTE)).toBe(false);
    }
  });
});
