/**
 * Field validation of streamwise request bodies, as the platform performs it. Every problem of a
 * body is collected and reported at once in `details.fields` of one 422 `validation_failed`.
 */
import { ApiError } from './router.js';
import type { Link } from '../store-streamwise.js';

/** Collects `field -> message` pairs and throws them together. */
export class FieldErrors {
  readonly fields: Record<string, string> = {};

  add(field: string, message: string): void {
    this.fields[field] ??= message;
  }

  get isEmpty(): boolean {
    return Object.keys(this.fields).length === 0;
  }

  /** Throws a 422 `validation_failed` when any field was refused. */
  throwIfAny(): void {
    if (!this.isEmpty) throw new ApiError(422, 'validation_failed', `invalid fields: ${Object.keys(this.fields).join(', ')}`, { fields: this.fields });
  }
}

/** A JSON object (not an array, not null). */
export type Json = Record<string, unknown>;

/** True for a plain JSON object. */
export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Refuses keys of `body` that are not in `allowed`. */
export function checkKnownKeys(body: Json, allowed: readonly string[], errors: FieldErrors): void {
  for (const key of Object.keys(body)) if (!allowed.includes(key)) errors.add(key, 'is not a writable field');
}

/** A non-empty string of at most 255 characters. */
export function checkName(value: unknown, field: string, errors: FieldErrors): void {
  if (typeof value !== 'string' || value.trim() === '') errors.add(field, 'must be a non-empty string');
  else if (value.length > 255) errors.add(field, 'must be at most 255 characters');
}

function isScalar(v: unknown): boolean {
  return v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

/** `metadata`: an object whose values are scalars, or one level of object/array of scalars. */
export function checkMetadata(value: unknown, errors: FieldErrors): void {
  if (!isObject(value)) {
    errors.add('metadata', 'must be an object');
    return;
  }
  for (const [key, v] of Object.entries(value)) {
    if (isScalar(v)) continue;
    const inner = Array.isArray(v) ? v : isObject(v) ? Object.values(v) : undefined;
    if (inner === undefined) errors.add(`metadata.${key}`, 'must be a scalar, an object or an array');
    else if (!inner.every(isScalar)) errors.add(`metadata.${key}`, 'may nest only one level: its values must be scalars');
  }
}

/**
 * `providers` of a package or subscription: at least one `{provider_id, default}`, no provider
 * twice, exactly one default. Returns the links when their shape is valid.
 */
export function checkLinks(value: unknown, errors: FieldErrors): Link[] | undefined {
  if (!Array.isArray(value)) {
    errors.add('providers', 'must be an array of {provider_id, default}');
    return undefined;
  }
  if (value.length === 0) errors.add('providers', 'must contain at least one provider');
  const links: Link[] = [];
  value.forEach((item: unknown, i) => {
    const ok = isObject(item) && typeof item.provider_id === 'string' && item.provider_id !== '' && typeof item.default === 'boolean'
      && Object.keys(item).every((k) => k === 'provider_id' || k === 'default');
    if (ok) links.push({ provider_id: item.provider_id as string, default: item.default as boolean });
    else errors.add(`providers[${i}]`, 'must be {provider_id: string, default: boolean}');
  });
  if (links.length !== value.length) return undefined;
  if (new Set(links.map((l) => l.provider_id)).size !== links.length) errors.add('providers', 'lists a provider more than once');
  const defaults = links.filter((l) => l.default).length;
  if (links.length > 0 && defaults !== 1) errors.add('providers', `must have exactly one default provider, found ${defaults}`);
  return errors.isEmpty ? links : undefined;
}

const PROPERTY_KEYS = ['url', 'secret'] as const;

/** Provider `properties` for both types: `url` (http or https) and `secret`, nothing else. */
export function checkProperties(value: unknown, errors: FieldErrors, isPatch: boolean): Json | undefined {
  if (!isObject(value)) {
    errors.add('properties', 'must be an object');
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (!(PROPERTY_KEYS as readonly string[]).includes(key)) errors.add(`properties.${key}`, 'is not a property of this provider type (expected url, secret)');
  }
  if ('url' in value || !isPatch) checkUrl(value.url, errors);
  if ('secret' in value || !isPatch) {
    if (typeof value.secret !== 'string' || value.secret === '') errors.add('properties.secret', 'is required: a non-empty string');
  }
  return value;
}

function checkUrl(url: unknown, errors: FieldErrors): void {
  if (typeof url !== 'string') {
    errors.add('properties.url', 'is required: an http or https URL');
    return;
  }
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') errors.add('properties.url', 'must be an http or https URL');
  } catch {
    errors.add('properties.url', 'must be an http or https URL');
  }
}

/** `settings`: none are defined yet, so only `{}` is accepted. */
export function checkSettings(value: unknown, errors: FieldErrors): void {
  if (!isObject(value) || Object.keys(value).length > 0) errors.add('settings', 'must be {} (no settings are defined)');
}
