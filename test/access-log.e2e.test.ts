// The access log of the real server (stdout, pino's shape): one line per request, with the
// client address as TRUST_PROXY decides (read from Node's raw headers, several X-Forwarded-For
// lines taken as one list), the request id the answer carries, and no secret of the query string.
import { request } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startApiServer, type ApiProcess } from './support/api-server';

let api: ApiProcess;
beforeAll(async () => {
  api = await startApiServer({ env: { TRUST_PROXY: '1' } });
});
afterAll(async () => {
  await api?.stop();
});

/** A GET with raw header lines (repeated names kept apart, as a proxy chain may send them). */
function get(path: string, headers: [string, string][]): Promise<{ status: number; id: string }> {
  return new Promise((ok, fail) => {
    // A raw list is sent as given: Host too.
    const raw = [['Host', new URL(api.url).host], ...headers].flat();
    const req = request(`${api.url}${path}`, { method: 'GET', headers: raw as unknown as Record<string, string> }, (res) => {
      res.resume();
      res.on('end', () => ok({ status: res.statusCode!, id: String(res.headers['x-request-id']) }));
    });
    req.on('error', fail);
    req.end();
  });
}

const lineOf = async (id: string) => {
  for (let i = 0; i < 50; i++) {
    const line = api.output().split('\n').find((l) => l.includes(`"reqId":"${id}"`));
    if (line) return JSON.parse(line) as Record<string, unknown>;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no access line for ${id}`);
};

it('names the client the trusted proxy saw, the status and the path without secrets', async () => {
  const a = await get('/api/v1/health?token=s3cret-value', [['X-Forwarded-For', '6.6.6.6, 203.0.113.7']]);
  expect(a.status).toBe(200);
  expect(await lineOf(a.id)).toMatchObject({ level: 30, msg: 'request', method: 'GET', status: 200, client: '203.0.113.7', url: '/api/v1/health?token=[redacted]' });
  // Two header lines are one list: the last hop is the address the proxy saw.
  const b = await get('/api/v1/nowhere', [['X-Forwarded-For', '6.6.6.6'], ['x-forwarded-for', '198.51.100.4']]);
  expect(await lineOf(b.id)).toMatchObject({ status: 404, client: '198.51.100.4' });
  // No proxy header: the socket's own address.
  const c = await get('/api/v1/health', []);
  expect(await lineOf(c.id)).toMatchObject({ client: '127.0.0.1' });
  expect(api.output()).not.toContain('s3cret-value');
});
