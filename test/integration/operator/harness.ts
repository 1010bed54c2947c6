/**
 * The world of an operator test: a real sandbox (the platform), the fake Kubernetes API server
 * with the chart's CRDs, client-node APIs to act as a user would, and helpers to build the custom
 * resources and wait for what the operator does.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { fileLedger } from '../../../src/engine/ledger/file.js';
import { createLogger, type Logger } from '../../../src/log.js';
import { createConnectionSecrets } from '../../../src/modes/operator/connection-secrets.js';
import { startOperator, type Operator, type OperatorOptions } from '../../../src/modes/operator/operator.js';
import { startKubeApiServer, type KubeApiServer, type KubeApiServerOptions } from '../../support/kube-api-server.js';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';

export const NS = 'default';
export const MERGE = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
export const PROVIDER_SECRET = 'bbb-shared-secret-0001';

export type Cr = { apiVersion?: string; kind?: string; metadata?: Record<string, unknown> & { name?: string; finalizers?: string[]; deletionTimestamp?: unknown; generation?: number }; spec?: Record<string, unknown>; status?: Record<string, unknown> & { conditions?: { type: string; status: string; reason: string; message: string }[] } };

export interface World {
  readonly sandbox: TestSandbox;
  readonly kube: KubeApiServer;
  readonly kc: KubeConfig;
  readonly custom: CustomObjectsApi;
  readonly core: CoreV1Api;
  readonly dir: string;
  readonly logFile: string;
  /** The logger of this world's operators (JSON lines in `logFile`). */
  readonly logger: Logger;
  /** Starts an operator in this process with fast timings; `overrides` replace any option. */
  operator(overrides?: Partial<OperatorOptions>): Promise<Operator>;
  apply(kind: string, name: string, spec: Record<string, unknown>): Promise<Cr>;
  get(kind: string, name: string): Promise<Cr | undefined>;
  patchSpec(kind: string, name: string, spec: Record<string, unknown>): Promise<void>;
  remove(kind: string, name: string): Promise<void>;
  secret(name: string, data: Record<string, string>): Promise<void>;
  logs(): Promise<string>;
  close(): Promise<void>;
}

export const PLURAL: Readonly<Record<string, string>> = {
  Target: 'targets', ServiceProvider: 'serviceproviders', ServicePackage: 'servicepackages', Subscription: 'subscriptions', ProjectDefaults: 'projectdefaults', Project: 'projects',
};

const at = (kind: string) => ({ group: 'syncwise.io', version: 'v1alpha1', namespace: NS, plural: PLURAL[kind] ?? '' });

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function until<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A condition of a custom resource, if set. */
export function condition(cr: Cr | undefined, type: string): { status: string; reason: string; message: string } | undefined {
  return cr?.status?.conditions?.find((c) => c.type === type);
}

/** A spec of a ServiceProvider whose secret comes from the `bbb` Secret. */
export function providerSpec(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { providerName: name, providerType: 'bbb', properties: { url: `https://${name}.example.com/bigbluebutton/`, secret: { valueFrom: { secretKeyRef: { name: 'bbb', key: 'secret' } } } }, ...extra };
}

/** Starts a sandbox and a fake apiserver (with `kube` options) holding a streamwise Target (and a bluzone one) with their credential Secret. */
export async function startWorld(kubeOptions: KubeApiServerOptions = {}): Promise<World> {
  const sandbox = await startTestSandbox();
  const kube = await startKubeApiServer(kubeOptions);
  const kc = kube.kubeconfig(NS);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const core = kc.makeApiClient(CoreV1Api);
  const dir = await mkdtemp(join(tmpdir(), 'syncwise-operator-'));
  const logFile = join(dir, 'operator.log');
  const operators: Operator[] = [];
  const logger = createLogger({ level: 'debug', destination: logFile, bindings: { mode: 'operator' } });
  const world: World = {
    sandbox, kube, kc, custom, core, dir, logFile, logger,
    operator: async (overrides = {}) => {
      const op = await startOperator({
        kubeConfig: kc, namespace: NS, logger,
        connectionSecrets: (cache, connect) => createConnectionSecrets({ kubeConfig: kc, cache, logger, connect }),
        ledger: fileLedger({ stateDir: dir, lockWaitMs: 5000 }), debounceMs: 30, maxWaitMs: 300, resyncMs: 0,
        backoff: { baseMs: 100, maxMs: 500 }, watchBackoff: { baseMs: 50, maxMs: 200 }, driver: { maxAttempts: 2 }, graceMs: 2000, ...overrides,
      });
      operators.push(op);
      return op;
    },
    apply: async (kind, name, spec) => (await custom.createNamespacedCustomObject({ ...at(kind), body: { apiVersion: 'syncwise.io/v1alpha1', kind, metadata: { name, namespace: NS }, spec } })) as Cr,
    get: async (kind, name) => {
      try {
        return (await custom.getNamespacedCustomObject({ ...at(kind), name })) as Cr;
      } catch {
        return undefined;
      }
    },
    patchSpec: async (kind, name, spec) => {
      await custom.patchNamespacedCustomObject({ ...at(kind), name, body: { spec } }, MERGE);
    },
    remove: async (kind, name) => {
      await custom.deleteNamespacedCustomObject({ ...at(kind), name });
    },
    secret: async (name, data) => {
      const body = { metadata: { name, namespace: NS }, stringData: data };
      try {
        await core.createNamespacedSecret({ namespace: NS, body });
      } catch {
        await core.replaceNamespacedSecret({ namespace: NS, name, body: { ...body, data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])) } });
      }
    },
    logs: () => readFile(logFile, 'utf8').catch(() => ''),
    close: async () => {
      await Promise.all(operators.map((o) => o.close()));
      await kube.close();
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  await world.secret('platform', { token: sandbox.token, apiKey: sandbox.apiKey });
  await world.secret('bbb', { secret: PROVIDER_SECRET });
  await world.apply('Target', 'streamwise', { api: 'streamwise', url: sandbox.url, token: { valueFrom: { secretKeyRef: { name: 'platform', key: 'token' } } } });
  await world.apply('Target', 'bluzone', { api: 'bluzone', url: sandbox.url, serviceProviderId: sandbox.serviceProviderId, apiKey: { valueFrom: { secretKeyRef: { name: 'platform', key: 'apiKey' } } } });
  return world;
}
