/**
 * Strict readers of JSON answers: each checks one field and names its path when it is not what
 * the wire contract (docs/platform-apis.md) says, so a malformed answer is an error, never a guess.
 */
import type { Metadata, MetaScalar, MetaValue } from '../core/model.js';

/** A field of an answer that does not have the documented type. */
export class WireShapeError extends Error {
  constructor(readonly path: string, expected: string) {
    super(`expected ${path} to be ${expected}`);
    this.name = 'WireShapeError';
  }
}

/** A JSON object. */
export type WireObject = Readonly<Record<string, unknown>>;

/** Reads `value` as a JSON object. */
export function objectAt(value: unknown, path: string): WireObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new WireShapeError(path, 'an object');
  return value as WireObject;
}

/** Reads `value` as an array. */
export function arrayAt(value: unknown, path: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new WireShapeError(path, 'an array');
  return value;
}

/** Reads `o[key]` as a string. */
export function stringAt(o: WireObject, key: string, path: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw new WireShapeError(`${path}.${key}`, 'a string');
  return v;
}

/** Reads `o[key]` as a string, or undefined when absent or null. */
export function optionalStringAt(o: WireObject, key: string, path: string): string | undefined {
  return o[key] === undefined || o[key] === null ? undefined : stringAt(o, key, path);
}

/** Reads `o[key]` as a boolean; `fallback` when absent. */
export function booleanAt(o: WireObject, key: string, path: string, fallback?: boolean): boolean {
  const v = o[key];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'boolean') throw new WireShapeError(`${path}.${key}`, 'a boolean');
  return v;
}

/** Reads `o[key]` as a finite number. */
export function numberAt(o: WireObject, key: string, path: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new WireShapeError(`${path}.${key}`, 'a number');
  return v;
}

function isScalar(v: unknown): v is MetaScalar {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function metaValue(v: unknown, path: string): MetaValue {
  if (isScalar(v)) return v;
  if (Array.isArray(v) && v.every(isScalar)) return v;
  if (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(isScalar)) return v as Record<string, MetaScalar>;
  throw new WireShapeError(path, 'a scalar or one level of object/array of scalars');
}

/** Reads `o[key]` as metadata (absent or null: `{}`). Keys such as `__proto__` stay data. */
export function metadataAt(o: WireObject, key: string, path: string): Metadata {
  const v = o[key];
  if (v === undefined || v === null) return {};
  const entries = Object.entries(objectAt(v, `${path}.${key}`)).map(([k, m]) => [k, metaValue(m, `${path}.${key}.${k}`)] as const);
  const out: Record<string, MetaValue> = {};
  for (const [k, m] of entries) Object.defineProperty(out, k, { value: m, enumerable: true, writable: true, configurable: true });
  return out;
}
