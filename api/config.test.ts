import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, resolveSpiKey, spiKeyFile } from './config';

describe('config', () => {
  it('has working defaults', () => {
    expect(loadConfig({})).toMatchObject({
      PORT: 8787, HOST: '127.0.0.1', DATABASE_PATH: './data/guance.db', PUBLIC_URL: 'http://127.0.0.1:8787', ALLOWED_ORIGINS: [],
      SMTP_URL: undefined, ALIYUN_SPI_KEY: undefined, REQUIRE_VERIFIED_LINK: true,
      ALIYUN_OAUTH_CLIENT_ID: undefined, ALIYUN_OIDC_ISSUER: 'https://oauth.aliyun.com',
    });
    expect(loadConfig({ REQUIRE_VERIFIED_LINK: 'false' }).REQUIRE_VERIFIED_LINK).toBe(false);
    expect(() => loadConfig({ ALIYUN_OAUTH_CLIENT_ID: 'abc' })).toThrow(/go together/);
    expect(() => loadConfig({ ALIYUN_OIDC_ISSUER: 'http://oauth.example.com' })).toThrow(/plain http only on loopback/);
    expect(loadConfig({ REQUIRE_VERIFIED_LINK: '0' }).REQUIRE_VERIFIED_LINK).toBe(false);
    expect(() => loadConfig({ REQUIRE_VERIFIED_LINK: 'yes please' })).toThrow(/REQUIRE_VERIFIED_LINK="yes please": must be true or false/);
    expect(loadConfig({ PORT: '9000', ALLOWED_ORIGINS: 'https://a.example, https://b.example', PUBLIC_URL: 'https://x.example/' }))
      .toMatchObject({ PORT: 9000, ALLOWED_ORIGINS: ['https://a.example', 'https://b.example'], PUBLIC_URL: 'https://x.example' });
  });

  it('names every bad variable and hides secrets', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: 'eighty', SMTP_URL: 'http://user:hunter2pw@mail', PUBLIC_URL: 'nope', ALLOWED_ORIGINS: 'https://ok.example,https://bad.example/path', ALIYUN_SPI_KEY: 'short' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    for (const name of ['PORT="eighty"', 'SMTP_URL=(hidden)', 'PUBLIC_URL="nope"', 'ALLOWED_ORIGINS=', 'ALIYUN_SPI_KEY=(hidden)']) expect(msg).toContain(name);
    expect(msg).not.toContain('hunter2pw');
    expect(msg).not.toContain('short');
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT="70000": must be 1 to 65535/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/ALIYUN_SPI_KEY is required in production/);
    // In production, mail has to leave: without SMTP the server refuses to start.
    expect(() => loadConfig({ NODE_ENV: 'production', ALIYUN_SPI_KEY: 'a-long-enough-key-123' })).toThrow(/SMTP_URL is required in production/);
    expect(loadConfig({ NODE_ENV: 'production', ALIYUN_SPI_KEY: 'a-long-enough-key-123', SMTP_URL: 'smtp://mail.example:587' }).NODE_ENV)
      .toBe('production');
    expect(loadConfig({})).toMatchObject({
      HTTP_HEADERS_TIMEOUT_MS: 10_000, HTTP_REQUEST_TIMEOUT_MS: 30_000, HTTP_KEEP_ALIVE_TIMEOUT_MS: 5_000, HTTP_MAX_CONNECTIONS: 4096,
    });
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '40000' })).toThrow(/must not be longer than HTTP_REQUEST_TIMEOUT_MS/);
  });

  it('in development generates an SPI key once, keeps it in the data folder and prints it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ga-cfg-'));
    const c = loadConfig({ DATABASE_PATH: join(dir, 'db.sqlite') });
    const lines: string[] = [];
    const key = resolveSpiKey(c, (l) => lines.push(l));
    expect(key.length).toBeGreaterThanOrEqual(32);
    expect(lines.join('\n')).toContain(key);
    expect(readFileSync(spiKeyFile(c), 'utf8').trim()).toBe(key);
    expect(statSync(spiKeyFile(c)).mode & 0o077).toBe(0);
    expect(resolveSpiKey(c, (l) => lines.push(l))).toBe(key);
    expect(lines).toHaveLength(1);
    expect(resolveSpiKey({ ...c, ALIYUN_SPI_KEY: 'from-the-environment-123' })).toBe('from-the-environment-123');
  });
});
