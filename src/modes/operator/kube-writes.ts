/**
 * Every write the operator makes to its custom resources: merge patches of the status subresource
 * and of `metadata.finalizers`. Finalizer patches carry the resourceVersion they were computed
 * from, so a concurrent change answers 409 and the next run decides again.
 */
import { ApiException, CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { FINALIZER, GROUP, PLURALS, VERSION, type CustomResource, type ObjectRef } from './kinds.js';
import type { ObjectStatus } from './status.js';
import { apiClient } from '../../engine/kube-client.js';

const MERGE = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export interface ObjectWriter {
  /** Writes `status` through the status subresource; fields the old status had and the new one lacks are removed. */
  writeStatus(ref: ObjectRef, status: ObjectStatus, existing: unknown): Promise<void>;
  addFinalizer(ref: ObjectRef, object: CustomResource): Promise<void>;
  removeFinalizer(ref: ObjectRef, object: CustomResource): Promise<void>;
}

/** The HTTP code of a failed Kubernetes call, or undefined for a network error. */
export function apiCode(e: unknown): number | undefined {
  return e instanceof ApiException ? e.code : undefined;
}

/** A short, secret-free description of a failed Kubernetes call. */
export function apiError(e: unknown): string {
  if (e instanceof ApiException) return `HTTP ${e.code}`;
  return e instanceof Error ? e.message : String(e);
}

function removals(next: ObjectStatus, existing: unknown): Record<string, null> {
  const out: Record<string, null> = {};
  if (existing === null || typeof existing !== 'object') return out;
  for (const k of Object.keys(existing)) if (!(k in next)) out[k] = null;
  return out;
}

/** Writes through the Kubernetes API with `kubeConfig`'s credentials. */
export function createObjectWriter(kubeConfig: KubeConfig): ObjectWriter {
  const api = apiClient(kubeConfig, CustomObjectsApi);
  const at = (ref: ObjectRef) => ({ group: GROUP, version: VERSION, plural: PLURALS[ref.kind], namespace: ref.namespace, name: ref.name });
  const finalizers = async (ref: ObjectRef, object: CustomResource, list: string[]): Promise<void> => {
    const metadata = { finalizers: list, resourceVersion: object.metadata?.resourceVersion };
    await api.patchNamespacedCustomObject({ ...at(ref), body: { metadata } }, MERGE);
  };
  return {
    writeStatus: async (ref, status, existing) => {
      await api.patchNamespacedCustomObjectStatus({ ...at(ref), body: { status: { ...removals(status, existing), ...status } } }, MERGE);
    },
    addFinalizer: (ref, object) => finalizers(ref, object, [...(object.metadata?.finalizers ?? []), FINALIZER]),
    removeFinalizer: (ref, object) => finalizers(ref, object, (object.metadata?.finalizers ?? []).filter((f) => f !== FINALIZER)),
  };
}
