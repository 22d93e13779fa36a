// What the manifest may reach, decided at build time (wxt.config.ts). The store builds are made with
// GUANCE_API_ORIGIN set: that one origin is a host permission, so the extension works as installed;
// every other API address (a self-hosted one, loopback for development) is asked for at run time,
// one origin at a time, from the options page.

/** The loopback API of `npm start`, a host permission only in a build without GUANCE_API_ORIGIN. */
export const LOOPBACK_PATTERNS = ['http://127.0.0.1/*', 'http://localhost/*'];
/**
 * What the options page may ask for: any https origin (a self-hosted API) and IPv6 loopback
 * (the only plain-http address it accepts that is not already listed).
 */
export const OPTIONAL_PATTERNS = ['https://*/*', 'http://[::1]/*'];

/**
 * GUANCE_API_ORIGIN as an origin (`https://activator.example.com`, a port allowed), or null when
 * it is unset. Anything else (a path, http outside loopback, credentials) fails the build.
 */
export function apiOriginFromEnv(value: string | undefined): string | null {
  const raw = value?.trim();
  if (!raw) return null;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new Error(`GUANCE_API_ORIGIN=${JSON.stringify(raw)} is not a URL; expected an origin like https://activator.example.com`);
  }
  const loopback = u.hostname === '127.0.0.1' || u.hostname === 'localhost';
  if (u.protocol !== 'https:' && !(loopback && u.protocol === 'http:')) {
    throw new Error(`GUANCE_API_ORIGIN=${JSON.stringify(raw)} must be https (plain http only on 127.0.0.1 or localhost)`);
  }
  if (u.username || u.password || u.search || u.hash || (u.pathname !== '/' && u.pathname !== '')) {
    throw new Error(`GUANCE_API_ORIGIN=${JSON.stringify(raw)} must be an origin only (no path, query or credentials), e.g. ${u.origin}`);
  }
  return u.origin;
}

export interface HostAccess {
  /** Granted at install. */
  host: string[];
  /** Asked for by the options page, one origin at a time. */
  optional: string[];
}

/** The narrowest host access for a build: the API's origin exactly, or loopback for development. */
export function hostAccess(apiOrigin: string | null): HostAccess {
  if (!apiOrigin) return { host: [...LOOPBACK_PATTERNS], optional: [...OPTIONAL_PATTERNS] };
  const own = `${apiOrigin}/*`;
  return {
    host: [own],
    optional: [...new Set([...OPTIONAL_PATTERNS, ...LOOPBACK_PATTERNS])].filter((p) => p !== own),
  };
}
