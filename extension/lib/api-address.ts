// The options page's rule for the API address: loopback may be plain http (the default companion
// API runs there); anything else must be https, and the extension asks for exactly that origin.
export type AddressCheck =
  | { ok: true; url: string; origin: string; needsPermission: boolean }
  | { ok: false; reason: 'invalid' | 'https' };

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** The loopback hosts the manifest's host_permissions already cover (wxt.config.ts). */
const IN_MANIFEST = new Set(['127.0.0.1', 'localhost']);

export function checkApiAddress(input: string): AddressCheck {
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
  // 127.0.0.1 and localhost are in the manifest's host_permissions; any other origin ([::1] too) is
  // asked for at run time.
  return { ok: true, url, origin: u.origin, needsPermission: !IN_MANIFEST.has(u.hostname) };
}

/** The match pattern for exactly one origin (port included when there is one). */
export const originPattern = (origin: string): string => `${origin}/*`;
