// Keeps secrets out of logs: passwords, verification codes, activation tokens, SPI signatures and
// keys. Every log line the API writes about a request passes through here.

/**
 * Field and query names whose values are never logged: anything naming a password, token, secret,
 * key, signature or cookie, and a verification code. `productCode` and the like are not codes.
 */
const SECRET_NAME = /pass(word)?|token|secret|key|sign(ature)?|authorization|cookie/i;
const CODE_NAME = /^(code|otp|pin|verification_?code)$/i;

const MASK = '[redacted]';

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) || CODE_NAME.test(name);
}

/** A path with query string, with the values of secret parameters masked. */
export function redactUrl(pathAndQuery: string): string {
  const q = pathAndQuery.indexOf('?');
  if (q < 0) return pathAndQuery;
  const path = pathAndQuery.slice(0, q);
  const hash = pathAndQuery.indexOf('#', q);
  const query = pathAndQuery.slice(q + 1, hash < 0 ? undefined : hash);
  const parts = query.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    let name = rawName;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
    } catch {
      // a malformed escape is logged as sent, but its value still hidden when the name looks secret
    }
    return eq >= 0 && isSecretName(name) ? `${rawName}=${MASK}` : pair;
  });
  // A fragment never reaches the server, but a logged Location header could carry one.
  return `${path}?${parts.join('&')}${hash < 0 ? '' : '#' + MASK}`;
}

/** A deep copy of `value` with secret fields masked, for logging structured data. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (depth > 8) return MASK;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = isSecretName(k) ? MASK : redactValue(v, depth + 1);
    return out;
  }
  if (typeof value === 'string') return redactText(value);
  return value;
}

/** Free text: masks `Bearer …`, `name=value` pairs with secret names, and JSON-ish `"password":"…"`. */
export function redactText(text: string): string {
  return text
    .replace(/(bearer\s+)[^\s"',;]+/gi, `$1${MASK}`)
    .replace(/("?[\w-]*(?:pass(?:word)?|token|secret|key|sign(?:ature)?)[\w-]*"?\s*[:=]\s*)("[^"]*"|[^\s&,;"}]+)/gi, `$1${MASK}`)
    .replace(/((?<![\w-])"?(?:code|otp|pin|verificationCode)"?\s*[:=]\s*)("[^"]*"|[^\s&,;"}]+)/gi, `$1${MASK}`)
    // A six-digit number after "code" in prose ("your code is 123456").
    .replace(/(\bcode\b[^\d\n]{0,12})\d{6}\b/gi, `$1${MASK}`);
}
