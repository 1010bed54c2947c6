/**
 * The chart's RBAC is exactly what the operator needs: every request an operator made while it
 * created, updated and deleted objects, wrote a connection Secret, kept its ledger and led on a
 * Lease is allowed by the rules `helm template` renders, and nothing outside them was asked for.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kubernetesLedger } from '../../../src/engine/ledger/kubernetes.js';
import { createLeaderElector } from '../../../src/modes/operator/leader.js';
import { createConnectionSecrets } from '../../../src/modes/operator/connection-secrets.js';
import { runHelm } from '../../support/helm.js';
import { startKubeProxy } from '../../support/kube-proxy.js';
import { condition, NS, providerSpec, startWorld, until, type World } from './harness.js';

interface Rule { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }
interface Access { group: string; resource: string; verb: string; name?: string; line: string }

let world: World;
let scratch: string;
beforeEach(async () => {
  world = await startWorld();
  scratch = mkdtempSync(join(tmpdir(), 'syncwise-rbac-'));
});
afterEach(async () => {
  await world.close();
  rmSync(scratch, { recursive: true, force: true });
});

async function renderedRules(): Promise<Rule[]> {
  const values = join(scratch, 'values.json');
  writeFileSync(values, JSON.stringify({ operator: { watchNamespace: NS }, rbac: { writeConnectionSecrets: true } }));
  const r = await runHelm(['template', 'sw', 'charts/syncwise', '--namespace', NS, '--values', values]);
  expect(r.code).toBe(0);
  const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as { kind?: string; rules?: Rule[] } | null);
  return docs.filter((d) => d?.kind === 'Role').flatMap((d) => d?.rules ?? []);
}

const PATH = /^\/(?:api\/v1|apis\/([^/]+)\/[^/]+)(?:\/namespaces\/[^/]+)?\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?$/;

function accessOf(method: string, url: string): Access | undefined {
  const u = new URL(url, 'http://x');
  const m = PATH.exec(u.pathname);
  if (m === null) return undefined;
  const [, group = '', plural = '', name, sub] = m;
  const verbs: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };
  const verb = method === 'GET' ? (name === undefined ? (u.searchParams.get('watch') === 'true' ? 'watch' : 'list') : 'get') : verbs[method] ?? method;
  return { group, resource: sub === undefined ? plural : `${plural}/${sub}`, verb, ...(name !== undefined ? { name } : {}), line: `${method} ${u.pathname}` };
}

function allowed(a: Access, rules: readonly Rule[]): boolean {
  return rules.some((r) => r.apiGroups.includes(a.group) && r.resources.includes(a.resource) && r.verbs.includes(a.verb)
    && (r.resourceNames === undefined || (a.name !== undefined && r.resourceNames.includes(a.name))));
}

describe('chart RBAC against the operator', () => {
  it('allows every request the operator makes, and the operator needs every verb granted on its own kinds', async () => {
    const rules = await renderedRules();
    await world.secret('owner', { password: 'owner-password-0007' });
    const proxy = await startKubeProxy(world.kube);
    const kubeConfig = proxy.kubeconfig(NS);
    const op = await world.operator({
      kubeConfig,
      ledger: kubernetesLedger({ kubeConfig, namespace: NS, name: 'sw-syncwise-ledger', holder: 'op-rbac', lockWaitMs: 5000 }),
      connectionSecrets: (cache, connect) => createConnectionSecrets({ kubeConfig, cache, logger: world.logger, connect }),
      elect: (callbacks) => createLeaderElector({ kubeConfig, namespace: NS, name: 'sw-syncwise-leader', identity: 'op-rbac', leaseDurationSeconds: 3, renewDeadlineSeconds: 2, retryPeriodSeconds: 0.5, ...callbacks }),
    });
    await world.apply('ServiceProvider', 'bbb-1', providerSpec('bbb-1'));
    await world.apply('Project', 'fleet', {
      projectName: 'Fleet', defaultOwnerEmail: 'owner@fleet.example.com', defaultOwnerPassword: { valueFrom: { secretKeyRef: { name: 'owner', key: 'password' } } },
      remoteStorage: { storageProvider: 'AWS', storageRegion: 'eu-west-1', storageResourceIdentifier: 'arn:aws:s3:::fleet', accessKey: 'AKIARBACTEST00000001', secretKey: { valueFrom: { secretKeyRef: { name: 'owner', key: 'password' } } }, assumeRoleEnabled: false, storageTypes: ['PACKET_DATA'] },
      remoteConsumer: { awsAccessKey: 'AKIARBACTEST00000002', awsSecretKey: { valueFrom: { secretKeyRef: { name: 'owner', key: 'password' } } }, kinesisEndpoint: 'https://kinesis.eu-west-1.amazonaws.com', streamName: 'fleet', streamType: 'PACKET_DATA', partitionKey: 'id' },
      writeConnectionSecretToRef: { name: 'fleet-connection' },
    });
    await until('both Ready', async () => condition(await world.get('ServiceProvider', 'bbb-1'), 'Ready')?.status === 'True' && condition(await world.get('Project', 'fleet'), 'Ready')?.status === 'True');
    await until('the connection Secret', () => world.kube.objects('secrets', NS).some((s) => (s['metadata'] as { name: string }).name === 'fleet-connection'));
    await world.patchSpec('ServiceProvider', 'bbb-1', { providerName: 'renamed' });
    await until('the update', async () => (await world.get('ServiceProvider', 'bbb-1'))?.status?.observedGeneration === 2);
    await world.remove('ServiceProvider', 'bbb-1');
    await until('the delete', async () => (await world.get('ServiceProvider', 'bbb-1')) === undefined);
    await op.close();

    await proxy.close();

    const accesses = proxy.forwarded().map((r) => accessOf(r.method, r.url)).filter((a): a is Access => a !== undefined);
    expect(accesses.length).toBeGreaterThan(10);
    expect(accesses.filter((a) => !allowed(a, rules)).map((a) => a.line), 'requests the chart does not allow').toEqual([]);
    const used = new Set(accesses.filter((a) => a.group === 'syncwise.io').map((a) => `${a.resource.includes('/') ? 'status' : 'kind'}:${a.verb}`));
    const watched = world.kube.requests().some((r) => r.url.startsWith('/apis/syncwise.io/v1alpha1/namespaces/default/') && r.url.includes('watch=true'));
    if (watched) used.add('kind:watch');
    expect([...used].sort()).toEqual(['kind:list', 'kind:patch', 'kind:watch', 'status:patch']);
    const core = new Set(accesses.filter((a) => a.group === '').map((a) => `${a.resource}:${a.verb}`));
    expect([...core]).toEqual(expect.arrayContaining(['secrets:list', 'secrets:get', 'secrets:create', 'secrets:update', 'events:create']));
  }, 30_000);
});
