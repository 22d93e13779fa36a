// Starts the real API (`api/server.ts`) in a child process, as `npm run api` would, on a free
// loopback port with its own database file. For tests that need a separate process: crashes,
// restarts, load.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export interface ApiProcess {
  url: string;
  port: number;
  pid: number;
  databasePath: string;
  /** Everything the server printed so far (stdout and stderr). */
  output(): string;
  /** Peak resident memory of the server so far, in kB (Linux VmHWM). */
  peakRssKb(): number | undefined;
  /** SIGTERM and wait; `SIGKILL` to simulate a crash. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  proc: ChildProcess;
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

export async function startApiServer(opts: { databasePath?: string; env?: Record<string, string>; port?: number } = {}): Promise<ApiProcess> {
  const port = opts.port ?? (await freePort());
  const databasePath = opts.databasePath ?? join(mkdtempSync(join(tmpdir(), 'api-proc-')), 'api.sqlite');
  let out = '';
  // `node --import tsx` rather than `npx tsx`: the same loader without npx's start-up cost.
  const proc = spawn(process.execPath, ['--import', 'tsx', 'api/server.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_PATH: databasePath,
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      ALIYUN_SPI_KEY: 'test-spi-key-0123456789',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  // 'close', not 'exit': only then has everything the process printed been read.
  const exited = new Promise<number | null>((res) => proc.once('close', (code) => res(code)));
  const url = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`the API exited during start-up:\n${out}`);
    try {
      const r = await fetch(`${url}/api/v1/health`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`the API did not answer /api/v1/health within 30 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  return {
    url,
    port,
    pid: proc.pid!,
    databasePath,
    proc,
    output: () => out,
    peakRssKb() {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'));
        return m ? Number(m[1]) : undefined;
      } catch {
        return undefined;
      }
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}
