import { describe, expect, it } from 'vitest';
import type { KubernetesObject } from '@kubernetes/client-node';
import { LEDGER_SECRET_TYPE } from '../../../src/engine/ledger/kubernetes.js';
import { createStringPool, slimCustomResource, slimSecret } from '../../../src/modes/operator/cached-object.js';

const managedFields = [{ manager: 'kubectl', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:providerName': {} } } }];

function provider(generation: number, spec: Record<string, unknown>, status?: Record<string, unknown>): KubernetesObject {
  return {
    apiVersion: 'syncwise.io/v1alpha1', kind: 'ServiceProvider',
    metadata: {
      name: 'bbb', namespace: 'team', uid: 'u1', generation, resourceVersion: String(10 + generation), creationTimestamp: new Date('2026-01-01T00:00:00Z'),
      finalizers: ['syncwise.io/finalizer'], labels: { region: 'eu' }, managedFields,
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ spec }) }, ownerReferences: [],
    },
    ...{ spec, ...(status ? { status } : {}) },
  } as KubernetesObject;
}

describe('objects as the operator caches them', () => {
  it('keeps of a custom resource what the operator reads and drops managedFields and annotations', () => {
    const slim = slimCustomResource(provider(2, { providerName: 'BBB' }, { observedGeneration: 2 }), undefined) as KubernetesObject & Record<string, unknown>;
    expect(slim).toEqual({
      apiVersion: 'syncwise.io/v1alpha1', kind: 'ServiceProvider',
      metadata: { name: 'bbb', namespace: 'team', uid: 'u1', generation: 2, resourceVersion: '12', creationTimestamp: new Date('2026-01-01T00:00:00Z'), finalizers: ['syncwise.io/finalizer'], labels: { region: 'eu' } },
      spec: { providerName: 'BBB' }, status: { observedGeneration: 2 },
    });
  });

  it('shares the spec of the version it replaces while the generation is the same, and not once it changed', () => {
    const first = slimCustomResource(provider(2, { providerName: 'BBB' }), undefined) as Record<string, unknown>;
    const statusWritten = slimCustomResource(provider(2, { providerName: 'BBB' }, { observedGeneration: 2 }), first as KubernetesObject) as Record<string, unknown>;
    expect(statusWritten['spec']).toBe(first['spec']);
    expect(statusWritten['status']).toEqual({ observedGeneration: 2 });
    const edited = slimCustomResource(provider(3, { providerName: 'BBB 2' }), statusWritten as KubernetesObject) as Record<string, unknown>;
    expect(edited['spec']).toEqual({ providerName: 'BBB 2' });
    const other = { ...provider(3, { providerName: 'BBB 3' }), metadata: { ...provider(3, {}).metadata, uid: 'u2' } };
    expect((slimCustomResource(other, edited as KubernetesObject) as Record<string, unknown>)['spec']).toEqual({ providerName: 'BBB 3' });
  });

  it('gives the same object with strings from a pool, also once the pool was emptied', () => {
    const status = { observedGeneration: 2, conditions: [{ type: 'Ready', status: 'True', reason: 'Applied', message: 'created on target sw', lastTransitionTime: '2026-01-01T00:00:00Z', observedGeneration: 2 }] };
    const intern = createStringPool(3);
    for (let i = 0; i < 5; i++) {
      const o = provider(2, { providerName: `BBB ${i}` }, status);
      expect(slimCustomResource(o, undefined, intern)).toEqual(slimCustomResource(o, undefined));
    }
    expect(intern('created on target sw')).toBe('created on target sw');
  });

  it('keeps a Secret\'s data, labels and syncwise annotations only', () => {
    const secret = {
      apiVersion: 'v1', kind: 'Secret', type: 'Opaque', data: { projectApiKey: 'a2V5' },
      metadata: { name: 'conn', namespace: 'team', uid: 's1', resourceVersion: '5', labels: { 'app.kubernetes.io/managed-by': 'syncwise' }, annotations: { 'syncwise.io/project-id': 'p1', 'other.io/note': 'x' }, managedFields },
    } as KubernetesObject;
    expect(slimSecret(secret)).toEqual({
      apiVersion: 'v1', kind: 'Secret', type: 'Opaque', data: { projectApiKey: 'a2V5' },
      metadata: { name: 'conn', namespace: 'team', uid: 's1', resourceVersion: '5', labels: { 'app.kubernetes.io/managed-by': 'syncwise' }, annotations: { 'syncwise.io/project-id': 'p1' } },
    });
    const plain = { ...secret, metadata: { name: 'plain', namespace: 'team', annotations: { 'other.io/note': 'x' } } } as KubernetesObject;
    expect(slimSecret(plain).metadata).toEqual({ name: 'plain', namespace: 'team' });
  });

  it('keeps no data of the ledger Secret', () => {
    const ledger = { apiVersion: 'v1', kind: 'Secret', type: LEDGER_SECRET_TYPE, data: { 'ledger.json.gz': 'H4sI' }, metadata: { name: 'syncwise-ledger', namespace: 'team' } } as KubernetesObject;
    expect(slimSecret(ledger)).toEqual({ apiVersion: 'v1', kind: 'Secret', type: LEDGER_SECRET_TYPE, metadata: { name: 'syncwise-ledger', namespace: 'team' } });
  });
});
