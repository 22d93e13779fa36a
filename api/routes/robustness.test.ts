import { describe, expect, it } from 'vitest';
import { isApiErrorBody } from '../../shared/errors';
import { setup } from '../test-support';

describe('malformed input never produces a 500', () => {
  it('bad JSON, wrong content type, wrong types, huge bodies, unknown routes and methods', async () => {
    const { app, start } = setup();
    const a = await start();
    const raw = (path: string, init: RequestInit = {}) =>
      app.request(path, { method: 'POST', ...init, headers: { Authorization: `Bearer ${a.token}`, ...(init.headers ?? {}) } });
    const cases: [string, Response | Promise<Response>, number, string][] = [
      ['bad JSON', raw('/api/v1/activations', { body: '{"accountId":', headers: { 'Content-Type': 'application/json' } }), 400, 'BAD_REQUEST'],
      ['no content type', raw('/api/v1/activations', { body: '{}' }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['form body', raw('/api/v1/sessions', { body: 'login=a&password=b', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['text body', raw(`/api/v1/activations/${a.id}/registration`, { body: 'hi', headers: { 'Content-Type': 'text/plain' } }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['empty JSON body', raw('/api/v1/sessions', { headers: { 'Content-Type': 'application/json' } }), 400, 'BAD_REQUEST'],
      ['JSON null', raw('/api/v1/sessions', { body: 'null', headers: { 'Content-Type': 'application/json' } }), 400, 'VALIDATION_FAILED'],
      ['JSON array', raw('/api/v1/activations', { body: '[1,2]', headers: { 'Content-Type': 'application/json' } }), 400, 'VALIDATION_FAILED'],
      ['wrong types', raw('/api/v1/activations', { body: JSON.stringify({ accountId: 1234567890123456, instanceId: [], site: {} }), headers: { 'Content-Type': 'application/json' } }), 400, 'VALIDATION_FAILED'],
      ['huge string', raw('/api/v1/sessions', { body: JSON.stringify({ login: 'x'.repeat(60_000), password: 'y' }), headers: { 'Content-Type': 'application/json' } }), 400, 'VALIDATION_FAILED'],
      ['too large', raw('/api/v1/sessions', { body: JSON.stringify({ login: 'x'.repeat(70_000), password: 'y' }), headers: { 'Content-Type': 'application/json' } }), 413, 'PAYLOAD_TOO_LARGE'],
      ['deep nesting', raw('/api/v1/activations', { body: '['.repeat(5000) + ']'.repeat(5000), headers: { 'Content-Type': 'application/json' } }), 400, 'VALIDATION_FAILED'],
      ['unknown route', app.request('/api/v1/nothing-here'), 404, 'NOT_FOUND'],
      ['unknown root', app.request('/'), 404, 'NOT_FOUND'],
      ['wrong method', app.request('/api/v1/health', { method: 'DELETE' }), 405, 'METHOD_NOT_ALLOWED'],
      ['wrong method with id', app.request(`/api/v1/activations/${a.id}/registration`, { method: 'GET' }), 405, 'METHOD_NOT_ALLOWED'],
      ['PUT activations', app.request('/api/v1/activations', { method: 'PUT' }), 405, 'METHOD_NOT_ALLOWED'],
      ['odd auth header', app.request(`/api/v1/activations/${a.id}`, { headers: { Authorization: 'Bearer' } }), 401, 'UNAUTHORIZED'],
      ['percent junk in id', app.request('/api/v1/activations/%E0%A4%A', { headers: { Authorization: `Bearer ${a.token}` } }), 401, 'UNAUTHORIZED'],
    ];
    for (const [name, p, status, code] of cases) {
      const res = await p;
      expect(res.status, name).toBe(status);
      expect(res.headers.get('content-type'), name).toMatch(/^application\/json/);
      const body = await res.json();
      expect(isApiErrorBody(body), name).toBe(true);
      expect(body.error.code, name).toBe(code);
      expect(typeof body.error.message, name).toBe('string');
    }
    const allow = (await app.request('/api/v1/activations', { method: 'PUT' })).headers.get('Allow');
    expect(allow).toBe('POST');
  });

  it('unknown fields are ignored, not stored or echoed', async () => {
    const { call, createInstance } = setup();
    await createInstance('1234567890123456', '7');
    const r = await call('POST', '/activations', { accountId: '1234567890123456', instanceId: '7', site: 'cn1', state: 'activated', __proto__: { x: 1 }, admin: true });
    expect(r.status).toBe(201);
    expect(r.body.activation.state).toBe('needs-billing-account');
    expect(r.body.activation).not.toHaveProperty('admin');
  });

  it('per-field details name each bad field', async () => {
    const { start } = setup();
    const a = await start();
    const r = await a.call('POST', '/workspaces', { name: '', language: 'xx', agreeTerms: 'yes', guanceAccount: { kind: 'new', username: 'a b', password: 'x', passwordConfirm: 'y', email: 'e', code: 'abc' } });
    expect(r.status).toBe(400);
    const paths = new Set(r.body.error.details.map((d: { path: string }) => d.path));
    for (const p of ['name', 'language', 'agreeTerms', 'guanceAccount.username', 'guanceAccount.password', 'guanceAccount.email', 'guanceAccount.code']) {
      expect(paths.has(p), p).toBe(true);
    }
  });

  it('a web page of another origin cannot write', async () => {
    const { app } = setup();
    const res = await app.request('/api/v1/sessions', {
      method: 'POST', headers: { 'Content-Type': 'application/json', Origin: 'https://evil.example' }, body: '{"login":"a","password":"b"}',
    });
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('ORIGIN_NOT_ALLOWED');
  });
});

describe('through a real listening server', () => {
  it('refuses oversized bodies whether declared (Content-Length) or chunked, and serves normal ones', async () => {
    const { request } = await import('node:http');
    const { serve } = await import('@hono/node-server');
    const { app } = setup();
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as { port: number }).port;
    const send = (body: string, chunked: boolean) =>
      new Promise<{ status: number; body: { error?: { code: string } } }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/sessions', headers: {
          'Content-Type': 'application/json', ...(chunked ? { 'Transfer-Encoding': 'chunked' } : { 'Content-Length': Buffer.byteLength(body) }),
        } }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => { text += c.toString(); });
          res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
        });
        req.on('error', reject);
        if (chunked) for (let i = 0; i < body.length; i += 8192) req.write(body.slice(i, i + 8192));
        else req.write(body);
        req.end();
      });
    try {
      const big = JSON.stringify({ login: 'x'.repeat(80_000), password: 'y' });
      expect(await send(big, false)).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
      expect(await send(big, true)).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
      const small = JSON.stringify({ login: 'nobody', password: 'whatever1' });
      expect(await send(small, false)).toMatchObject({ status: 401, body: { error: { code: 'INVALID_CREDENTIALS' } } });
      expect(await send(small, true)).toMatchObject({ status: 401, body: { error: { code: 'INVALID_CREDENTIALS' } } });
      expect(await send('{"login":', false)).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
