import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { crdValidator } from '../../support/crd-validator.js';
import { runHelm } from '../../support/helm.js';

type Manifest = Record<string, unknown> & { kind: string; metadata: { name: string; namespace?: string } };
interface Rule { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }
interface Container { args: string[]; securityContext: Record<string, unknown>; livenessProbe: { httpGet: { path: string; port: string } }; readinessProbe: { httpGet: { path: string; port: string } }; resources: Record<string, unknown> }

const scratch = mkdtempSync(join(tmpdir(), 'syncwise-helm-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const TARGETS = {
  targets: [
    { name: 'streamwise-prod', api: 'streamwise', url: 'https://api.streamwise.example.com', token: { secretName: 'streamwise-credentials', key: 'token' }, timeoutSeconds: 20 },
    { name: 'bluzone', api: 'bluzone', url: 'https://portal.bluzone.example.com', serviceProviderId: 'sp-42', apiKey: { secretName: 'bluzone-credentials', key: 'apiKey' } },
  ],
};

function valuesFile(values: object): string {
  const file = join(scratch, `values-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(values));
  return file;
}

async function template(values: object = {}, extra: readonly string[] = []): Promise<Manifest[]> {
  const r = await runHelm(['template', 'sw', 'charts/syncwise', '--namespace', 'ops', '--values', valuesFile(values), ...extra]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return parseAllDocuments(r.stdout).map((d) => d.toJS() as Manifest | null).filter((m): m is Manifest => m !== null);
}

const kinds = (ms: readonly Manifest[]): string[] => ms.map((m) => m.kind).sort();
const byKind = (ms: readonly Manifest[], kind: string): Manifest[] => ms.filter((m) => m.kind === kind);
const rulesOf = (ms: readonly Manifest[]): Rule[] => ms.filter((m) => m.kind === 'Role' || m.kind === 'ClusterRole').flatMap((m) => m['rules'] as Rule[]);
const container = (ms: readonly Manifest[]): Container => {
  const spec = (byKind(ms, 'Deployment')[0]?.['spec'] as { template: { spec: { containers: Container[] } } }).template.spec;
  return spec.containers[0] as Container;
};

describe('helm chart charts/syncwise', () => {
  it('passes helm lint --strict with default values and with Targets from values', async () => {
    const plain = await runHelm(['lint', '--strict', 'charts/syncwise']);
    expect(plain.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    const withTargets = await runHelm(['lint', '--strict', 'charts/syncwise', '--values', valuesFile(TARGETS)]);
    expect(withTargets.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect([plain.code, withTargets.code]).toEqual([0, 0]);
  });

  it('renders the operator with cluster-wide RBAC, a role for its ledger and Leases, and a metrics Service by default', async () => {
    const ms = await template();
    expect(kinds(ms)).toEqual(['ClusterRole', 'ClusterRoleBinding', 'Deployment', 'Role', 'RoleBinding', 'Service', 'ServiceAccount']);
    expect(container(ms).args).toEqual([
      'operator', '--metrics-port=8080', '--log-level=info', '--ledger-name=sw-syncwise-ledger', '--ledger-namespace=ops',
      '--leader-elect', '--lease-name=sw-syncwise-leader', '--lease-namespace=ops',
    ]);
    const state = byKind(ms, 'Role')[0];
    expect(state?.metadata.namespace).toBe('ops');
    expect(state?.['rules']).toEqual([
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['sw-syncwise-ledger'], verbs: ['get', 'update'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: ['sw-syncwise-ledger-lock', 'sw-syncwise-leader'], verbs: ['get', 'update'] },
    ]);
  });

  it('grants no wildcard, reads Secrets only, and writes them only when connection secrets are enabled', async () => {
    for (const values of [{}, { operator: { watchNamespace: 'tenant-a' } }, { rbac: { writeConnectionSecrets: true } }]) {
      const rules = rulesOf(await template(values));
      expect(rules.length).toBeGreaterThan(0);
      for (const r of rules) for (const v of [...r.apiGroups, ...r.resources, ...r.verbs]) expect(v).not.toContain('*');
    }
    const readOnly = rulesOf(await template()).find((r) => r.resources.includes('secrets'));
    expect(readOnly?.verbs).toEqual(['list', 'watch']);
    const writing = rulesOf(await template({ rbac: { writeConnectionSecrets: true } })).find((r) => r.resources.includes('secrets'));
    expect(writing?.verbs).toEqual(['list', 'watch', 'create', 'patch']);
    const crRules = rulesOf(await template()).filter((r) => r.apiGroups.includes('syncwise.io'));
    expect(crRules.map((r) => [r.resources[0], r.verbs])).toEqual([
      ['targets', ['list', 'watch', 'patch']], ['targets/status', ['patch']],
    ]);
    expect(crRules[0]?.resources).toHaveLength(6);
  });

  it('runs non-root on a read-only root filesystem with all capabilities dropped, probes and resources', async () => {
    const ms = await template();
    const c = container(ms);
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    const pod = (byKind(ms, 'Deployment')[0]?.['spec'] as { template: { spec: { securityContext: Record<string, unknown> } } }).template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect([c.livenessProbe.httpGet, c.readinessProbe.httpGet]).toEqual([{ path: '/healthz', port: 'metrics' }, { path: '/readyz', port: 'metrics' }]);
    expect(c.resources).toMatchObject({ requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } });
  });

  it('limits RBAC to a namespaced Role when one namespace is watched', async () => {
    const ms = await template({ operator: { watchNamespace: 'tenant-a' }, leaderElection: { enabled: false } });
    expect(kinds(ms)).toEqual(['Deployment', 'Role', 'Role', 'RoleBinding', 'RoleBinding', 'Service', 'ServiceAccount']);
    expect(byKind(ms, 'Role').map((r) => r.metadata.namespace)).toEqual(['tenant-a', 'ops']);
    expect(byKind(ms, 'RoleBinding')[0]?.['subjects']).toEqual([{ kind: 'ServiceAccount', name: 'sw-syncwise', namespace: 'ops' }]);
    expect(container(ms).args).toEqual(['operator', '--metrics-port=8080', '--log-level=info', '--ledger-name=sw-syncwise-ledger', '--ledger-namespace=ops', '--namespace=tenant-a']);
    const leases = (byKind(ms, 'Role')[1]?.['rules'] as Rule[]).find((r) => r.resourceNames?.[0] === 'sw-syncwise-ledger-lock');
    expect(leases?.resourceNames).toEqual(['sw-syncwise-ledger-lock']);
  });

  it('renders Targets from values as custom resources whose credentials are secretKeyRefs', async () => {
    const targets = byKind(await template(TARGETS), 'Target');
    expect(targets.map((t) => [t.metadata.name, t.metadata.namespace, t['apiVersion']])).toEqual([
      ['streamwise-prod', 'ops', 'syncwise.io/v1alpha1'], ['bluzone', 'ops', 'syncwise.io/v1alpha1'],
    ]);
    expect(targets[0]?.['spec']).toEqual({ api: 'streamwise', url: 'https://api.streamwise.example.com', timeoutSeconds: 20, token: { valueFrom: { secretKeyRef: { name: 'streamwise-credentials', key: 'token' } } } });
    expect(targets[1]?.['spec']).toEqual({ api: 'bluzone', url: 'https://portal.bluzone.example.com', serviceProviderId: 'sp-42', apiKey: { valueFrom: { secretKeyRef: { name: 'bluzone-credentials', key: 'apiKey' } } } });
  });

  it('ships the six generated CRDs, and the Targets it renders pass the Target CRD schema', async () => {
    const ms = await template(TARGETS, ['--include-crds']);
    const crds = byKind(ms, 'CustomResourceDefinition');
    expect(crds.map((c) => c.metadata.name).sort()).toEqual(['projectdefaults', 'projects', 'servicepackages', 'serviceproviders', 'subscriptions', 'targets'].map((p) => `${p}.syncwise.io`));
    const targetCrd = crds.find((c) => c.metadata.name === 'targets.syncwise.io') as Manifest;
    const validate = crdValidator((targetCrd['spec'] as { versions: { schema: { openAPIV3Schema: unknown } }[] }).versions[0]?.schema.openAPIV3Schema);
    for (const target of byKind(ms, 'Target')) expect(validate(target), target.metadata.name).toEqual([]);
  });

  it('adds a ServiceMonitor and a PodDisruptionBudget when enabled', async () => {
    const ms = await template({ replicaCount: 2, metrics: { serviceMonitor: { enabled: true, labels: { release: 'prom' } } }, podDisruptionBudget: { enabled: true } });
    expect(byKind(ms, 'ServiceMonitor')[0]?.['spec']).toMatchObject({ endpoints: [{ port: 'metrics', path: '/metrics', interval: '30s' }] });
    expect(byKind(ms, 'ServiceMonitor')[0]?.metadata).toMatchObject({ labels: { release: 'prom' } });
    expect(byKind(ms, 'PodDisruptionBudget')[0]?.['spec']).toMatchObject({ minAvailable: 1 });
  });

  it('rejects values that break values.schema.json', async () => {
    const badApi = await runHelm(['template', 'sw', 'charts/syncwise', '--values', valuesFile({ targets: [{ name: 'x', api: 'ftp', url: 'https://x' }] })]);
    expect(badApi.code).not.toBe(0);
    expect(badApi.stderr).toContain('values don\'t meet the specifications of the schema');
    const literalSecret = await runHelm(['template', 'sw', 'charts/syncwise', '--values', valuesFile({ targets: [{ name: 'x', api: 'streamwise', url: 'https://x', token: 'plain' }] })]);
    expect(literalSecret.code).not.toBe(0);
    const typo = await runHelm(['template', 'sw', 'charts/syncwise', '--values', valuesFile({ operatr: {} })]);
    expect(typo.code).not.toBe(0);
  });
});
