/**
 * Which cache events mean "look again". A custom resource counts when it appears, disappears, or
 * its spec (generation), labels or deletion changes: the operator's own status and finalizer
 * writes do not, so they never loop. A Secret counts only when a custom resource references it
 * (`secretKeyRef`, or a Project's connection Secret) and its data changed.
 */
import { createHash } from 'node:crypto';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { CacheEvent } from './informers.js';
import type { CustomResource } from './kinds.js';

function fingerprint(e: CacheEvent): string {
  const m = e.object.metadata ?? {};
  if (e.source === 'Secret') {
    const data = (e.object as { data?: unknown }).data ?? {};
    return createHash('sha256').update(JSON.stringify(data)).digest('hex');
  }
  return JSON.stringify([m.generation ?? 0, m.deletionTimestamp !== undefined && m.deletionTimestamp !== null, m.labels ?? {}]);
}

function visit(value: unknown, found: (ref: { name?: unknown }) => void): void {
  if (Array.isArray(value)) for (const v of value) visit(v, found);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if ((k === 'secretKeyRef' || k === 'writeConnectionSecretToRef') && v !== null && typeof v === 'object') found(v as { name?: unknown });
      else visit(v, found);
    }
  }
}

/** `namespace/name` of every Secret the custom resources read or write. */
export function referencedSecrets(objects: readonly CustomResource[]): Set<string> {
  const out = new Set<string>();
  for (const o of objects) {
    visit(o.spec, (ref) => {
      if (typeof ref.name === 'string') out.add(`${o.metadata?.namespace ?? ''}/${ref.name}`);
    });
  }
  return out;
}

/** Returns a filter that answers whether an event should trigger a run; it remembers what it saw. */
export function createTriggerFilter(references: () => ReadonlySet<string>): (event: CacheEvent) => boolean {
  const seen = new Map<string, string>();
  const idOf = (source: string, o: KubernetesObject): string => `${source}\u0000${o.metadata?.uid ?? `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`}`;
  return (event) => {
    const id = idOf(event.source, event.object);
    const before = seen.get(id);
    const now = fingerprint(event);
    if (event.type === 'delete') seen.delete(id);
    else if (before !== now) seen.set(id, now); // an unchanged fingerprint keeps its first copy: the operator's own writes add nothing
    const changed = event.type !== 'update' || before !== now;
    if (!changed) return false;
    if (event.source !== 'Secret') return true;
    return references().has(`${event.object.metadata?.namespace ?? ''}/${event.object.metadata?.name ?? ''}`);
  };
}
