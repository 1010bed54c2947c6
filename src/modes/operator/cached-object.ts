/**
 * What the operator's caches keep of an object read from the API: only the fields that some part
 * of the operator reads. Everything else is dropped as the object arrives, before the informer
 * stores it. A real apiserver adds `managedFields` to every object (often larger than its spec), and
 * `kubectl apply` repeats the whole object in the `last-applied-configuration` annotation; with
 * 10,000 custom resources both would be kept, in every version the watch delivers, for nothing.
 */
import type { KubernetesObject, V1ObjectMeta } from '@kubernetes/client-node';
import { LEDGER_SECRET_TYPE } from '../../engine/ledger/kubernetes.js';

/** Metadata fields read of custom resources: identity, generation, deletion, finalizers, labels. */
const RESOURCE_METADATA = ['name', 'namespace', 'uid', 'generation', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'finalizers', 'labels'] as const;
/** Metadata fields read of Secrets (connection Secrets: the managed-by label, the project-id annotation). */
const SECRET_METADATA = ['name', 'namespace', 'uid', 'resourceVersion', 'labels', 'annotations'] as const;
/** Annotations of Secrets under this prefix are kept; no other annotation is read. */
const OWN_ANNOTATIONS = 'syncwise.io/';

type Fields = Record<string, unknown>;

function pick(from: Fields | undefined, keys: readonly string[]): Fields {
  const out: Fields = {};
  if (from === undefined) return out;
  for (const k of keys) if (from[k] !== undefined) out[k] = from[k];
  return out;
}

function ownAnnotations(annotations: unknown): Record<string, string> | undefined {
  if (annotations === null || typeof annotations !== 'object') return undefined;
  const kept = Object.entries(annotations as Record<string, string>).filter(([k]) => k.startsWith(OWN_ANNOTATIONS));
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}

/** Returns one shared copy of equal strings (see `createStringPool`). */
export type Intern = (text: string) => string;

const asIs: Intern = (text) => text;

/**
 * A pool of recently seen strings, emptied when it holds `limit` of them. A watch delivers every
 * string of an object as a new copy, though most repeat across objects: condition types, reasons
 * and messages ("created on target sw"), transition times, apiVersion, kind, the finalizer.
 */
export function createStringPool(limit = 4096): Intern {
  let pool = new Map<string, string>();
  return (text) => {
    const known = pool.get(text);
    if (known !== undefined) return known;
    if (pool.size >= limit) pool = new Map();
    pool.set(text, text);
    return text;
  };
}

function internStrings(value: unknown, intern: Intern): unknown {
  if (typeof value === 'string') return intern(value);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? intern(v) : v]));
}

/** The status with its conditions' strings shared. */
function pooledStatus(status: unknown, intern: Intern): unknown {
  const conditions = (status as { conditions?: unknown } | undefined)?.conditions;
  if (!Array.isArray(conditions)) return status;
  return { ...(status as Fields), conditions: conditions.map((c: unknown) => internStrings(c, intern)) };
}

function pooledMetadata(metadata: Fields, intern: Intern): Fields {
  for (const k of ['namespace', 'creationTimestamp'] as const) if (typeof metadata[k] === 'string') metadata[k] = intern(metadata[k]);
  if (Array.isArray(metadata['finalizers'])) metadata['finalizers'] = metadata['finalizers'].map((f: unknown) => internStrings(f, intern));
  return metadata;
}

function hasSameSpec(o: KubernetesObject, previous: KubernetesObject | undefined): boolean {
  const generation = o.metadata?.generation;
  return generation !== undefined && previous?.metadata?.uid === o.metadata?.uid && previous?.metadata?.generation === generation;
}

/**
 * A custom resource as cached: apiVersion, kind, the metadata read, spec and status. When the
 * version it replaces has the same generation (the apiserver bumps it on every change of the
 * spec), the new version shares that version's spec: the operator's own status and finalizer
 * writes then cost a new status, not a new copy of the spec in every version a run still holds.
 * Strings that repeat across objects come from `intern`.
 */
export function slimCustomResource(o: KubernetesObject, previous?: KubernetesObject, intern: Intern = asIs): KubernetesObject {
  const full = o as Fields;
  const out = pick(full, ['apiVersion', 'kind', 'spec', 'status']);
  for (const k of ['apiVersion', 'kind'] as const) if (typeof out[k] === 'string') out[k] = intern(out[k]);
  if (hasSameSpec(o, previous) && (previous as Fields)['spec'] !== undefined) out['spec'] = (previous as Fields)['spec'];
  if (out['status'] !== undefined) out['status'] = pooledStatus(out['status'], intern);
  out['metadata'] = pooledMetadata(pick(o.metadata as Fields | undefined, RESOURCE_METADATA), intern);
  return out as KubernetesObject;
}

/**
 * A Secret as cached: type, data and the metadata read. The ledger's own Secret keeps no data: only
 * the ledger store reads it, always from the API, and its data is the whole compressed ledger.
 */
export function slimSecret(o: KubernetesObject): KubernetesObject {
  const full = o as Fields;
  const isLedger = full['type'] === LEDGER_SECRET_TYPE;
  const out = pick(full, isLedger ? ['apiVersion', 'kind', 'type'] : ['apiVersion', 'kind', 'type', 'data']);
  const metadata = pick(o.metadata as Fields | undefined, SECRET_METADATA) as V1ObjectMeta;
  const annotations = ownAnnotations(metadata.annotations);
  if (annotations === undefined) delete metadata.annotations;
  else metadata.annotations = annotations;
  out['metadata'] = metadata;
  return out as KubernetesObject;
}
