/**
 * `node bin/syncwise.js operator` as child processes with KUBECONFIG pointing at the fake
 * apiserver: two replicas elect exactly one leader on a Lease, the leader reconciles, and on
 * SIGTERM it releases the Lease so the standby takes over at once.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CoordinationV1Api } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { msg, startCli, type CliProcess } from '../../support/cli-process.js';
import { condition, NS, PROVIDER_SECRET, providerSpec, startWorld, until, type World } from './harness.js';

let world: World;
const processes: CliProcess[] = [];
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  for (const p of processes.splice(0)) p.kill();
  await world.close();
});

async function startReplica(name: string, kubeconfig: string): Promise<CliProcess> {
  const args = ['operator', '--namespace', NS, '--metrics-port', '0', '--log-level', 'debug', '--leader-elect', '--lease-name', 'syncwise-leader',
    '--lease-duration', '3s', '--renew-deadline', '2s', '--retry-period', '500ms', '--debounce', '50ms', '--resync', '0'];
  const p = startCli(args, { cwd: world.dir, env: { KUBECONFIG: kubeconfig, POD_NAME: name, POD_NAMESPACE: NS } });
  processes.push(p);
  return p;
}

async function holder(): Promise<string | undefined> {
  const lease = await world.kc.makeApiClient(CoordinationV1Api).readNamespacedLease({ name: 'syncwise-leader', namespace: NS }).catch(() => undefined);
  return lease?.spec?.holderIdentity ?? undefined;
}

async function readyProvider(name: string): Promise<void> {
  await until(`${name} Ready`, async () => condition(await world.get('ServiceProvider', name), 'Ready')?.status === 'True', 15_000);
}

describe('syncwise operator as a process', () => {
  it('elects one leader of two replicas, and fails over when the leader stops', async () => {
    const kubeconfig = join(world.dir, 'kubeconfig');
    await writeFile(kubeconfig, world.kube.kubeconfigYaml(NS));
    const a = await startReplica('op-a', kubeconfig);
    const b = await startReplica('op-b', kubeconfig);
    await Promise.all([a.waitFor(msg('caches synced'), { timeoutMs: 15_000 }), b.waitFor(msg('caches synced'), { timeoutMs: 15_000 })]);
    const first = await until('a leader', holder, 15_000);
    const [leader, standby] = first === 'op-a' ? [a, b] : [b, a];
    await leader.waitFor(msg('leading: reconciling'));
    await world.apply('ServiceProvider', 'bbb-1', providerSpec('bbb-1'));
    await readyProvider('bbb-1');
    expect(standby.lines.some(msg('leading: reconciling'))).toBe(false);
    expect(standby.lines.some(msg('reconcile started'))).toBe(false);

    leader.child.kill('SIGTERM');
    const exit = await leader.exited;
    expect(exit.code).toBe(0);
    expect(leader.lines.some(msg('released the lease'))).toBe(true);
    const takeover = await standby.waitFor(msg('leading: reconciling'), { timeoutMs: 10_000 });
    expect(takeover.at - exit.at, 'a released Lease is taken at once, not after it expires (3s)').toBeLessThan(2500);
    expect(await holder()).toBe(first === 'op-a' ? 'op-b' : 'op-a');
    await world.apply('ServiceProvider', 'bbb-2', providerSpec('bbb-2'));
    await readyProvider('bbb-2');
    const names = (await world.sandbox.sw<{ data: { provider_name: string }[] }>('GET', '/service-providers')).body.data.map((p) => p.provider_name).sort();
    expect(names).toEqual(['bbb-1', 'bbb-2']);
    for (const p of [a, b]) expect(JSON.stringify(p.lines) + p.stderr()).not.toContain(PROVIDER_SECRET);
  }, 60_000);

  it('takes over from a leader that was killed once its Lease expires', async () => {
    const kubeconfig = join(world.dir, 'kubeconfig');
    await writeFile(kubeconfig, world.kube.kubeconfigYaml(NS));
    const a = await startReplica('op-a', kubeconfig);
    await a.waitFor(msg('leading: reconciling'), { timeoutMs: 15_000 });
    const b = await startReplica('op-b', kubeconfig);
    await b.waitFor(msg('standing by until elected'), { timeoutMs: 15_000 });
    a.child.kill('SIGKILL');
    const killed = await a.exited;
    const takeover = await b.waitFor(msg('leading: reconciling'), { timeoutMs: 15_000 });
    expect(takeover.at - killed.at, 'the Lease must expire first (3s)').toBeGreaterThanOrEqual(2000);
    await world.apply('ServiceProvider', 'bbb-1', providerSpec('bbb-1'));
    await readyProvider('bbb-1');
    expect(await holder()).toBe('op-b');
  }, 60_000);
});
