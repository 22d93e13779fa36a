import { request } from 'node:http';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { startHttpServer } from '../http-server';
import { EXTENSION_ORIGINS } from '../../shared/extension-id';
import { clientAddress, type GuardedEnv, withGuards } from './http';

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

describe('http guards behind the real HTTP server (GuardedResponse)', () => {
  /** The guarded app on startHttpServer; answers as raw header lines, so duplicates show. */
  async function served(build: (a: Hono) => void) {
    const a = new Hono();
    build(a);
    const http = startHttpServer(withGuards(a, { allowedOrigins: [] }).fetch, { hostname: '127.0.0.1', port: 0 });
    const port = await http.listening;
    const get = (path: string) =>
      new Promise<{ status: number; lines: string[]; body: string }>((ok, fail) => {
        request({ host: '127.0.0.1', port, path }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d) => (body += d));
          res.on('end', () => ok({ status: res.statusCode!, lines: pairs(res.rawHeaders), body }));
        }).on('error', fail).end();
      });
    return { get, close: () => http.close(1000) };
  }
  const pairs = (raw: string[]) => raw.flatMap((v, i) => (i % 2 ? [] : [`${v.toLowerCase()}: ${raw[i + 1]}`]));
  const named = (lines: string[], name: string) => lines.filter((l) => l.startsWith(`${name}: `));

  it('writes each header once, the handler winning over ours, on every kind of answer', async () => {
    const s = await served((a) => {
      a.get('/api/v1/json', (c) => c.json({ ok: true }, 200));
      a.get('/page', (c) => c.html('<p>hi</p>', 200, { 'Content-Security-Policy': "default-src 'self'", 'cache-control': 'max-age=60' }));
      a.get('/api/v1/cookie', (c) => {
        c.header('Set-Cookie', 'a=1');
        c.header('Set-Cookie', 'b=2', { append: true });
        return c.json({ ok: true }, 201);
      });
      a.get('/api/v1/stream', () => new Response(new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('x')); c.close(); } })));
      a.get('/api/v1/empty', (c) => c.body(null, 204));
    });
    try {
      const json = await s.get('/api/v1/json');
      expect(json.status).toBe(200);
      expect(json.body).toBe('{"ok":true}');
      for (const name of ['x-request-id', 'content-security-policy', 'x-content-type-options', 'cache-control', 'content-type', 'content-length']) {
        expect(named(json.lines, name), name).toHaveLength(1);
      }
      expect(named(json.lines, 'x-request-id')[0]).toMatch(/^x-request-id: [0-9a-f-]{36}$/);
      expect(named(json.lines, 'referrer-policy')).toEqual([]);

      const page = await s.get('/page');
      expect(named(page.lines, 'content-security-policy')).toEqual(["content-security-policy: default-src 'self'"]);
      expect(named(page.lines, 'cache-control')).toEqual(['cache-control: max-age=60']);
      expect(named(page.lines, 'referrer-policy')).toEqual(['referrer-policy: no-referrer']);
      expect(named(page.lines, 'x-frame-options')).toHaveLength(1);

      const cookie = await s.get('/api/v1/cookie');
      expect(cookie.status).toBe(201);
      expect(named(cookie.lines, 'set-cookie')).toEqual(['set-cookie: a=1', 'set-cookie: b=2']);
      expect(named(cookie.lines, 'x-request-id')).toHaveLength(1);

      for (const path of ['/api/v1/stream', '/api/v1/empty', '/api/v1/nowhere']) {
        const r = await s.get(path);
        expect(named(r.lines, 'x-request-id'), path).toHaveLength(1);
        expect(named(r.lines, 'content-security-policy'), path).toHaveLength(1);
        expect(named(r.lines, 'strict-transport-security'), path).toHaveLength(1);
      }
      // Each answer its own id.
      const ids = new Set<string>();
      for (let i = 0; i < 5; i++) ids.add(named((await s.get('/api/v1/json')).lines, 'x-request-id')[0]!);
      expect(ids.size).toBe(5);
    } finally {
      await s.close();
    }
  });

  it('joins headers already set one by one on Node\'s response (as a stopping server sets Connection: close)', async () => {
    const s = await served((a) => {
      a.get('/api/v1/json', (c) => {
        const out = (c.env as GuardedEnv).outgoing!;
        out.setHeader('Connection', 'close');
        out.setHeader('Cache-Control', 'private');
        return c.json({ ok: true }, 200);
      });
      a.get('/page', (c) => {
        (c.env as GuardedEnv).outgoing!.setHeader('Connection', 'close');
        return c.html('<p>hi</p>', 200, { 'Content-Security-Policy': "default-src 'self'" });
      });
    });
    try {
      const page = await s.get('/page');
      expect(named(page.lines, 'connection')).toEqual(['connection: close']);
      expect(named(page.lines, 'content-security-policy')).toEqual(["content-security-policy: default-src 'self'"]);
      expect(named(page.lines, 'referrer-policy')).toEqual(['referrer-policy: no-referrer']);
      expect(named(page.lines, 'x-request-id')).toHaveLength(1);
      const r = await s.get('/api/v1/json');
      expect(r.body).toBe('{"ok":true}');
      expect(named(r.lines, 'connection')).toEqual(['connection: close']);
      expect(named(r.lines, 'cache-control')).toEqual(['cache-control: private']);
      expect(named(r.lines, 'x-request-id')).toHaveLength(1);
      expect(named(r.lines, 'content-security-policy')).toHaveLength(1);
      expect(named(r.lines, 'content-type')).toEqual(['content-type: application/json']);
    } finally {
      await s.close();
    }
  });
});
