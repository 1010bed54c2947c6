import { KubernetesObjectApi, PatchStrategy, Watch, makeInformer, type Informer, type ObjectCache } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube-api-server.js';
import { serviceProvider, type CustomResource } from '../../support/kube-api/client-helpers.js';

let server: KubeApiServer;
let objects: KubernetesObjectApi;
const informers: (Informer<CustomResource> & ObjectCache<CustomResource>)[] = [];

beforeEach(async () => {
  server = await startKubeApiServer();
  objects = KubernetesObjectApi.makeApiClient(server.kubeconfig());
});
afterEach(async () => {
  for (const i of informers.splice(0)) await i.stop();
  await server.close();
});

interface Recorded {
  readonly informer: Informer<CustomResource> & ObjectCache<CustomResource>;
  readonly seen: string[];
  readonly errors: unknown[];
}

/** An informer on all ServiceProviders that records `verb name` for every event it delivers. */
function recordingInformer(path = '/apis/syncwise.io/v1alpha1/serviceproviders', namespace?: string): Recorded {
  const informer = makeInformer<CustomResource>(server.kubeconfig(), path, () => objects.list<CustomResource>('syncwise.io/v1alpha1', 'ServiceProvider', namespace));
  const seen: string[] = [];
  const errors: unknown[] = [];
  for (const verb of ['add', 'update', 'delete'] as const) informer.on(verb, (o) => seen.push(`${verb} ${o.metadata?.name ?? ''}`));
  informer.on('error', (e) => errors.push(e));
  informers.push(informer);
  return { informer, seen, errors };
}

describe('list and watch through client-node informers', () => {
  it('sees creates, updates and deletes after the initial list', async () => {
    await objects.create(serviceProvider('before', {}));
    const { informer, seen } = recordingInformer();
    await informer.start();
    expect(seen).toEqual(['add before']);
    const created = await objects.create<CustomResource>(serviceProvider('after', { active: true }));
    await objects.replace<CustomResource>({ ...created, spec: { ...created.spec, active: false } });
    await objects.delete(serviceProvider('before', {}));
    await vi.waitFor(() => expect(seen).toEqual(['add before', 'add after', 'update after', 'delete before']));
    expect(informer.get('after', 'default')?.spec).toMatchObject({ active: false });
  });

  it('reports the finalizer flow as an update with deletionTimestamp, then a delete', async () => {
    const { informer, seen } = recordingInformer();
    await informer.start();
    await objects.create(serviceProvider('p', {}, { finalizers: ['syncwise.io/finalizer'] }));
    await objects.delete(serviceProvider('p', {}));
    await vi.waitFor(() => expect(informer.get('p', 'default')?.metadata?.deletionTimestamp).toBeDefined());
    await objects.patch(serviceProvider('p', {}, { finalizers: null }), undefined, undefined, undefined, undefined, PatchStrategy.MergePatch);
    await vi.waitFor(() => expect(seen).toEqual(['add p', 'update p', 'delete p']));
  });

  it('resumes the watch from its resourceVersion when the server ends the connection', async () => {
    const { informer, seen, errors } = recordingInformer();
    await informer.start();
    await vi.waitFor(() => expect(server.openWatches()).toBe(1));
    expect(server.dropWatches('end')).toBe(1);
    await objects.create(serviceProvider('during-reconnect', {}));
    await vi.waitFor(() => expect(seen).toEqual(['add during-reconnect']));
    const watches = server.requests().filter((r) => r.url.includes('watch=true'));
    expect(watches.length).toBe(2);
    expect(watches[1]?.url).toMatch(/resourceVersion=\d+/);
    expect(server.requests().filter((r) => r.method === 'GET' && !r.url.includes('watch') && r.url.includes('serviceproviders'))).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('lets an informer that failed on a reset connection be restarted, replaying what it missed', async () => {
    const { informer, seen, errors } = recordingInformer();
    await informer.start();
    await vi.waitFor(() => expect(server.openWatches()).toBe(1));
    server.dropWatches('reset');
    await vi.waitFor(() => expect(errors.length).toBeGreaterThan(0));
    await objects.create(serviceProvider('while-down', {}));
    await informer.start();
    await vi.waitFor(() => expect(seen).toEqual(['add while-down']));
  });

  it('relists after 410 Expired when the history it resumes from was compacted', async () => {
    await objects.create(serviceProvider('gone-later', {}));
    const { informer, seen } = recordingInformer();
    await informer.start();
    await vi.waitFor(() => expect(server.openWatches()).toBe(1));
    const lists = (): number => server.requests().filter((r) => r.method === 'GET' && !r.url.includes('watch') && r.url.endsWith('serviceproviders')).length;
    server.dropWatches('reset');
    await vi.waitFor(() => expect(server.openWatches()).toBe(0));
    await objects.delete(serviceProvider('gone-later', {}));
    await objects.create(serviceProvider('new', {}));
    server.compact();
    await informer.start();
    await vi.waitFor(() => expect(seen).toEqual(['add gone-later', 'delete gone-later', 'add new']));
    expect(lists()).toBe(2);
  });
});

describe('raw watch streams', () => {
  it('sends an ERROR event with a 410 Status for a compacted resourceVersion', async () => {
    await objects.create(serviceProvider('p', {}));
    await objects.create(serviceProvider('q', {}));
    server.compact();
    const events: { type: string; code: unknown }[] = [];
    const done = new Promise<unknown>((resolve) => {
      void new Watch(server.kubeconfig()).watch('/apis/syncwise.io/v1alpha1/namespaces/default/serviceproviders', { resourceVersion: '1' },
        (type, object: { code?: unknown }) => events.push({ type, code: object.code }), resolve);
    });
    await done;
    expect(events).toEqual([{ type: 'ERROR', code: 410 }]);
  });

  it('reports objects entering and leaving a label selector as ADDED and DELETED, and sends bookmarks on request', async () => {
    const events: string[] = [];
    const controller = await new Watch(server.kubeconfig()).watch('/apis/syncwise.io/v1alpha1/namespaces/default/serviceproviders',
      { labelSelector: 'tier=gold', allowWatchBookmarks: true, resourceVersion: '0' },
      (type, object: CustomResource) => events.push(`${type} ${object.metadata?.name ?? object.metadata?.resourceVersion ?? ''}`), () => undefined);
    await vi.waitFor(() => expect(server.openWatches()).toBe(1));
    const p = await objects.create<CustomResource>(serviceProvider('p', {}, { labels: { tier: 'silver' } }));
    const gold = await objects.replace<CustomResource>({ ...p, metadata: { ...p.metadata, labels: { tier: 'gold' } } });
    const changed = await objects.replace<CustomResource>({ ...gold, spec: { ...gold.spec, active: false } });
    await objects.replace<CustomResource>({ ...changed, metadata: { ...changed.metadata, labels: {} } });
    server.sendBookmarks();
    await vi.waitFor(() => expect(events).toEqual(['ADDED p', 'MODIFIED p', 'DELETED p', 'BOOKMARK 4']));
    controller.abort();
  });
});
