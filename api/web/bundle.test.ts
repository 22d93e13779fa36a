import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FREE_LOGIN_OUTCOME_ID } from '../../shared/free-login';
import { LANDING_DATA_ID, LANDING_META_NAME } from '../marketplace/landing';
import { formatBeijingTime } from '../marketplace/free-login';
import { signSpiParams } from '../marketplace/signature';
import { SPI_KEY, setup } from '../test-support';
import { loadWebBundle, WEB_CSP } from './bundle';

const INDEX = `<!doctype html><html><head><meta charset="utf-8"><title>Guance</title>
<script type="module" src="/activate/assets/app-1a2b.js"></script><link rel="stylesheet" href="/activate/assets/app-1a2b.css"></head>
<body><div id="app"></div></body></html>`;

function bundleDir() {
  const dir = mkdtempSync(join(tmpdir(), 'web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets', 'app-1a2b.js'), 'console.log("wizard")');
  writeFileSync(join(dir, 'assets', 'app-1a2b.css'), 'body{margin:0}');
  writeFileSync(join(dir, 'assets', 'notes.env'), 'SECRET=1');
  writeFileSync(join(dir, 'secret.txt'), 'outside assets');
  return dir;
}

/** Every <script> on a page either loads a file of this origin or is a JSON data block. */
const onlyDataOrOwnScripts = (page: string) =>
  [...page.matchAll(/<script\b([^>]*)>/g)].every(([, attrs]) => /type="application\/json"/.test(attrs!) || /src="\/activate\/assets\//.test(attrs!));

describe('web wizard bundle', () => {
  it('is the landing page when built: same markers, strict policy, no inline script', async () => {
    const s = setup({ web: loadWebBundle(bundleDir()) });
    await s.createInstance('1234567890123456', '7201');
    const act = await s.freeLogin('7201');
    const res = await s.app.request(`/activate/landing?activation=${act.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Security-Policy')).toBe(WEB_CSP);
    expect(WEB_CSP).toMatch(/script-src 'self';/);
    expect(WEB_CSP).not.toMatch(/unsafe/);
    const page = await res.text();
    expect(page).toContain('<div id="app"></div>');
    expect(page).toContain(`<meta name="${LANDING_META_NAME}" content="${act.id}">`);
    const data = JSON.parse(new RegExp(`id="${LANDING_DATA_ID}">(.*?)</script>`).exec(page)![1]!);
    expect(data).toMatchObject({ version: 1, activationId: act.id, instanceId: '7201', verified: true });
    expect(page.indexOf(LANDING_DATA_ID)).toBeLessThan(page.indexOf('</head>'));
    expect(onlyDataOrOwnScripts(page)).toBe(true);
    // The token is never in the page: it stays in the URL fragment.
    expect(page).not.toContain(act.token);

    const missing = await s.app.request('/activate/landing?activation=act_nope');
    expect(missing.status).toBe(404);
    expect(await missing.text()).not.toContain(LANDING_DATA_ID);
    const start = await s.app.request('/activate');
    expect([start.status, start.headers.get('Content-Security-Policy')]).toEqual([200, WEB_CSP]);
  });

  it('serves its assets and nothing else', async () => {
    const s = setup({ web: loadWebBundle(bundleDir()) });
    const js = await s.app.request('/activate/assets/app-1a2b.js');
    expect([js.status, js.headers.get('Content-Type'), await js.text()]).toEqual([200, 'text/javascript; charset=utf-8', 'console.log("wizard")']);
    expect(js.headers.get('Cache-Control')).toMatch(/immutable/);
    expect((await s.app.request('/activate/assets/app-1a2b.css')).headers.get('Content-Type')).toMatch(/text\/css/);
    for (const path of ['/activate/assets/notes.env', '/activate/assets/../secret.txt', '/activate/assets/%2e%2e/secret.txt',
      '/activate/assets/..%2fsecret.txt', '/activate/assets/.hidden.js', '/activate/assets/missing.js', '/activate/assets/']) {
      const r = await s.app.request(path);
      expect(r.status, path).toBe(404);
      expect(await r.text(), path).not.toContain('outside assets');
    }
  });

  it('renders a refused free login with its outcome as data', async () => {
    const s = setup({ web: loadWebBundle(bundleDir()) });
    await s.createInstance('1234567890123456', '7202');
    const q = new URLSearchParams(signSpiParams({ action: 'verify', instanceId: '7202', timeStamp: formatBeijingTime(s.clock.now()) }, SPI_KEY));
    expect((await s.app.request(`/marketplace/aliyun?${q}`)).status).toBe(302);
    const replay = await s.app.request(`/marketplace/aliyun?${q}`, { headers: { Accept: 'text/html' } });
    expect([replay.status, replay.headers.get('Content-Security-Policy')]).toEqual([409, WEB_CSP]);
    const page = await replay.text();
    expect(page).toContain('<div id="app"></div>');
    expect(JSON.parse(new RegExp(`id="${FREE_LOGIN_OUTCOME_ID}">(.*?)</script>`).exec(page)![1]!))
      .toMatchObject({ ok: false, failure: 'link-replayed' });
    expect(onlyDataOrOwnScripts(page)).toBe(true);
  });

  it('without a bundle: the API\'s own pages, and /activate says the wizard is not built', async () => {
    expect(loadWebBundle(join(tmpdir(), 'no-such-web-bundle'))).toBeUndefined();
    const bad = mkdtempSync(join(tmpdir(), 'web-'));
    writeFileSync(join(bad, 'index.html'), '<p>no head</p>');
    expect(() => loadWebBundle(bad)).toThrow(/<\/head>/);
    const s = setup();
    expect(await (await s.app.request('/activate')).json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect((await s.app.request('/activate/assets/app.js')).status).toBe(404);
  });
});
