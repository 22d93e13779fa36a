import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { EXTENSION_ORIGINS } from '../../shared/extension-id';
import { clientAddress, withGuards } from './http';

function app(log: string[] = []) {
  const a = new Hono();
  a.post('/echo', async (c) => c.json({ size: (await c.req.text()).length }, 200));
  a.get('/spi', (c) => c.json({ ok: true }));
  a.get('/ip', (c) => c.text(clientAddress(c, Number(c.req.query('hops') ?? 0))));
  return withGuards(a, { allowedOrigins: ['https://admin.example.com'], publicUrl: 'http://127.0.0.1:8787', log: (l) => log.push(l) });
}

describe('http guards', () => {
  it('answers CORS only for the extension, configured and own origins, never a wildcard', async () => {
    for (const origin of [...EXTENSION_ORIGINS, 'https://admin.example.com', 'http://127.0.0.1:8787']) {
      const r = await app().request('/echo', {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,authorization' },
      });
      expect(r.headers.get('Access-Control-Allow-Origin')).toBe(origin);
      // The methods the API's routes answer, PATCH (change an activation's site) included.
      expect(r.headers.get('Access-Control-Allow-Methods')?.split(',')).toEqual(['GET', 'POST', 'PATCH', 'OPTIONS']);
    }
    for (const origin of ['https://evil.example', 'chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'null']) {
      const r = await app().request('/spi', { headers: { Origin: origin } });
      expect(r.headers.get('Access-Control-Allow-Origin')).toBeNull();
    }
  });

  it('refuses writes from an unknown web origin, before the handler runs', async () => {
    const r = await app().request('/echo', { method: 'POST', body: 'x', headers: { Origin: 'https://evil.example', 'Content-Type': 'text/plain' } });
    expect(r.status).toBe(403);
    expect(await r.json()).toMatchObject({ error: { code: 'ORIGIN_NOT_ALLOWED' } });
    const ok = await app().request('/echo', { method: 'POST', body: 'x', headers: { Origin: EXTENSION_ORIGINS[0]! } });
    expect(ok.status).toBe(200);
  });

  it('sets security headers and a request id on every answer, including a 404', async () => {
    for (const path of ['/spi', '/nowhere', '/api/v1/nowhere', '/api/v1/docs']) {
      const r = await app().request(path);
      expect(r.headers.get('X-Content-Type-Options')).toBe('nosniff');
      expect(r.headers.get('X-Frame-Options')).toBe('SAMEORIGIN');
      expect(r.headers.get('Content-Security-Policy')).toContain("default-src 'none'");
      expect(r.headers.get('Cross-Origin-Resource-Policy')).toBe('same-origin');
      expect(r.headers.get('Strict-Transport-Security')).toContain('max-age=');
      expect(r.headers.get('Cache-Control')).toBe('no-store');
      expect(r.headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/);
      // The headers only a rendered page acts on: everywhere but the JSON API.
      expect(r.headers.get('Referrer-Policy'), path).toBe(path === '/api/v1/nowhere' ? null : 'no-referrer');
      expect(r.headers.get('Cross-Origin-Opener-Policy'), path).toBe(path === '/api/v1/nowhere' ? null : 'same-origin');
    }
  });

  it('ignores a request id the client chose', async () => {
    const r = await app().request('/spi', { headers: { 'X-Request-Id': 'forged-id' } });
    expect(r.headers.get('X-Request-Id')).not.toBe('forged-id');
  });

  it('refuses bodies over 64 KB with 413 in the error shape, with or without Content-Length', async () => {
    const big = 'x'.repeat(64 * 1024 + 1);
    const r = await app().request('/echo', { method: 'POST', body: big });
    expect(r.status).toBe(413);
    expect(await r.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    const stream = new ReadableStream({
      start(ctl) {
        for (let i = 0; i < 70; i++) ctl.enqueue(new TextEncoder().encode('y'.repeat(1024)));
        ctl.close();
      },
    });
    const s = await app().request('/echo', { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    expect(s.status).toBe(413);
    const fits = await app().request('/echo', { method: 'POST', body: 'x'.repeat(64 * 1024) });
    expect(fits.status).toBe(200);
  });

  it('logs each request without the secrets of its query string', async () => {
    const log: string[] = [];
    await app(log).request('/spi?action=verify&instanceId=42&token=deadbeefcafe');
    expect(log).toHaveLength(1);
    expect(log[0]).toContain('instanceId=42');
    expect(log[0]).not.toContain('deadbeefcafe');
  });

  it('takes the client address from X-Forwarded-For only as far as proxies are trusted', async () => {
    const env = { incoming: { socket: { remoteAddress: '10.0.0.9' } } };
    const h = { 'X-Forwarded-For': '6.6.6.6, 203.0.113.7' };
    expect(await (await app().request('/ip', { headers: h }, env)).text()).toBe('10.0.0.9');
    expect(await (await app().request('/ip?hops=1', { headers: h }, env)).text()).toBe('203.0.113.7');
  });
});
