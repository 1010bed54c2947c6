import {
  CoordinationV1Api, CoreV1Api, CustomObjectsApi, EventsV1Api, KubernetesObjectApi, PatchStrategy, V1MicroTime, setHeaderOptions,
} from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube-api-server.js';
import { apiFailure, PROVIDER_SPEC, serviceProvider, serviceProviders, type CustomResource } from '../../support/kube-api/client-helpers.js';

let server: KubeApiServer;
let custom: CustomObjectsApi;
let objects: KubernetesObjectApi;

beforeEach(async () => {
  server = await startKubeApiServer();
  custom = server.kubeconfig().makeApiClient(CustomObjectsApi);
  objects = KubernetesObjectApi.makeApiClient(server.kubeconfig());
});
afterEach(async () => server.close());

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

describe('custom resources through the generic object API', () => {
  it('creates with identity and generation 1, and reads back what it stored', async () => {
    const created = await objects.create<CustomResource>(serviceProvider('bbb-eu-1', { providerName: 'BBB' }));
    expect(created.metadata).toMatchObject({ name: 'bbb-eu-1', namespace: 'default', generation: 1 });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.creationTimestamp).toBeDefined();
    const read = await objects.read<CustomResource>({ apiVersion: 'syncwise.io/v1alpha1', kind: 'ServiceProvider', metadata: { name: 'bbb-eu-1', namespace: 'default' } });
    expect(read.spec).toMatchObject({ ...PROVIDER_SPEC, providerName: 'BBB' });
    expect(server.requests().some((r) => r.url === '/apis/syncwise.io/v1alpha1')).toBe(true);
  });

  it('bumps generation on spec changes only, and a no-op write keeps the resourceVersion', async () => {
    const created = await objects.create<CustomResource>(serviceProvider('p', { active: true }, { labels: { team: 'a' } }));
    const labelled = await objects.patch<CustomResource>({ ...serviceProvider('p', { active: true }), metadata: { name: 'p', namespace: 'default', labels: { team: 'b' } } }, undefined, undefined, undefined, undefined, PatchStrategy.MergePatch);
    expect(labelled.metadata?.generation).toBe(1);
    expect(Number(labelled.metadata?.resourceVersion)).toBeGreaterThan(Number(created.metadata?.resourceVersion));
    const changed = await objects.replace<CustomResource>({ ...labelled, spec: { ...labelled.spec, active: false } });
    expect(changed.metadata?.generation).toBe(2);
    const same = await objects.replace<CustomResource>(changed);
    expect(same.metadata?.resourceVersion).toBe(changed.metadata?.resourceVersion);
  });

  it('creates on server-side apply and merges on a second apply', async () => {
    await objects.patch(serviceProvider('applied', { providerName: 'one' }), undefined, undefined, 'syncwise', true, PatchStrategy.ServerSideApply);
    const partial = { apiVersion: 'syncwise.io/v1alpha1', kind: 'ServiceProvider', metadata: { name: 'applied', namespace: 'default' }, spec: { active: false } };
    await objects.patch(partial, undefined, undefined, 'syncwise', true, PatchStrategy.ServerSideApply);
    expect(server.objects('ServiceProvider')[0]?.['spec']).toMatchObject({ providerName: 'one', active: false });
    expect(server.requests().filter((r) => r.contentType === 'application/apply-patch+yaml')).toHaveLength(2);
  });

  it('answers 404, 409 AlreadyExists and 422 Invalid with real Status objects', async () => {
    const missing = await apiFailure(custom.getNamespacedCustomObject({ ...serviceProviders(), name: 'nope' }));
    expect(missing).toMatchObject({ code: 404, status: { kind: 'Status', status: 'Failure', reason: 'NotFound', details: { name: 'nope', group: 'syncwise.io', kind: 'serviceproviders' } } });
    await objects.create(serviceProvider('twice', {}));
    expect(await apiFailure(objects.create(serviceProvider('twice', {})))).toMatchObject({ code: 409, status: { reason: 'AlreadyExists' } });
    const bad = await apiFailure(objects.create(serviceProvider('Not_A_Name', {})));
    expect(bad).toMatchObject({ code: 422, status: { reason: 'Invalid', details: { causes: [{ field: 'metadata.name', reason: 'FieldValueInvalid' }] } } });
  });

  it('refuses an update carrying a stale resourceVersion with 409 Conflict', async () => {
    const first = await objects.create<CustomResource>(serviceProvider('p', { active: true }));
    await objects.replace<CustomResource>({ ...first, spec: { ...first.spec, active: false } });
    const stale = await apiFailure(objects.replace<CustomResource>({ ...first, spec: { ...first.spec, active: true } }));
    expect(stale.code).toBe(409);
    expect(stale.status).toMatchObject({ reason: 'Conflict', message: expect.stringContaining('the object has been modified') });
    expect(server.objects('swsp')[0]?.['spec']).toMatchObject({ active: false });
  });
});

describe('CRD schemas of the chart', () => {
  it('applies schema defaults and prunes fields the CRD does not declare', async () => {
    await objects.create({ ...serviceProvider('p', {}), spec: { ...PROVIDER_SPEC, unknownField: 1 } });
    expect(server.objects('ServiceProvider')[0]?.['spec']).toEqual({ ...PROVIDER_SPEC, active: true, serviceType: 'meet', settings: {}, deletionPolicy: 'Delete' });
  });

  it('refuses an invalid spec or status with 422 and one cause per field', async () => {
    const bad = await apiFailure(objects.create(serviceProvider('p', { providerType: 'jitsi', properties: { url: 'https://x.example.com' } })));
    expect(bad.code).toBe(422);
    const causes = (bad.status['details'] as { causes: { field: string }[] }).causes.map((c) => c.field);
    expect(causes).toEqual(expect.arrayContaining(['spec.providerType', 'spec.properties.secret']));
    await objects.create(serviceProvider('p', {}));
    const status = { conditions: [{ type: 'Ready', status: 'Maybe' }] };
    const refused = await apiFailure(custom.patchNamespacedCustomObjectStatus({ ...serviceProviders(), name: 'p', body: { status } }, merge));
    expect(refused.code).toBe(422);
  });

  it('stores custom resources unchecked when started without CRDs', async () => {
    const bare = await startKubeApiServer({ crds: 'none' });
    try {
      await KubernetesObjectApi.makeApiClient(bare.kubeconfig()).create({ ...serviceProvider('p', {}), spec: { anything: true } });
      expect(bare.objects('ServiceProvider')[0]?.['spec']).toEqual({ anything: true });
    } finally {
      await bare.close();
    }
  });
});

describe('status subresource', () => {
  it('changes only status through /status, and the main endpoint ignores status', async () => {
    await objects.create<CustomResource>({ ...serviceProvider('p', { active: true }), status: { ignored: true } });
    expect(server.objects('ServiceProvider')[0]?.['status']).toBeUndefined();
    const ready = { type: 'Ready', status: 'True', reason: 'Applied', message: 'created', lastTransitionTime: '2026-11-22T10:00:00Z' };
    const body = { spec: { active: false }, status: { observedGeneration: 1, conditions: [ready] } };
    const patched = (await custom.patchNamespacedCustomObjectStatus({ ...serviceProviders(), name: 'p', body }, merge)) as CustomResource;
    expect(patched.spec).toMatchObject({ active: true });
    expect(patched.status).toEqual(body.status);
    expect(patched.metadata?.generation).toBe(1);
    await custom.patchNamespacedCustomObject({ ...serviceProviders(), name: 'p', body: { status: { observedGeneration: 9 } } }, merge);
    expect(server.objects('ServiceProvider')[0]?.['status']).toEqual(body.status);
  });

  it('applies a JSON patch to status and refuses a failing test operation with 422', async () => {
    await objects.create(serviceProvider('p', {}));
    await custom.patchNamespacedCustomObjectStatus({ ...serviceProviders(), name: 'p', body: [{ op: 'add', path: '/status', value: { externalId: 'k3Jx9q' } }] });
    expect(server.objects('ServiceProvider')[0]?.['status']).toEqual({ externalId: 'k3Jx9q' });
    const failed = await apiFailure(custom.patchNamespacedCustomObjectStatus({ ...serviceProviders(), name: 'p', body: [{ op: 'test', path: '/status/externalId', value: 'other' }] }));
    expect(failed.code).toBe(422);
  });
});

describe('deletion with finalizers', () => {
  it('keeps the object with deletionTimestamp until its finalizers are removed', async () => {
    await objects.create(serviceProvider('p', {}, { finalizers: ['syncwise.io/finalizer'] }));
    const deleting = (await custom.deleteNamespacedCustomObject({ ...serviceProviders(), name: 'p' })) as CustomResource;
    expect(deleting.metadata?.deletionTimestamp).toBeDefined();
    expect(deleting.metadata?.generation).toBe(2);
    expect(server.objects('ServiceProvider')).toHaveLength(1);
    const added = await apiFailure(custom.patchNamespacedCustomObject({ ...serviceProviders(), name: 'p', body: { metadata: { finalizers: ['syncwise.io/finalizer', 'other'] } } }, merge));
    expect(added).toMatchObject({ code: 422, status: { details: { causes: [{ field: 'metadata.finalizers' }] } } });
    await custom.patchNamespacedCustomObject({ ...serviceProviders(), name: 'p', body: [{ op: 'remove', path: '/metadata/finalizers' }] });
    expect(server.objects('ServiceProvider')).toHaveLength(0);
  });

  it('deletes an object without finalizers at once and honours a uid precondition', async () => {
    await objects.create(serviceProvider('p', {}));
    const refused = await apiFailure(custom.deleteNamespacedCustomObject({ ...serviceProviders(), name: 'p', body: { preconditions: { uid: 'other' } } }));
    expect(refused).toMatchObject({ code: 409, status: { reason: 'Conflict' } });
    await custom.deleteNamespacedCustomObject({ ...serviceProviders(), name: 'p' });
    expect(server.objects('ServiceProvider')).toHaveLength(0);
  });
});

describe('built-in kinds', () => {
  it('creates a Lease, refuses a second create and a stale update with 409, and accepts a fresh update', async () => {
    const coordination = server.kubeconfig().makeApiClient(CoordinationV1Api);
    const lease = { metadata: { name: 'syncwise-leader', namespace: 'default' }, spec: { holderIdentity: 'pod-a', leaseDurationSeconds: 15, renewTime: new V1MicroTime() } };
    const created = await coordination.createNamespacedLease({ namespace: 'default', body: lease });
    expect(await apiFailure(coordination.createNamespacedLease({ namespace: 'default', body: lease }))).toMatchObject({ code: 409, status: { reason: 'AlreadyExists' } });
    const renewed = await coordination.replaceNamespacedLease({ name: 'syncwise-leader', namespace: 'default', body: { ...created, spec: { ...created.spec, renewTime: new V1MicroTime() } } });
    const stale = { ...created, spec: { ...created.spec, holderIdentity: 'pod-b' } };
    expect((await apiFailure(coordination.replaceNamespacedLease({ name: 'syncwise-leader', namespace: 'default', body: stale }))).code).toBe(409);
    const read = await coordination.readNamespacedLease({ name: 'syncwise-leader', namespace: 'default' });
    expect(read.spec?.holderIdentity).toBe('pod-a');
    expect(read.metadata?.resourceVersion).toBe(renewed.metadata?.resourceVersion);
  });

  it('folds Secret stringData into base64 data and filters lists by label and field selectors', async () => {
    const core = server.kubeconfig().makeApiClient(CoreV1Api);
    await core.createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 'bbb', labels: { app: 'syncwise' } }, stringData: { secret: 's3cr3t' } } });
    await core.createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 'other' }, data: { k: 'dg==' } } });
    const read = await core.readNamespacedSecret({ name: 'bbb', namespace: 'default' });
    expect(read.data).toEqual({ secret: Buffer.from('s3cr3t').toString('base64') });
    expect(read.type).toBe('Opaque');
    const byLabel = await core.listNamespacedSecret({ namespace: 'default', labelSelector: 'app in (syncwise,x)' });
    expect(byLabel.items.map((s) => s.metadata?.name)).toEqual(['bbb']);
    const byField = await core.listNamespacedSecret({ namespace: 'default', fieldSelector: 'metadata.name!=bbb' });
    expect(byField.items.map((s) => s.metadata?.name)).toEqual(['other']);
    expect(Number(byField.metadata?.resourceVersion)).toBeGreaterThan(0);
    await core.createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 'ledger' }, type: 'syncwise.io/ledger', data: { k: 'dg==' } } });
    const byType = await core.listNamespacedSecret({ namespace: 'default', fieldSelector: 'type!=syncwise.io/ledger' });
    expect(byType.items.map((s) => s.metadata?.name)).toEqual(['bbb', 'other']);
  });

  it('stores core Events and validates events.k8s.io Events like the apiserver', async () => {
    const core = server.kubeconfig().makeApiClient(CoreV1Api);
    const involvedObject = { apiVersion: 'syncwise.io/v1alpha1', kind: 'ServiceProvider', name: 'p', namespace: 'default' };
    const event = await core.createNamespacedEvent({ namespace: 'default', body: { metadata: { generateName: 'p.' }, involvedObject, reason: 'Applied', message: 'created', type: 'Normal', count: 1 } });
    expect(event.metadata?.name).toMatch(/^p\.[0-9a-f]{5}$/);
    const events = server.kubeconfig().makeApiClient(EventsV1Api);
    const refused = await apiFailure(events.createNamespacedEvent({ namespace: 'default', body: { metadata: { name: 'e' }, eventTime: new V1MicroTime(), reason: 'Applied', type: 'Normal' } }));
    expect(refused.code).toBe(422);
    expect(refused.status['message']).toContain('reportingController');
    await events.createNamespacedEvent({ namespace: 'default', body: { metadata: { name: 'e' }, eventTime: new V1MicroTime(), reason: 'Applied', type: 'Normal', action: 'Reconcile', reportingController: 'syncwise.io/operator', reportingInstance: 'pod-a', regarding: involvedObject } });
    expect(server.objects('events.events.k8s.io')).toHaveLength(1);
  });
});
