import { createHash, createHmac, randomBytes, randomFillSync, randomInt, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;

// ~16 MiB and tens of milliseconds per hash: expensive for a guesser, affordable at sign-up and login.
const SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_LEN = 32;

/** `scrypt$N$r$p$salt$hash` (base64url parts), so parameters can be raised later without breaking old hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password.normalize('NFKC'), salt, KEY_LEN, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64url');
  const key = await scryptAsync(password.normalize('NFKC'), Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n), r: Number(r), p: Number(p), maxmem: SCRYPT.maxmem,
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A well-formed hash of a random password: verifying against it costs what a real check costs. */
export const DUMMY_PASSWORD_HASH_PROMISE = hashPassword(randomBytes(18).toString('base64url'));

/**
 * `n` bytes from the system's CSPRNG, taken from a 4 KiB pool filled in one call and never handed
 * out twice: randomBytes for 16 or 32 bytes is a call into OpenSSL each time, which was a twentieth
 * of what starting an activation cost (crypto.randomUUID keeps such a pool for the same reason).
 */
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let poolOffset = POOL_BYTES;
export function secureRandomBytes(n: number): Buffer {
  if (n > POOL_BYTES) return randomBytes(n);
  if (poolOffset + n > POOL_BYTES) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const out = Buffer.from(pool.subarray(poolOffset, poolOffset + n));
  // Overwritten as it is handed out: what stays in the pool is never a copy of a token in use.
  pool.fill(0, poolOffset, poolOffset + n);
  poolOffset += n;
  return out;
}

/** Random 256-bit bearer token, URL-safe. */
export const newToken = () => secureRandomBytes(32).toString('base64url');
export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** Random, unguessable identifiers (not sequential): 128 bits in base32-ish lower-case hex. */
export const newId = (prefix: string) => `${prefix}_${secureRandomBytes(16).toString('hex')}`;

/** Six digits, uniformly distributed. */
export const newCode = () => String(randomInt(0, 1_000_000)).padStart(6, '0');

/** Codes are HMAC'd with a server secret and bound to what they are for, so a stolen table is useless. */
export function hashCode(secret: string, purpose: string, address: string, code: string): string {
  return createHmac('sha256', secret).update(`${purpose}\n${address}\n${code}`).digest('hex');
}

/** Equal-length hex digests compared without leaking where they differ. */
export function equalHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
