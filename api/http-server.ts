// The HTTP listener around the app: limits that keep slow or numerous clients from holding the
// process (header and request timeouts, a connection cap, keep-alive limits) and a graceful stop.
import type { Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { serve } from '@hono/node-server';
import { GuardedResponse } from './security/http';

export interface HttpLimits {
  /** A client must send its whole request head within this time (slowloris). */
  headersTimeoutMs: number;
  /** …and its whole request, body included, within this one. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this long. */
  keepAliveTimeoutMs: number;
  /** Connections beyond this many are closed as they arrive, before a file descriptor is spent on a request. */
  maxConnections: number;
  /**
   * A keep-alive connection serves at most this many requests (0: no limit). Node answers 503 to
   * requests a client sends past it on the same connection, so it is off unless asked for.
   */
  maxRequestsPerSocket: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 4096,
  maxRequestsPerSocket: 0,
};

export interface HttpServer {
  server: Server;
  /** Resolves with the bound port once listening. */
  listening: Promise<number>;
  /**
   * Stops accepting, lets in-flight requests finish (each answered with `Connection: close`), closes
   * idle keep-alive connections at once; after `graceMs` whatever is still open is cut. Resolves
   * to true when everything finished in time, false when connections had to be cut.
   */
  close(graceMs?: number): Promise<boolean>;
  /** Requests being served right now. */
  inFlight(): number;
}

export function startHttpServer(
  fetch: (req: Request, env: unknown) => Response | Promise<Response>,
  opts: { hostname: string; port: number; limits?: Partial<HttpLimits> },
): HttpServer {
  const limits = { ...DEFAULT_HTTP_LIMITS, ...opts.limits };
  let closing = false;
  let active = 0;
  const server = serve({
    fetch,
    hostname: opts.hostname,
    port: opts.port,
    serverOptions: {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // How often Node checks the two timeouts above; its default (30 s) would let a slow client
      // stay three times longer than the header timeout says.
      connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
      // Writes the guards' headers with the handler's in one step (security/http.ts).
      ServerResponse: GuardedResponse as typeof ServerResponse,
    },
  }) as Server;
  server.maxConnections = limits.maxConnections;
  server.maxRequestsPerSocket = limits.maxRequestsPerSocket;

  const served = new WeakSet<Socket>();
  server.on('request', (req, res) => {
    served.add(req.socket);
    active++;
    // While stopping, every answer tells its client to go: the connection does not stay idle.
    if (closing) res.setHeader('Connection', 'close');
    res.once('close', () => {
      active--;
    });
  });
  // A client that opens a connection and never sends a byte has no request for Node's timeouts to
  // time (nor does the socket's inactivity timer fire under the HTTP server): it is closed here if
  // no request has come on it within the header timeout.
  server.on('connection', (socket: Socket) => {
    const timer = setTimeout(() => {
      if (!served.has(socket)) socket.destroy();
    }, limits.headersTimeoutMs);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  });

  const listening = new Promise<number>((resolve, reject) => {
    server.once('listening', () => resolve((server.address() as { port: number }).port));
    server.once('error', reject);
  });

  return {
    server,
    listening,
    inFlight: () => active,
    close(graceMs = 10_000) {
      closing = true;
      return new Promise<boolean>((resolve) => {
        let inTime = true;
        server.close(() => {
          clearInterval(sweeper);
          clearTimeout(cut);
          resolve(inTime);
        });
        server.closeIdleConnections();
        // A connection that finishes its request becomes idle: close it as soon as it does.
        const sweeper = setInterval(() => server.closeIdleConnections(), 50);
        const cut = setTimeout(() => {
          inTime = false;
          server.closeAllConnections();
        }, graceMs);
      });
    },
  };
}
