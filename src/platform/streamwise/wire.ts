/**
 * streamwise wire <-> model: snake_case JSON to the live model and operation bodies to JSON.
 * `properties.secret` stays `Sensitive` in the wire body; the HTTP client reveals it only while
 * serialising. Readers are strict: a field of the wrong type is a `WireShapeError`.
 */
import type { AttachmentBody, IdRef, PackageBody, ProviderBody, SubscriptionBody } from '../../core/change.js';
import type { LiveAttachment, LivePackage, LiveProvider, LiveSubscription } from '../../core/live.js';
import type { ProviderType } from '../../core/model.js';
import {
  arrayAt, booleanAt, metadataAt, numberAt, objectAt, optionalStringAt, stringAt, WireShapeError, type WireObject,
} from '../wire-read.js';

/** One page of a list answer. */
export interface WirePage {
  readonly items: readonly unknown[];
  readonly page: number;
  readonly total: number;
  readonly lastPage: number;
}

/** Reads `{data:[...], meta:{page, per_page, total, last_page}}`; items are read later, one by one. */
export function pageFromWire(body: unknown): WirePage {
  const o = objectAt(body, '(body)');
  const meta = objectAt(o.meta, 'meta');
  const whole = (key: string): number => {
    const n = numberAt(meta, key, 'meta');
    if (!Number.isSafeInteger(n) || n < 0) throw new WireShapeError(`meta.${key}`, 'a whole number');
    return n;
  };
  return { items: arrayAt(o.data, 'data'), page: whole('page'), total: whole('total'), lastPage: whole('last_page') };
}

/** Reads `{data: object}` and returns the object. */
export function dataFromWire(body: unknown): WireObject {
  return objectAt(objectAt(body, '(body)').data, 'data');
}

/** The `id` of a `{data: object}` answer. */
export function idFromWire(body: unknown): string {
  return stringAt(dataFromWire(body), 'id', 'data');
}

function attachmentsFromWire(o: WireObject, path: string): LiveAttachment[] {
  return arrayAt(o.providers, `${path}.providers`).map((v, i) => {
    const a = objectAt(v, `${path}.providers[${i}]`);
    return { providerId: stringAt(a, 'provider_id', `${path}.providers[${i}]`), isDefault: booleanAt(a, 'default', `${path}.providers[${i}]`) };
  });
}

/** A provider as listed. `properties.secret` is never returned; anything else but `url` is dropped. */
export function providerFromWire(value: unknown, path: string): LiveProvider {
  const o = objectAt(value, path);
  const type = stringAt(o, 'provider_type', path);
  if (type !== 'bbb' && type !== 'scalelite') throw new WireShapeError(`${path}.provider_type`, "'bbb' or 'scalelite'");
  const url = optionalStringAt(objectAt(o.properties ?? {}, `${path}.properties`), 'url', `${path}.properties`);
  return {
    id: stringAt(o, 'id', path), uuid: stringAt(o, 'uuid', path), ulid: stringAt(o, 'ulid', path),
    providerName: stringAt(o, 'provider_name', path), active: booleanAt(o, 'active', path),
    providerType: type as ProviderType, serviceType: stringAt(o, 'service_type', path),
    properties: url === undefined ? {} : { url }, settings: objectAt(o.settings ?? {}, `${path}.settings`),
    metadata: metadataAt(o, 'metadata', path),
  };
}

/** A package as listed. */
export function packageFromWire(value: unknown, path: string): LivePackage {
  const o = objectAt(value, path);
  return {
    id: stringAt(o, 'id', path), packageName: stringAt(o, 'package_name', path),
    providers: attachmentsFromWire(o, path), metadata: metadataAt(o, 'metadata', path),
  };
}

/** A subscription as listed. */
export function subscriptionFromWire(value: unknown, path: string): LiveSubscription {
  const o = objectAt(value, path);
  return {
    id: stringAt(o, 'id', path), subscriptionName: stringAt(o, 'subscription_name', path), packageId: stringAt(o, 'package_id', path),
    providers: attachmentsFromWire(o, path), metadata: metadataAt(o, 'metadata', path),
  };
}

/** A reference the apply loop has not resolved: a bug upstream, refused before anything is sent. */
export class UnresolvedRefError extends Error {
  constructor(field: string, step: string) {
    super(`${field} still refers to the create step "${step}"; references must be resolved to ids before execute`);
    this.name = 'UnresolvedRefError';
  }
}

/** The platform id of a resolved reference. */
export function idOf(ref: IdRef, field: string): string {
  if ('id' in ref) return ref.id;
  throw new UnresolvedRefError(field, ref.createdBy);
}

function attachmentsToWire(list: readonly AttachmentBody[]): { provider_id: string; default: boolean }[] {
  return list.map((a, i) => ({ provider_id: idOf(a.provider, `providers[${i}]`), default: a.isDefault }));
}

/** Copies the keys of `body` that are present, renamed; a PATCH sends only what changes. */
function present<B extends object>(body: B, names: Partial<Record<keyof B, string>>, convert: Partial<{ [K in keyof B]: (v: NonNullable<B[K]>) => unknown }> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, wireName] of Object.entries(names) as [keyof B, string][]) {
    const v = body[key];
    if (v === undefined) continue;
    const fn = convert[key];
    out[wireName] = fn ? fn(v as NonNullable<B[keyof B]>) : v;
  }
  return out;
}

/** A provider create or patch body; `properties.secret` stays `Sensitive`. */
export function providerToWire(body: Partial<ProviderBody>): Record<string, unknown> {
  return present(body, {
    providerName: 'provider_name', active: 'active', providerType: 'provider_type', serviceType: 'service_type',
    properties: 'properties', settings: 'settings', metadata: 'metadata',
  }, { properties: (p) => present(p, { url: 'url', secret: 'secret' }) });
}

/** A package create or patch body. */
export function packageToWire(body: Partial<PackageBody>): Record<string, unknown> {
  return present(body, { packageName: 'package_name', providers: 'providers', metadata: 'metadata' }, { providers: attachmentsToWire });
}

/** A subscription create or patch body. */
export function subscriptionToWire(body: Partial<SubscriptionBody>): Record<string, unknown> {
  return present(body, { subscriptionName: 'subscription_name', packageId: 'package_id', providers: 'providers', metadata: 'metadata' }, {
    packageId: (ref) => idOf(ref, 'package_id'), providers: attachmentsToWire,
  });
}
