// .env.example is what an operator copies: it names every variable the API reads, and its values
// are accepted by the API's own configuration check.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { ENV_VARIABLES, loadConfig } from './config';

const lines = readFileSync(new URL('../.env.example', import.meta.url), 'utf8').split('\n');
const entries = Object.fromEntries(
  lines.filter((l) => /^[A-Z_]+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);

test('every variable the API reads is in .env.example, and nothing else', () => {
  expect(Object.keys(entries).sort()).toEqual([...ENV_VARIABLES].sort());
});

test('its values pass the configuration check once the secrets are filled in', () => {
  const c = loadConfig({ ...entries, ALIYUN_SPI_KEY: 'a-vendor-secret-of-24-chars', SMTP_URL: 'smtp://user:pass@mail.example.com:587' });
  expect(c.NODE_ENV).toBe('production');
  expect(c.PUBLIC_URL).toBe('https://activator.example.com');
});
