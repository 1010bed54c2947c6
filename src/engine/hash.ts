/**
 * Salted hashes of what was applied: one of the whole spec (the ledger and the `syncwise.io/hash`
 * marker store it) and one per secret field, so that a changed secret is detected, and told apart
 * from any other change, without ever storing or printing the secret itself.
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

function hmac(salt: string, payload: string): string {
  return createHmac('sha256', salt).update(payload).digest('base64url').slice(0, 32);
}

/** The spec as hashed: a provider list is a set on the platform, so its order does not count. */
function hashedSpec(resource: Resource<Sensitive>): unknown {
  if (resource.kind !== 'ServicePackage' && resource.kind !== 'Subscription') return resource.spec;
  const providers = resource.spec.providers.map(canonicalJson).sort();
  return { ...resource.spec, providers };
}

/**
 * Returns an HMAC-SHA256 of the resource's kind, target and spec (secrets included) keyed with the
 * ledger's salt. Without the salt a hash cannot be used to guess a short secret offline. Listing a
 * package's providers in another order gives the same hash, so it rewrites nothing.
 */
export function hashSpec(salt: string, resource: Resource<Sensitive>): string {
  return hmac(salt, canonicalJson({ kind: resource.kind, target: resource.target, spec: hashedSpec(resource) }));
}

/** Every secret of a spec with its dotted path (`remoteStorage.secretKey`), in path order. */
function secretsOf(value: unknown, path: string, out: [string, Sensitive][]): [string, Sensitive][] {
  if (isSensitive(value)) out.push([path, value]);
  else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const k of Object.keys(value).sort()) secretsOf((value as Record<string, unknown>)[k], path === '' ? k : `${path}.${k}`, out);
  }
  return out;
}

/**
 * Returns one salted hash per secret field of the resource's spec, keyed by its dotted path
 * (`defaultOwnerPassword`, `properties.secret`). The planner compares them with the ones the ledger
 * recorded: a project's `defaultOwnerPassword` is never returned by the platform, so a new value
 * would otherwise go unnoticed, or be confused with a change of `replacePolicy`. The key and path
 * are hashed too, so two objects sharing a secret do not share a hash.
 */
export function hashSecrets(salt: string, resource: Resource<Sensitive>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, secret] of secretsOf(resource.spec, '', [])) out[path] = hmac(salt, canonicalJson({ key: resource.key, path, secret }));
  return out;
}

/** A new random salt for a new ledger. */
export function newSalt(): string {
  return randomBytes(24).toString('base64url');
}
