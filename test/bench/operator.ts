/**
 * The operator with N custom resources: the generated declarations are created as custom
 * resources in the fake Kubernetes API server (secrets moved to `secretKeyRef`), `syncwise
 * operator` runs as a child process against it and a fresh sandbox, and once it has reconciled
 * everything and stopped writing, its RSS is sampled from /proc: the steady state.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { startKubeApiServer, type KubeApiServer } from '../support/kube-api-server.js';
import { BIN, median } from './child.js';
import type { SandboxProcess } from './sandbox-process.js';

const NS = 'bench';
const PLURAL: Readonly<Record<string, string>> = {
  Target: 'targets', ServiceProvider: 'serviceproviders', ServicePackage: 'servicepackages', Subscription: 'subscriptions', ProjectDefaults: 'projectdefaults', Project: 'projects',
};

/** What the operator cost. */
export interface OperatorMeasure {
  readonly objects: number;
  /** From start to the last write of the reconcile (statuses included). */
  readonly settledMs: number;
  /** Median RSS over the samples taken once it had settled. */
  readonly steadyRssMb: number;
  /** Peak RSS over its whole life (VmHWM). */
  readonly peakRssMb: number;
  readonly samples: number;
}

type Doc = { kind: string; metadata: { name: string }; spec: Record<string, unknown> };

/** Fields that hold secrets; on a custom resource they must come from a Secret. */
const SECRET_FIELDS = new Set(['secret', 'secretKey', 'awsSecretKey', 'defaultOwnerPassword', 'token', 'apiKey']);

/** Replaces every secret value (literal, file or env) with a `secretKeyRef` to the `bench` Secret, keyed by field. */
function toSecretRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toSecretRefs);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_FIELDS.has(k) ? { valueFrom: { secretKeyRef: { name: 'bench', key: k } } } : toSecretRefs(v)]));
}

/** Every document of the generated configuration, as custom resource bodies. */
function customResources(config: string): Doc[] {
  const files = readdirSync(config, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml')).sort();
  return files.flatMap((f) => parseAllDocuments(readFileSync(join(config, f), 'utf8')).map((d) => d.toJS() as Doc))
    .map((d) => ({ ...d, metadata: { name: d.metadata.name }, spec: toSecretRefs(d.spec) as Record<string, unknown> }));
}

async function createAll(kube: KubeApiServer, docs: readonly Doc[], sandbox: SandboxProcess): Promise<void> {
  const kc = kube.kubeconfig(NS);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const data = {
    token: sandbox.token, apiKey: sandbox.apiKey, secret: 'bench-provider-secret', secretKey: 'bench-storage-secret',
    awsSecretKey: 'bench-consumer-secret', defaultOwnerPassword: 'bench-owner-password',
  };
  await kc.makeApiClient(CoreV1Api).createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'bench', namespace: NS }, stringData: data } });
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < docs.length; i = next++) {
      const d = docs[i] as Doc;
      const body = { apiVersion: 'syncwise.io/v1alpha1', kind: d.kind, metadata: { name: d.metadata.name, namespace: NS }, spec: d.spec };
      await custom.createNamespacedCustomObject({ group: 'syncwise.io', version: 'v1alpha1', namespace: NS, plural: PLURAL[d.kind] ?? '', body });
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

function procStatusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Whether every custom resource of the namespace has a Ready condition (whatever its status). */
function allReported(kube: KubeApiServer): boolean {
  return Object.keys(PLURAL).every((kind) => kube.objects(kind, NS).every((o) => {
    const conditions = (o.status as { conditions?: { type: string }[] } | undefined)?.conditions ?? [];
    return conditions.some((c) => c.type === 'Ready');
  }));
}

/**
 * Waits until every custom resource has a Ready condition and then the apiserver has seen no
 * write for `quietMs`; resolves with when the last write came.
 */
async function settled(kube: KubeApiServer, quietMs: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (!allReported(kube)) {
    if (Date.now() > deadline) throw new Error('the operator did not report every object in time');
    await sleep(1000);
  }
  let writes = -1;
  let lastChange = performance.now();
  for (;;) {
    const now = kube.requests().filter((r) => r.method !== 'GET').length;
    if (now !== writes) {
      writes = now;
      lastChange = performance.now();
    } else if (performance.now() - lastChange >= quietMs) return lastChange;
    if (Date.now() > deadline) throw new Error('the operator did not settle in time');
    await sleep(250);
  }
}

/** Extra `node` flags for the operator process (e.g. `--heapsnapshot-signal=SIGUSR2`), and a hook once it has settled. */
export interface OperatorProbe {
  readonly nodeFlags?: readonly string[];
  readonly onSettled?: (pid: number) => Promise<void>;
}

/** Runs the operator over the configuration in `config` (its Targets pointing at `sandbox`). */
export async function measureOperator(work: string, config: string, sandbox: SandboxProcess, probe: OperatorProbe = {}): Promise<OperatorMeasure> {
  const kube = await startKubeApiServer();
  try {
    const docs = customResources(config);
    await createAll(kube, docs, sandbox);
    const kubeconfig = join(work, 'kubeconfig');
    writeFileSync(kubeconfig, kube.kubeconfigYaml(NS));
    const args = ['operator', '--namespace', NS, '--metrics-port', '0', '--log-level', 'warn', '--resync', '0', '--debounce', '200ms'];
    const child = spawn(process.execPath, [...(probe.nodeFlags ?? []), BIN, ...args], { cwd: work, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', KUBECONFIG: kubeconfig, POD_NAMESPACE: NS }, stdio: 'ignore' });
    const started = performance.now();
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      const last = await settled(kube, 3000, 15 * 60_000);
      await probe.onSettled?.(child.pid ?? -1);
      const rss: number[] = [];
      for (let i = 0; i < 10; i++, await sleep(500)) rss.push(procStatusMb(child.pid ?? -1, 'VmRSS'));
      return { objects: docs.length, settledMs: last - started, steadyRssMb: median(rss), peakRssMb: procStatusMb(child.pid ?? -1, 'VmHWM'), samples: rss.length };
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  } finally {
    await kube.close();
  }
}
