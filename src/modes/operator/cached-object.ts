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

function hasSameSpec(o: KubernetesObject, previous: KubernetesObject | undefined): boolean {
  const generation = o.metadata?.generation;
  return generation !== undefined && previous?.metadata?.uid === o.metadata?.uid && previous?.metadata?.generation === generation;
}

/**
 * A custom resource as cached: apiVersion, kind, the metadata read, spec and status. When the
 * version it replaces has the same generation (the apiserver bumps it on every change of the
 * spec), the new version shares that version's spec: the operator's own status and finalizer
 * writes then cost a new status, not a new copy of the spec in every version a run still holds.
 */
export function slimCustomResource(o: KubernetesObject, previous?: KubernetesObject): KubernetesObject {
  const full = o as Fields;
  const out = pick(full, ['apiVersion', 'kind', 'spec', 'status']);
  if (hasSameSpec(o, previous) && (previous as Fields)['spec'] !== undefined) out['spec'] = (previous as Fields)['spec'];
  out['metadata'] = pick(o.metadata as Fields | undefined, RESOURCE_METADATA);
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
