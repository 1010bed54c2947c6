/**
 * Encryption at rest for the sandbox store: AES-256-GCM with a random 96-bit nonce per value.
 * The key comes from the caller (e.g. `SYNCWISE_SANDBOX_KEY`) or from a key file with mode 0600
 * beside the database, generated on first start.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const PREFIX = 'v1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Seals and opens strings; a sealed value is `v1.` + base64(nonce | tag | ciphertext). */
export interface Sealer {
  seal(plaintext: string): string;
  /** Throws when the value was sealed with another key or was tampered with. */
  open(sealed: string): string;
}

/** Creates a sealer for a 32-byte key. */
export function createSealer(key: Buffer): Sealer {
  if (key.length !== 32) throw new Error('the sandbox encryption key must be 32 bytes');
  return {
    seal(plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    },
    open(sealed) {
      if (!sealed.startsWith(PREFIX)) throw new Error('not a sealed value');
      const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    },
  };
}

/**
 * Turns a configured key into 32 bytes: 64 hex characters or base64 of 32 bytes are used as they
 * are; any other passphrase is stretched with scrypt.
 */
export function parseKey(text: string): Buffer {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  const b64 = Buffer.from(trimmed, 'base64');
  if (b64.length === 32 && /^[A-Za-z0-9+/]{43}=$/.test(trimmed)) return b64;
  return scryptSync(trimmed, 'syncwise-sandbox', 32);
}

/**
 * Returns the key for the database at `dbPath`: `configured` when given, else the key file
 * `<dbPath>.key` (created with mode 0600 when absent). An in-memory database gets a fresh key.
 */
export function loadKey(dbPath: string, configured?: string): Buffer {
  if (configured !== undefined && configured !== '') return parseKey(configured);
  if (dbPath === ':memory:') return randomBytes(32);
  const file = `${dbPath}.key`;
  if (existsSync(file)) return parseKey(readFileSync(file, 'utf8'));
  mkdirSync(dirname(file), { recursive: true });
  const key = randomBytes(32);
  try {
    writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    // Another process created it between the check and the write: use theirs.
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return parseKey(readFileSync(file, 'utf8'));
    throw e;
  }
  chmodSync(file, 0o600);
  return key;
}
