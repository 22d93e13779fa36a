import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';

const Port = z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be 1 to 65535').max(65535, 'must be 1 to 65535');
const Ms = (min: number, dflt: number) => z.coerce.number({ error: 'must be a number of milliseconds' }).int('must be a whole number')
  .min(min, `must be at least ${min}`).max(3600_000, 'must be at most 3600000').default(dflt);
const HttpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. https://activator.example.com' });

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test'], { error: 'must be development, production or test' }).default('development'),
  PORT: Port.default(8787),
  HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  DATABASE_PATH: z.string().min(1, 'must not be empty').default('./data/guance.db'),
  ALIYUN_SPI_KEY: z.string().min(16, 'must be at least 16 characters (the vendor secret of the marketplace)').max(256).optional(),
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'must look like smtp://user:pass@host:587 or smtps://host:465' }).optional(),
  MAIL_FROM: z.string().min(3).default('Guance Activator <no-reply@localhost>'),
  PUBLIC_URL: HttpUrl.optional(),
  TRUST_PROXY: z.coerce.number({ error: 'must be a number' }).int('must be a whole number')
    .min(0, 'must be 0 (no proxy) or the number of reverse proxies in front of the API').max(5, 'must be at most 5').default(0),
  WEB_WIZARD_DIR: z.string().min(1, 'must not be empty').default('dist/web'),
  REQUIRE_VERIFIED_LINK: z.enum(['true', 'false', '1', '0'], { error: 'must be true or false' }).default('true')
    .transform((v) => v === 'true' || v === '1'),
  ALIYUN_OAUTH_CLIENT_ID: z.string().min(1).max(256).optional(),
  ALIYUN_OAUTH_CLIENT_SECRET: z.string().min(8, 'must be the OAuth application\'s secret').max(512).optional(),
  // https, except on loopback (a provider started by the tests or a local sandbox).
  ALIYUN_OIDC_ISSUER: z.url({ protocol: /^https?$/, error: 'must be an https URL like https://oauth.aliyun.com' })
    .refine((u) => new URL(u).protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(u).hostname),
      'must be https (plain http only on loopback)')
    .default('https://oauth.aliyun.com'),
  ALIYUN_OAUTH_REDIRECT_URIS: z.string().default('').transform((s, ctx) => {
    const list = s.split(',').map((x) => x.trim()).filter(Boolean);
    for (const u of list) {
      if (!/^https:\/\/[^/\s]+\/\S*$/.test(u)) ctx.addIssue({ code: 'custom', message: `"${u}" is not an https URL` });
    }
    return list;
  }),
  HTTP_HEADERS_TIMEOUT_MS: Ms(100, 10_000),
  HTTP_REQUEST_TIMEOUT_MS: Ms(100, 30_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: Ms(100, 5_000),
  HTTP_MAX_CONNECTIONS: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1')
    .max(1_000_000).default(4096),
  SHUTDOWN_GRACE_MS: Ms(0, 10_000),
  OPERATOR_EMAILS: z.string().default('').transform((s, ctx) => {
    const list = [...new Set(s.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean))];
    for (const e of list) {
      if (!/^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/.test(e) || e.length > 254) ctx.addIssue({ code: 'custom', message: `"${e}" is not an email address` });
    }
    return list;
  }),
  OPERATOR_IDLE_MINUTES: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be 1 to 720')
    .max(720, 'must be 1 to 720').default(30),
  ALLOWED_ORIGINS: z.string().default('').transform((s, ctx) => {
    const list = s.split(',').map((x) => x.trim()).filter(Boolean);
    for (const o of list) {
      if (!/^[a-z][a-z0-9+.-]*:\/\/[^/\s]+$/i.test(o)) {
        ctx.addIssue({ code: 'custom', message: `"${o}" is not an origin like https://example.com (no path, no trailing slash)` });
      }
    }
    return list;
  }),
});

/** Every variable the API reads (.env.example lists each; api/env-example.test.ts checks). */
export const ENV_VARIABLES = Object.keys(EnvSchema.shape);

export interface Config {
  NODE_ENV: 'development' | 'production' | 'test';
  PORT: number;
  HOST: string;
  DATABASE_PATH: string;
  ALIYUN_SPI_KEY: string | undefined;
  SMTP_URL: string | undefined;
  MAIL_FROM: string;
  PUBLIC_URL: string;
  ALLOWED_ORIGINS: string[];
  /** Reverse proxies in front of the API: their X-Forwarded-For names the client (rate limits). */
  TRUST_PROXY: number;
  /** Only a proved activation (free login, Sign in with Alibaba Cloud) may link a cloud account for the first time. */
  REQUIRE_VERIFIED_LINK: boolean;
  /** Sign in with Alibaba Cloud: both or neither (then only free login proves). */
  ALIYUN_OAUTH_CLIENT_ID: string | undefined;
  ALIYUN_OAUTH_CLIENT_SECRET: string | undefined;
  ALIYUN_OIDC_ISSUER: string;
  /** Redirect URIs accepted besides the extension's and PUBLIC_URL's own (e.g. a Firefox build's). */
  ALIYUN_OAUTH_REDIRECT_URIS: string[];
  /** The built web wizard served under /activate/ (index.html and assets/); absent: the API's own pages. */
  WEB_WIZARD_DIR: string;
  /** A client must send its request head within this time, its whole request within the next one. */
  HTTP_HEADERS_TIMEOUT_MS: number;
  HTTP_REQUEST_TIMEOUT_MS: number;
  /** Idle keep-alive connections are closed after this long. */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: number;
  /** Connections beyond this many are refused as they arrive (keep it below the process's file limit). */
  HTTP_MAX_CONNECTIONS: number;
  /** On SIGTERM/SIGINT, how long in-flight requests may take before their connections are cut. */
  SHUTDOWN_GRACE_MS: number;
  /** Who may sign in to the operator console (besides those added with `npm run operators`). */
  OPERATOR_EMAILS: string[];
  /** Operator console sessions end after this many minutes without a request. */
  OPERATOR_IDLE_MINUTES: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Bad configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads the environment; a ConfigError names every bad variable and what it should look like. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // An empty variable counts as unset (shells and .env files make them easily).
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const r = EnvSchema.safeParse(present);
  if (!r.success) {
    throw new ConfigError(r.error.issues.map((i) => {
      const name = String(i.path[0] ?? '?');
      const value = name === 'ALIYUN_SPI_KEY' || name === 'SMTP_URL' || name === 'ALIYUN_OAUTH_CLIENT_SECRET' ? '(hidden)' : JSON.stringify(present[name]);
      return `${name}=${value}: ${i.message}`;
    }));
  }
  const c = r.data;
  const missing: string[] = [];
  if (c.NODE_ENV === 'production' && !c.ALIYUN_SPI_KEY) {
    missing.push('ALIYUN_SPI_KEY is required in production: the vendor secret you set in the marketplace');
  }
  if (Boolean(c.ALIYUN_OAUTH_CLIENT_ID) !== Boolean(c.ALIYUN_OAUTH_CLIENT_SECRET)) {
    missing.push('ALIYUN_OAUTH_CLIENT_ID and ALIYUN_OAUTH_CLIENT_SECRET go together: set both (Sign in with Alibaba Cloud) or neither');
  }
  if (c.NODE_ENV === 'production' && !c.SMTP_URL) {
    // Without a mail server, codes and notices would only pile up in a table: refuse instead.
    missing.push('SMTP_URL is required in production: verification codes and lifecycle notices are mailed');
  }
  if (c.HTTP_HEADERS_TIMEOUT_MS > c.HTTP_REQUEST_TIMEOUT_MS) {
    missing.push('HTTP_HEADERS_TIMEOUT_MS must not be longer than HTTP_REQUEST_TIMEOUT_MS');
  }
  if (missing.length > 0) throw new ConfigError(missing);
  const host = c.HOST.includes(':') ? `[${c.HOST}]` : c.HOST;
  return {
    ...c, ALIYUN_SPI_KEY: c.ALIYUN_SPI_KEY, SMTP_URL: c.SMTP_URL, ALIYUN_OAUTH_CLIENT_ID: c.ALIYUN_OAUTH_CLIENT_ID,
    ALIYUN_OAUTH_CLIENT_SECRET: c.ALIYUN_OAUTH_CLIENT_SECRET, ALIYUN_OIDC_ISSUER: c.ALIYUN_OIDC_ISSUER.replace(/\/+$/, ''), PUBLIC_URL: (c.PUBLIC_URL ?? `http://${host}:${c.PORT}`).replace(/\/+$/, '') };
}

/** The data folder: where the database lives, and the development SPI key beside it. */
export const dataDir = (c: Pick<Config, 'DATABASE_PATH'>) =>
  c.DATABASE_PATH === ':memory:' ? resolve('data') : dirname(resolve(c.DATABASE_PATH));

export const spiKeyFile = (c: Pick<Config, 'DATABASE_PATH'>) => join(dataDir(c), 'aliyun-spi-key');

/**
 * The SPI key the server would use, without making one (the sandbox command signs with it): from
 * ALIYUN_SPI_KEY, else the development key file beside DATABASE_PATH if the server made one.
 */
export function findSpiKey(c: Config): { key: string; source: string } | undefined {
  if (c.ALIYUN_SPI_KEY) return { key: c.ALIYUN_SPI_KEY, source: 'ALIYUN_SPI_KEY' };
  const file = spiKeyFile(c);
  return existsSync(file) ? { key: readFileSync(file, 'utf8').trim(), source: file } : undefined;
}

/**
 * The SPI key: ALIYUN_SPI_KEY, or in development one generated once and kept in the data folder,
 * so the sandbox command (which reads the same file) and the server agree across restarts.
 */
export function resolveSpiKey(c: Config, log: (line: string) => void = console.log): string {
  if (c.ALIYUN_SPI_KEY) return c.ALIYUN_SPI_KEY;
  const file = spiKeyFile(c);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const key = randomBytes(24).toString('base64url');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  log(`ALIYUN_SPI_KEY was not set: generated a development key and kept it in ${file}\n  ALIYUN_SPI_KEY=${key}`);
  return key;
}
