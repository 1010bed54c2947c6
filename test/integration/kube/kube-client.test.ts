import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../../../src/engine/kube-client.js';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube-api-server.js';

describe('Kubernetes API clients keep their connections', () => {
  let server: KubeApiServer;

  beforeAll(async () => {
    server = await startKubeApiServer();
  });

  afterAll(async () => {
    await server.close();
  });

  /** Connections the fake apiserver accepted while `work` ran. */
  async function connectionsOf(work: () => Promise<void>): Promise<number> {
    const before = server.connections();
    await work();
    return server.connections() - before;
  }

  const reads = 20;

  it('opens a connection per request with makeApiClient (what it replaces)', async () => {
    const core = server.kubeconfig().makeApiClient(CoreV1Api);
    const opened = await connectionsOf(async () => {
      for (let i = 0; i < reads; i++) await core.listNamespacedSecret({ namespace: 'default' });
    });
    expect(opened).toBe(reads);
  });

  it('sends sequential requests of every client of one kubeconfig over one connection', async () => {
    const kc = server.kubeconfig();
    const core = apiClient(kc, CoreV1Api);
    const custom = apiClient(kc, CustomObjectsApi);
    const opened = await connectionsOf(async () => {
      for (let i = 0; i < reads; i++) {
        await core.listNamespacedSecret({ namespace: 'default' });
        await custom.listNamespacedCustomObject({ group: 'syncwise.io', version: 'v1alpha1', namespace: 'default', plural: 'serviceproviders' });
      }
    });
    expect(opened).toBe(1);
  });

  it('writes and reads the same objects as before', async () => {
    const core = apiClient(server.kubeconfig('team-a'), CoreV1Api);
    await core.createNamespacedSecret({ namespace: 'team-a', body: { metadata: { name: 'kept' }, stringData: { k: 'v' } } });
    const read = await core.readNamespacedSecret({ name: 'kept', namespace: 'team-a' });
    expect(read.metadata?.name).toBe('kept');
    expect(server.objects('secrets', 'team-a').map((o) => (o.metadata as { name: string }).name)).toEqual(['kept']);
  });

  it('opens more connections only for requests in flight at the same time', async () => {
    const core = apiClient(server.kubeconfig(), CoreV1Api);
    const opened = await connectionsOf(async () => {
      for (let round = 0; round < 5; round++) await Promise.all([1, 2, 3, 4].map(() => core.listNamespacedSecret({ namespace: 'default' })));
    });
    expect(opened).toBeLessThanOrEqual(4);
  });
});
