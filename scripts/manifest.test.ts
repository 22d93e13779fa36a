import { describe, expect, test } from 'vitest';
import { apiOriginFromEnv, hostAccess } from './manifest';

describe('GUANCE_API_ORIGIN', () => {
  test('unset or blank means a development build', () => {
    expect(apiOriginFromEnv(undefined)).toBeNull();
    expect(apiOriginFromEnv('  ')).toBeNull();
  });
  test('an https origin, with or without a port or a trailing slash', () => {
    expect(apiOriginFromEnv('https://activator.example.com')).toBe('https://activator.example.com');
    expect(apiOriginFromEnv('https://activator.example.com:8443/')).toBe('https://activator.example.com:8443');
    expect(apiOriginFromEnv('http://127.0.0.1:8787')).toBe('http://127.0.0.1:8787');
  });
  test.each([
    ['not a url', /not a URL/],
    ['http://activator.example.com', /must be https/],
    ['ftp://activator.example.com', /must be https/],
    ['https://activator.example.com/api/v1', /origin only/],
    ['https://user:pw@activator.example.com', /origin only/],
    ['https://activator.example.com/?x=1', /origin only/],
  ])('%s fails the build', (value, message) => {
    expect(() => apiOriginFromEnv(value)).toThrow(message);
  });
});

describe('host access', () => {
  test('a development build reaches loopback only; others are asked for', () => {
    const a = hostAccess(null);
    expect(a.host).toEqual(['http://127.0.0.1/*', 'http://localhost/*']);
    expect(a.optional).toEqual(['https://*/*', 'http://[::1]/*']);
  });
  test('a store build reaches exactly its API origin at install; no blanket http', () => {
    const a = hostAccess('https://activator.example.com');
    expect(a.host).toEqual(['https://activator.example.com/*']);
    expect(a.optional).toContain('http://127.0.0.1/*');
    expect([...a.host, ...a.optional]).not.toContain('http://*/*');
    expect([...a.host, ...a.optional]).not.toContain('<all_urls>');
  });
});
