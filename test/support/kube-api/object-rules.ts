/**
 * What kube-apiserver's registry strategies do to an object on create, update and status update:
 * immutable metadata, `generation` bumped only by changes outside metadata and status, status
 * owned by the `/status` subresource, Secret `stringData`, finalizer rules and name validation.
 */
import type { JsonObject } from './patch.js';
import { apiVersionOf, type ResourceType } from './resources.js';
import { badRequest, conflict, invalid, type StatusCause } from './status.js';

/** `metadata` of a stored object, always present. */
export function metaOf(o: JsonObject): JsonObject {
  const m = o['metadata'];
  if (typeof m === 'object' && m !== null && !Array.isArray(m)) return m as JsonObject;
  const fresh: JsonObject = {};
  o['metadata'] = fresh;
  return fresh;
}

/** The string at `metadata[field]`, or '' when absent. */
export function metaString(o: JsonObject, field: string): string {
  const v = metaOf(o)[field];
  return typeof v === 'string' ? v : '';
}

/** `metadata.finalizers` as strings. */
export function finalizersOf(o: JsonObject): string[] {
  const f = metaOf(o)['finalizers'];
  return Array.isArray(f) ? f.filter((x): x is string => typeof x === 'string') : [];
}

/** `metadata.labels` as a string map. */
export function labelsOf(o: JsonObject): Record<string, string> {
  const l = metaOf(o)['labels'];
  return typeof l === 'object' && l !== null ? (l as Record<string, string>) : {};
}

/** The fields a field selector may name: `metadata.name`, `metadata.namespace`, and a Secret's or Event's `type`. */
export function selectableFields(o: JsonObject): Record<string, string> {
  const type = o['type'];
  return { 'metadata.name': metaString(o, 'name'), 'metadata.namespace': metaString(o, 'namespace'), ...(typeof type === 'string' ? { type } : {}) };
}

/** A metav1.Time as the apiserver writes it: RFC 3339 with seconds precision. */
export function kubeTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function nameCauses(name: string): StatusCause[] {
  if (name === '') return [{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }];
  if (name.length <= 253 && SUBDOMAIN.test(name)) return [];
  const message = `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`;
  return [{ reason: 'FieldValueInvalid', message, field: 'metadata.name' }];
}

function required(o: JsonObject, fields: readonly string[]): StatusCause[] {
  return fields.filter((f) => o[f] === undefined || o[f] === '').map((field) => ({ reason: 'FieldValueRequired', message: 'Required value', field }));
}

function eventCauses(t: ResourceType, o: JsonObject, namespace: string): StatusCause[] {
  const typeCause = o['type'] !== undefined && o['type'] !== 'Normal' && o['type'] !== 'Warning'
    ? [{ reason: 'FieldValueNotSupported', message: `Unsupported value: "${String(o['type'])}": supported values: "Normal", "Warning"`, field: 'type' }] : [];
  if (t.group === 'events.k8s.io') return [...required(o, ['eventTime', 'reportingController', 'reportingInstance', 'action', 'reason', 'type']), ...typeCause];
  const involved = o['involvedObject'] as JsonObject | undefined;
  const ns = involved?.['namespace'];
  const nsCause = typeof ns === 'string' && ns !== namespace
    ? [{ reason: 'FieldValueInvalid', message: `Invalid value: "${ns}": does not match event.namespace`, field: 'involvedObject.namespace' }] : [];
  return [...nsCause, ...typeCause];
}

/** Field errors the apiserver reports for this object (name, and the Event APIs' required fields). */
export function validate(t: ResourceType, o: JsonObject, namespace: string): void {
  const name = metaString(o, 'name');
  const causes = [...nameCauses(name), ...(t.kind === 'Event' ? eventCauses(t, o, namespace) : [])];
  if (causes.length > 0) throw invalid(t, name, causes);
}

function foldStringData(o: JsonObject): void {
  const stringData = o['stringData'];
  if (typeof stringData !== 'object' || stringData === null) return;
  const data: Record<string, unknown> = { ...(o['data'] as Record<string, unknown> | undefined) };
  for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
  o['data'] = data;
  delete o['stringData'];
}

/** Shapes a new object: identity, timestamps, generation 1, no status (custom resources), folded stringData. */
export function prepareCreate(t: ResourceType, namespace: string, body: JsonObject, identity: { uid: string; now: Date }): JsonObject {
  const o = structuredClone(body);
  const meta = metaOf(o);
  if ((o['kind'] ?? t.kind) !== t.kind || (o['apiVersion'] ?? apiVersionOf(t)) !== apiVersionOf(t)) {
    throw badRequest(`the API version in the data (${String(o['apiVersion'])}) does not match the expected API version (${apiVersionOf(t)}) or kind ${String(o['kind'])} is not ${t.kind}`);
  }
  Object.assign(o, { apiVersion: apiVersionOf(t), kind: t.kind });
  if (meta['namespace'] !== undefined && meta['namespace'] !== namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  for (const k of ['resourceVersion', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields', 'selfLink']) delete meta[k];
  Object.assign(meta, { namespace, uid: identity.uid, creationTimestamp: kubeTime(identity.now) });
  if (t.isCustom) meta['generation'] = 1;
  if (t.hasStatus) delete o['status'];
  if (t.kind === 'Secret') {
    foldStringData(o);
    o['type'] ??= 'Opaque';
  }
  return o;
}

const IMMUTABLE_META = ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'namespace', 'name'];

/** JSON with object keys sorted, so that equality ignores key order as the apiserver's semantic equality does. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'object' && x !== null && !Array.isArray(x)
    ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : x));
}

function withoutMetaAndStatus(o: JsonObject): string {
  const { metadata: _m, status: _s, ...rest } = o;
  return canonicalJson(rest);
}

/** Checks `metadata.resourceVersion` and `metadata.uid` of an update against the stored object: 409 when stale. */
export function checkPreconditions(t: ResourceType, current: JsonObject, incoming: JsonObject): void {
  const rv = metaString(incoming, 'resourceVersion');
  const name = metaString(current, 'name');
  if (rv !== '' && rv !== metaString(current, 'resourceVersion')) throw conflict(t, name);
  const uid = metaString(incoming, 'uid');
  if (uid !== '' && uid !== metaString(current, 'uid')) {
    throw conflict(t, name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${metaString(current, 'uid')}`);
  }
}

function checkFinalizers(t: ResourceType, current: JsonObject, next: JsonObject): void {
  if (metaString(current, 'deletionTimestamp') === '') return;
  const before = new Set(finalizersOf(current));
  if (finalizersOf(next).some((f) => !before.has(f))) {
    throw invalid(t, metaString(current, 'name'), [{ reason: 'FieldValueForbidden', message: 'Forbidden: no new finalizers can be added if the object is being deleted', field: 'metadata.finalizers' }]);
  }
}

/** The object a main-endpoint update stores: immutable metadata and (with a subresource) status kept from `current`. */
export function prepareUpdate(t: ResourceType, current: JsonObject, incoming: JsonObject): JsonObject {
  checkPreconditions(t, current, incoming);
  const next = structuredClone(incoming);
  const meta = metaOf(next);
  const old = metaOf(current);
  for (const k of IMMUTABLE_META) {
    if (old[k] === undefined) delete meta[k];
    else meta[k] = old[k];
  }
  delete meta['resourceVersion'];
  next['apiVersion'] = current['apiVersion'];
  next['kind'] = current['kind'];
  if (t.hasStatus) {
    if (current['status'] === undefined) delete next['status'];
    else next['status'] = current['status'];
  }
  if (t.kind === 'Secret') foldStringData(next);
  if (t.isCustom && withoutMetaAndStatus(next) !== withoutMetaAndStatus(current)) meta['generation'] = Number(old['generation'] ?? 0) + 1;
  checkFinalizers(t, current, next);
  return next;
}

/** The object a `/status` update stores: `current` with only `status` taken from `incoming`. */
export function prepareStatusUpdate(t: ResourceType, current: JsonObject, incoming: JsonObject): JsonObject {
  checkPreconditions(t, current, incoming);
  const next = structuredClone(current);
  delete metaOf(next)['resourceVersion'];
  if (incoming['status'] === undefined) delete next['status'];
  else next['status'] = structuredClone(incoming['status']);
  return next;
}

/** Whether two stored objects differ in anything but `resourceVersion` (a no-op write stores nothing). */
export function isSameObject(a: JsonObject, b: JsonObject): boolean {
  const strip = (o: JsonObject): string => canonicalJson({ ...o, metadata: { ...metaOf(o), resourceVersion: undefined } });
  return strip(a) === strip(b);
}
