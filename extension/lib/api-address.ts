// The options page's rule for the API address: loopback may be plain http (the default companion
// API runs there); anything else must be https, and the extension asks for exactly that origin.
export type AddressCheck =
  | { ok: true; url: string; origin: string; needsPermission: boolean }
  | { ok: false; reason: 'invalid' | 'https' };

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** What a development build's manifest grants (scripts/manifest.ts); a store build grants its API origin. */
const DEVELOPMENT_HOSTS = ['http://127.0.0.1/*', 'http://localhost/*'];

/**
 * `granted`: the host patterns of the manifest (manifestHostPatterns). An origin they cover needs
 * no request; any other is asked for at run time.
 */
export function checkApiAddress(input: string, granted: readonly string[] = DEVELOPMENT_HOSTS): AddressCheck {
  let u: URL;
  try {
    u = new URL(input.trim());
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return { ok: false, reason: 'invalid' };
  if (u.username || u.password || u.search || u.hash) return { ok: false, reason: 'invalid' };
  const loopback = LOOPBACK.has(u.hostname);
  if (!loopback && u.protocol !== 'https:') return { ok: false, reason: 'https' };
  const url = (u.origin + u.pathname).replace(/\/+$/, '');
  return { ok: true, url, origin: u.origin, needsPermission: !granted.some((p) => patternCovers(p, u)) };
}

/**
 * Whether a match pattern of the form `scheme://host[:port]/*` covers the URL's origin. A pattern
 * without a port covers every port; wildcard hosts are never in host_permissions here, so they
 * count as not covering (the extension then asks, which is harmless).
 */
function patternCovers(pattern: string, u: URL): boolean {
  const m = /^(https?):\/\/([^/*]+)\/\*$/.exec(pattern);
  if (!m) return false;
  const [, scheme, host] = m as unknown as [string, string, string];
  if (`${scheme}:` !== u.protocol) return false;
  return host.includes(':') && !host.endsWith(']') ? host === u.host : host === u.hostname;
}

/** The host patterns a manifest grants at install: MV3 `host_permissions`, MV2 origins in `permissions`. */
export function manifestHostPatterns(manifest: { host_permissions?: string[]; permissions?: string[] }): string[] {
  return [...(manifest.host_permissions ?? []), ...(manifest.permissions ?? []).filter((p) => p.includes('://'))];
}

/** The match pattern for exactly one origin (port included when there is one). */
export const originPattern = (origin: string): string => `${origin}/*`;
