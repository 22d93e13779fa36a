import { expect, test } from 'vitest';
import { checkApiAddress, manifestHostPatterns, originPattern } from './api-address';

test('loopback may be plain http and needs no extra permission', () => {
  expect(checkApiAddress('http://127.0.0.1:8787/')).toEqual({ ok: true, url: 'http://127.0.0.1:8787', origin: 'http://127.0.0.1:8787', needsPermission: false });
  expect(checkApiAddress('http://localhost:3000')).toMatchObject({ ok: true, needsPermission: false });
  // IPv6 loopback may be plain http, but it is not in the manifest: the extension asks for it.
  expect(checkApiAddress('http://[::1]:8787')).toMatchObject({ ok: true, origin: 'http://[::1]:8787', needsPermission: true });
});

test('any other address must be https, and asks for exactly its origin', () => {
  expect(checkApiAddress('http://activator.example.com')).toEqual({ ok: false, reason: 'https' });
  const c = checkApiAddress(' https://activator.example.com:8443/base/ ');
  expect(c).toEqual({ ok: true, url: 'https://activator.example.com:8443/base', origin: 'https://activator.example.com:8443', needsPermission: true });
  expect(originPattern('https://activator.example.com:8443')).toBe('https://activator.example.com:8443/*');
});

test('not a web address', () => {
  for (const bad of ['', 'activator', 'ftp://x.example', 'https://u:p@x.example', 'https://x.example/?a=1', 'javascript:alert(1)']) {
    expect(checkApiAddress(bad), bad).toMatchObject({ ok: false, reason: 'invalid' });
  }
});

test('a store build grants its own API origin: that needs no request, loopback then does', () => {
  const granted = manifestHostPatterns({ host_permissions: ['https://activator.example.com/*'] });
  expect(checkApiAddress('https://activator.example.com', granted)).toMatchObject({ ok: true, needsPermission: false });
  // A pattern without a port covers every port of its host.
  expect(checkApiAddress('https://activator.example.com:8443', granted)).toMatchObject({ ok: true, needsPermission: false });
  expect(checkApiAddress('https://other.example.com', granted)).toMatchObject({ ok: true, needsPermission: true });
  expect(checkApiAddress('http://127.0.0.1:8787', granted)).toMatchObject({ ok: true, needsPermission: true });
  // A pattern with a port covers that port only.
  const withPort = manifestHostPatterns({ host_permissions: ['https://activator.example.com:8443/*'] });
  expect(checkApiAddress('https://activator.example.com:8443/x', withPort)).toMatchObject({ needsPermission: false });
  expect(checkApiAddress('https://activator.example.com', withPort)).toMatchObject({ needsPermission: true });
});

test('Firefox MV2 lists host access among its permissions', () => {
  const granted = manifestHostPatterns({ permissions: ['storage', 'activeTab', 'http://127.0.0.1/*', 'http://localhost/*'] });
  expect(granted).toEqual(['http://127.0.0.1/*', 'http://localhost/*']);
  expect(checkApiAddress('http://localhost:3000', granted)).toMatchObject({ needsPermission: false });
  expect(checkApiAddress('http://[::1]:3000', granted)).toMatchObject({ needsPermission: true });
});
