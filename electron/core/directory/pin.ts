// Roster PINs are stored only as scrypt hashes ("Secrets are hashed") and compared in constant time.
// Format: scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (secret: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scryptCallback(secret, salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key))));

const DEFAULTS = { N: 16384, r: 8, p: 1 };
const KEY_LENGTH = 32;
export const PIN_HASH_PATTERN = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]{16,})\$([A-Za-z0-9+/=]{40,})$/;

/** A PIN a person can type on a kiosk: 4 to 12 digits. */
export function pinProblem(pin: string): string | null {
  if (!/^\d{4,12}$/.test(pin)) return 'a PIN is 4 to 12 digits';
  return null;
}

export async function hashPin(pin: string, params = DEFAULTS): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(pin, salt, KEY_LENGTH, { N: params.N, r: params.r, p: params.p, maxmem: 64 * 1024 * 1024 });
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

// A fixed hash to compare against when the user is unknown, so an unknown name costs the same time.
const DUMMY = `scrypt$16384$8$1$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(KEY_LENGTH).toString('base64')}`;

/** True when `pin` matches `stored`. A malformed hash never matches. */
export async function verifyPin(pin: string, stored: string | undefined): Promise<boolean> {
  const m = PIN_HASH_PATTERN.exec(stored ?? DUMMY) ?? PIN_HASH_PATTERN.exec(DUMMY)!;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (N > 1 << 20 || r > 32 || p > 16) return false; // refuse hashes that would cost minutes
  const salt = Buffer.from(m[4]!, 'base64');
  const expected = Buffer.from(m[5]!, 'base64');
  const key = await scrypt(pin, salt, expected.length, { N, r, p, maxmem: 256 * 1024 * 1024 });
  return stored !== undefined && key.length === expected.length && timingSafeEqual(key, expected);
}
