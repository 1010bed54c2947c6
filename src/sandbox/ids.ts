/**
 * Identifier generators of the sandbox platform: the short hashed `id` every object is addressed by,
 * a v4 `uuid`, and a time-sortable `ulid`.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * Returns a short opaque key such as `k3Jx9qW2`: a hash of random bytes, base62-encoded, so ids
 * reveal neither creation order nor counts. Eight characters give 62^8 ≈ 2e14 values; the store's
 * unique index still refuses the unlikely collision.
 */
export function newShortId(length = 8): string {
  const digest = createHash('sha256').update(randomBytes(16)).digest();
  let out = '';
  for (let i = 0; i < length; i++) out += BASE62[(digest[i] ?? 0) % 62];
  return out;
}

/** Returns a random RFC 4122 version 4 UUID. */
export function newUuid(): string {
  return randomUUID();
}

/** Produces ULIDs that sort in creation order, even for several made in the same millisecond. */
export type UlidFactory = (now?: number) => string;

/**
 * Creates a monotonic ULID generator: 48 bits of milliseconds then 80 random bits, 26 Crockford
 * base32 characters. Within one millisecond (or when the clock steps back) the random part is
 * incremented, so a later call always sorts after an earlier one. `after` seeds the generator with
 * the newest stored ULID so that order also holds across restarts.
 */
export function createUlidFactory(after?: string): UlidFactory {
  let lastTime = after ? decodeTime(after) : 0;
  let lastRandom = after ? after.slice(10) : '';
  return (now = Date.now()) => {
    if (now > lastTime) {
      lastTime = now;
      lastRandom = encodeRandom();
    } else {
      lastRandom = incrementBase32(lastRandom);
    }
    return encodeTime(lastTime) + lastRandom;
  };
}

function encodeTime(ms: number): string {
  let out = '';
  let t = ms;
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[t % 32] + out;
    t = Math.floor(t / 32);
  }
  return out;
}

function decodeTime(ulid: string): number {
  let t = 0;
  for (const c of ulid.slice(0, 10)) t = t * 32 + CROCKFORD.indexOf(c);
  return t;
}

function encodeRandom(): string {
  const bytes = randomBytes(16);
  let out = '';
  for (let i = 0; i < 16; i++) out += CROCKFORD[(bytes[i] ?? 0) % 32];
  return out;
}

function incrementBase32(value: string): string {
  const chars = value.split('');
  for (let i = chars.length - 1; i >= 0; i--) {
    const next = CROCKFORD.indexOf(chars[i] ?? '0') + 1;
    if (next < 32) {
      chars[i] = CROCKFORD[next] ?? '0';
      return chars.join('');
    }
    chars[i] = '0';
  }
  throw new Error('ULID random part overflowed within one millisecond');
}
