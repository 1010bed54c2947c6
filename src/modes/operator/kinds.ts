/**
 * The Kubernetes side of the syncwise kinds: group, version, plurals and the finalizer the
 * operator puts on every custom resource it manages.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { KINDS, type Kind } from '../../core/model.js';

export const GROUP = 'syncwise.io';
export const VERSION = 'v1alpha1';
/** Held by every custom resource the operator manages, so a delete waits for the platform object. */
export const FINALIZER = 'syncwise.io/finalizer';

/** The resource name of each kind in the API path (`serviceproviders`). */
export const PLURALS: Readonly<Record<Kind, string>> = {
  Target: 'targets',
  ServiceProvider: 'serviceproviders',
  ServicePackage: 'servicepackages',
  Subscription: 'subscriptions',
  ProjectDefaults: 'projectdefaults',
  Project: 'projects',
};

export { KINDS };

/** A syncwise custom resource as read from the API: metadata plus a free-form spec and status. */
export type CustomResource = KubernetesObject & {
  readonly spec?: unknown;
  readonly status?: Readonly<Record<string, unknown>>;
};

/** A Secret as read from the API (base64 data). */
export type SecretObject = KubernetesObject & { readonly data?: Readonly<Record<string, string>>; readonly type?: string };

/** Identity of one custom resource, as carried through a run. */
export interface ObjectRef {
  readonly kind: Kind;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly generation: number;
  readonly resourceVersion: string;
}

/** The ref of a custom resource read from the API; undefined for an object without a name or uid. */
export function refOf(kind: Kind, obj: KubernetesObject): ObjectRef | undefined {
  const m = obj.metadata;
  if (m?.name === undefined || m.uid === undefined) return undefined;
  return { kind, namespace: m.namespace ?? '', name: m.name, uid: m.uid, generation: m.generation ?? 0, resourceVersion: m.resourceVersion ?? '' };
}

/** `namespace/name`, as diagnostics of custom resources cite them. */
export function objectName(ref: Pick<ObjectRef, 'namespace' | 'name'>): string {
  return ref.namespace === '' ? ref.name : `${ref.namespace}/${ref.name}`;
}

/** Whether the object has a deletion timestamp (it is being deleted, waiting for finalizers). */
export function isDeleting(obj: KubernetesObject): boolean {
  return obj.metadata?.deletionTimestamp !== undefined && obj.metadata.deletionTimestamp !== null;
}

/** Whether the object carries the operator's finalizer. */
export function hasFinalizer(obj: KubernetesObject): boolean {
  return obj.metadata?.finalizers?.includes(FINALIZER) ?? false;
}

/** `apiVersion` of every syncwise custom resource. */
export const API_VERSION_OF = `${GROUP}/${VERSION}`;
