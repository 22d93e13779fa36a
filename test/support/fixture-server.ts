// Serves fixture pages over HTTPS on loopback with a self-signed certificate, whatever the Host
// header says: Chromium maps the production hostnames here (see browser.ts).
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';

const TLS_DIR = resolve(import.meta.dirname, 'tls');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
};

export interface Route {
  /** Exact hostname, e.g. `market.console.aliyun.com`. */
  host: string;
  /** Path without query or hash, e.g. `/imageconsole/index.htm`. */
  path: string;
  /** A file under `root`, or a function returning the body. */
  file: string;
  headers?: Record<string, string>;
}

export interface FixtureServer {
  port: number;
  url(host: string, pathAndQuery: string): string;
  close(): Promise<void>;
}

export async function startFixtureServer(root: string, routes: Route[]): Promise<FixtureServer> {
  const server: Server = createServer(
    { key: readFileSync(join(TLS_DIR, 'key.pem')), cert: readFileSync(join(TLS_DIR, 'cert.pem')) },
    (req, res) => {
      const host = (req.headers.host ?? '').replace(/:\d+$/, '');
      const path = new URL(req.url ?? '/', 'https://x').pathname;
      const route = routes.find((r) => r.host === host && r.path === path);
      // Static assets next to the fixtures (scripts that make content arrive late, say).
      const file = route ? route.file : path.startsWith('/__fixtures/') ? path.slice('/__fixtures/'.length) : null;
      if (!file) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end(`no fixture for ${host}${path}`);
        return;
      }
      const full = normalize(join(root, file));
      if (!full.startsWith(normalize(root))) {
        res.writeHead(403).end();
        return;
      }
      try {
        const body = readFileSync(full);
        res.writeHead(200, { 'content-type': TYPES[extname(full)] ?? 'application/octet-stream', ...route?.headers });
        res.end(body);
      } catch {
        res.writeHead(404, { 'content-type': 'text/plain' }).end(`missing fixture file ${file}`);
      }
    },
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: (host, pathAndQuery) => `https://${host}:${port}${pathAndQuery}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
