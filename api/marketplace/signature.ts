import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Alibaba Cloud Marketplace SPI signature: lowercase hex MD5 of every parameter except
 * `token`, sorted by name, joined as `k=v&k=v`, followed by `&key=<vendor secret>`. Values are the
 * decoded ones; unknown parameters are signed too.
 */
export function spiSignature(params: Record<string, string>, key: string): string {
  const joined = Object.keys(params)
    .filter((k) => k !== 'token')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
  return createHash('md5').update(`${joined}&key=${key}`, 'utf8').digest('hex');
}

/**
 * The first parameter whose name or value holds `&` or `=`: the signed string `k=v&k=v` cannot
 * tell such a value from more parameters (`skuId=S&zz=1` would sign as skuId S plus zz 1).
 */
export function ambiguousParam(params: Record<string, string>): string | undefined {
  return Object.keys(params).find((k) => k !== 'token' && /[&=]/.test(k + params[k]));
}

/** Constant-time check of `params.token`; false for any parameter the signed string cannot hold unambiguously. */
export function verifySpiSignature(params: Record<string, string>, key: string): boolean {
  if (ambiguousParam(params) !== undefined) return false;
  const token = params.token;
  if (typeof token !== 'string' || !/^[0-9a-fA-F]{32}$/.test(token)) return false;
  const expected = Buffer.from(spiSignature(params, key), 'hex');
  return timingSafeEqual(expected, Buffer.from(token.toLowerCase(), 'hex'));
}

/** The query the marketplace would send: `params` plus their token. */
export function signSpiParams(params: Record<string, string>, key: string): Record<string, string> {
  return { ...params, token: spiSignature(params, key) };
}
