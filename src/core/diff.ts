/**
 * Field-level comparison of plain values. Secrets are compared by their revealed value but a
 * `FieldDiff` of a secret never carries a value, only `sensitive: true`.
 */
import type { FieldDiff } from './change.js';
import { isSensitive } from './model.js';

/** Deep equality of JSON-like values; `Sensitive` values compare by plaintext, object keys unordered. */
export function isEqualValue(a: unknown, b: unknown): boolean {
  if (isSensitive(a) || isSensitive(b)) return isSensitive(a) && isSensitive(b) && a.reveal() === b.reveal();
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => isEqualValue(v, b[i]));
  }
  if (!isObject(a) || !isObject(b)) return false;
  const ka = definedKeys(a);
  const kb = definedKeys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && isEqualValue(a[k], b[k]));
}

function isObject(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function definedKeys(o: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(o).filter((k) => o[k] !== undefined);
}

/**
 * Sorts strings in place (code unit order, as `sort()` does) and returns them; a list already in
 * order is left as it is. Most key lists a plan sorts are in order already, and `sort()` allocates
 * even then: a no-op plan of 10,000 objects spent a third of its allocations there.
 */
export function inOrder(list: string[]): string[] {
  for (let i = 1; i < list.length; i++) if ((list[i - 1] as string) > (list[i] as string)) return list.sort();
  return list;
}

/** A copy with object keys sorted at every level: stable JSON for bodies and renderings. */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeys) as T;
  if (!isObject(value) || isSensitive(value)) return value;
  const out: Record<string, unknown> = {};
  for (const k of inOrder(definedKeys(value))) out[k] = sortKeys(value[k]);
  return out as T;
}

/** One diff when the values differ (a secret yields `{path, sensitive: true}`), else none. */
export function diffValue(path: string, before: unknown, after: unknown): FieldDiff[] {
  if (isEqualValue(before, after)) return [];
  if (isSensitive(before) || isSensitive(after)) return [{ path, sensitive: true }];
  return [{ path, ...(before !== undefined ? { before: sortKeys(before) } : {}), ...(after !== undefined ? { after: sortKeys(after) } : {}) }];
}

/**
 * Diffs two flat records field by field under `prefix` (`remoteStorage.storageRegion`), in the
 * order of `fields`. A whole side may be absent (created, or not set on the platform), and a
 * field the platform answers as `null` counts as unset, so an optional field never diffs forever.
 */
export function diffFields<T extends object>(prefix: string, fields: readonly (keyof T & string)[], before: T | undefined, after: T | undefined): FieldDiff[] {
  const get = (o: T | undefined, k: keyof T & string): unknown => (o === undefined || o[k] === null ? undefined : o[k]);
  return fields.flatMap((f) => diffValue(prefix ? `${prefix}.${f}` : f, get(before, f), get(after, f)));
}
