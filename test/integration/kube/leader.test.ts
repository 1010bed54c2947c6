import { CoordinationV1Api, V1MicroTime, type KubeConfig, type V1LeaseSpec } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLeaderElector, type LeaderElector } from '../../../src/modes/operator/leader.js';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube-api-server.js';
import { startKubeProxy, type KubeProxy } from '../../support/kube-proxy.js';

/** Short timings: a 1 s lease, renewed every 0.2 s, given up after 0.6 s without a renewal. */
const TIMINGS = { leaseDurationSeconds: 1, renewDeadlineSeconds: 0.6, retryPeriodSeconds: 0.2 };
const LEASE = 'syncwise-operator';

interface Replica {
  readonly identity: string;
  readonly elector: LeaderElector;
  /** performance.now() of each onStartedLeading / onStoppedLeading call. */
  readonly started: number[];
  readonly stopped: number[];
}

let server: KubeApiServer;
let proxy: KubeProxy | undefined;
let replicas: Replica[];

beforeEach(async () => {
  server = await startKubeApiServer({ crds: 'none' });
  replicas = [];
});
afterEach(async () => {
  await Promise.all(replicas.map((r) => r.elector.stop()));
  await proxy?.close();
  proxy = undefined;
  await server.close();
});

function replica(identity: string, kubeConfig: KubeConfig = server.kubeconfig()): Replica {
  const started: number[] = [];
  const stopped: number[] = [];
  const elector = createLeaderElector({
    kubeConfig, namespace: 'default', name: LEASE, identity, ...TIMINGS,
    onStartedLeading: () => started.push(performance.now()),
    onStoppedLeading: () => stopped.push(performance.now()),
  });
  const r = { identity, elector, started, stopped };
  replicas.push(r);
  return r;
}

function leaseSpec(): V1LeaseSpec {
  const [lease] = server.objects('leases', 'default').filter((l) => (l['metadata'] as { name?: string }).name === LEASE);
  return (lease?.['spec'] ?? {}) as V1LeaseSpec;
}

function leaders(): string[] {
  return replicas.filter((r) => r.elector.isLeader).map((r) => r.identity);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('Lease leader election', () => {
  it('elects exactly one of two replicas and keeps it while it renews', async () => {
    const a = replica('pod-a');
    const b = replica('pod-b');
    a.elector.start();
    b.elector.start();
    await vi.waitFor(() => expect(leaders()).toHaveLength(1), { timeout: 3000, interval: 20 });
    const [leader] = leaders();
    const renewedBefore = leaseSpec().renewTime;
    await sleep(1500); // longer than the lease: only renewals keep it
    expect(leaders()).toEqual([leader]);
    expect(a.started.length + b.started.length).toBe(1);
    expect(leaseSpec()).toMatchObject({ holderIdentity: leader, leaseDurationSeconds: 1, leaseTransitions: 0 });
    expect(leaseSpec().renewTime).not.toEqual(renewedBefore);
  });

  it('releases the lease on stop, and the standby takes over within a lease duration', async () => {
    const a = replica('pod-a');
    a.elector.start();
    await vi.waitFor(() => expect(a.elector.isLeader).toBe(true), { timeout: 3000, interval: 20 });
    const b = replica('pod-b');
    b.elector.start();
    await sleep(500);
    expect(b.elector.isLeader).toBe(false);
    const stoppedAt = performance.now();
    await a.elector.stop();
    expect(a.elector.isLeader).toBe(false);
    expect(a.stopped).toHaveLength(1);
    await vi.waitFor(() => expect(b.elector.isLeader).toBe(true), { timeout: 3000, interval: 10 });
    expect(b.started[0]! - stoppedAt).toBeLessThan(1000);
    expect(leaseSpec()).toMatchObject({ holderIdentity: 'pod-b', leaseTransitions: 1 });
  });

  it('clears holderIdentity when the only leader stops', async () => {
    const a = replica('pod-a');
    a.elector.start();
    await vi.waitFor(() => expect(a.elector.isLeader).toBe(true), { timeout: 3000, interval: 20 });
    await a.elector.stop();
    expect(leaseSpec().holderIdentity).toBeUndefined();
    expect(leaseSpec().leaseTransitions).toBe(0);
  });

  it('steps down when it cannot renew, before anyone else takes over', async () => {
    proxy = await startKubeProxy(server);
    const a = replica('pod-a', proxy.kubeconfig());
    a.elector.start();
    await vi.waitFor(() => expect(a.elector.isLeader).toBe(true), { timeout: 3000, interval: 20 });
    const b = replica('pod-b');
    b.elector.start();
    await sleep(400);
    const cutAt = performance.now();
    proxy.cut(true); // pod-a loses the API server; pod-b still reaches it
    await vi.waitFor(() => expect(b.elector.isLeader).toBe(true), { timeout: 4000, interval: 10 });
    expect(a.elector.isLeader).toBe(false);
    expect(a.stopped).toHaveLength(1);
    expect(a.stopped[0]! - cutAt).toBeLessThan(1500); // retry period + renew deadline, with room for a loaded machine
    expect(a.stopped[0]!).toBeLessThan(b.started[0]!); // never two leaders at once
    expect(leaseSpec()).toMatchObject({ holderIdentity: 'pod-b', leaseTransitions: 1 });
  });

  it('loses a write race with 409 and stays a candidate until the winner lets the lease expire', async () => {
    const coordination = server.kubeconfig().makeApiClient(CoordinationV1Api);
    const stale = new V1MicroTime(Date.now() - 60_000);
    await coordination.createNamespacedLease({
      namespace: 'default',
      body: { metadata: { name: LEASE, namespace: 'default' }, spec: { holderIdentity: 'gone', leaseDurationSeconds: 1, acquireTime: stale, renewTime: stale, leaseTransitions: 4 } },
    });
    proxy = await startKubeProxy(server);
    let raced = false;
    proxy.beforeForward(async ({ method, url }) => {
      if (raced || method !== 'PUT' || !url.includes(`/leases/${LEASE}`)) return;
      raced = true; // another replica writes the lease between pod-a's read and its write
      const current = await coordination.readNamespacedLease({ name: LEASE, namespace: 'default' });
      const now = new V1MicroTime();
      await coordination.replaceNamespacedLease({ name: LEASE, namespace: 'default', body: { ...current, spec: { ...current.spec, holderIdentity: 'pod-x', renewTime: now, acquireTime: now, leaseTransitions: 5 } } });
    });
    const a = replica('pod-a', proxy.kubeconfig());
    a.elector.start();
    await vi.waitFor(() => expect(proxy?.forwarded().some((r) => r.method === 'PUT' && r.status === 409)).toBe(true), { timeout: 4000, interval: 10 });
    expect(a.elector.isLeader).toBe(false);
    expect(leaseSpec().holderIdentity).toBe('pod-x');
    await sleep(500); // pod-x's lease is still valid by pod-a's own clock
    expect(a.elector.isLeader).toBe(false);
    await vi.waitFor(() => expect(a.elector.isLeader).toBe(true), { timeout: 4000, interval: 20 });
    expect(leaseSpec()).toMatchObject({ holderIdentity: 'pod-a', leaseTransitions: 6 });
  });

  it('refuses timings where the renew deadline is not shorter than the lease', () => {
    expect(() => createLeaderElector({
      kubeConfig: server.kubeconfig(), namespace: 'default', name: LEASE, identity: 'x',
      leaseDurationSeconds: 1, renewDeadlineSeconds: 1, retryPeriodSeconds: 0.2, onStartedLeading: () => undefined, onStoppedLeading: () => undefined,
    })).toThrow(/must be greater than renewDeadlineSeconds/);
  });
});
