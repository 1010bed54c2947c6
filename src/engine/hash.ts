/**
 * Salted spec hashes: the ledger and the `syncwise.io/hash` marker store them so that a changed
 * secret is detected without ever storing or printing the secret itself.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { isSensitive, type Resource, type Sensitive } from '../core/model.js';

/** Serialises a value with sorted keys, revealing sensitive values: the input of the hash only. */
export function canonicalJson(value: unknown): string {
  if (isSensitive(value)) return JSON.stringify({ $sensitive: value.reveal() });
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Returns an HMAC-SHA256 of the resource's kind, target and spec (secrets included) keyed with the
 * ledger's salt. Without the salt a hash cannot be used to guess a short secret offline.
 */
export function hashSpec(salt: string, resource: Resource<Sensitive>): string {
  const payload = canonicalJson({ kind: resource.kind, target: resource.target, spec: resource.spec });
  return createHmac('sha256', salt).update(payload).digest('base64url').slice(0, 32);
}

/** A new random salt for a new ledger. */
export function newSalt(): string {
  return randomBytes(24).toString('base64url');
}
