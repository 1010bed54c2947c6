/**
 * The operator runtime: informers feed a debounced, single-flight runner around the controller;
 * only the leader runs it (every replica keeps its caches warm, so a new leader starts at once);
 * a periodic resync corrects drift made on the platform. `/readyz` answers once the caches have
 * synced, whether this replica leads or stands by.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { PlanOptions } from '../../core/change.js';
import type { Driver, LedgerStore, ResolvedTarget } from '../../engine/ports.js';
import type { ReconcileOptions } from '../../engine/reconcile.js';
import type { Logger } from '../../log.js';
import { createDriver, type DriverOptions } from '../../platform/driver.js';
import { serveHealth, type HealthServer } from '../health-server.js';
import type { RunContext } from '../reconcile-run.js';
import { createRunner, type BackoffOptions, type Runner } from '../runner.js';
import type { ConnectionSecrets } from './connection-secrets.js';
import { createController } from './controller.js';
import { createEventRecorder } from './events.js';
import { createClusterCache, type CacheEvent, type ClusterCache } from './informers.js';
import { createObjectWriter } from './kube-writes.js';
import { KINDS } from './kinds.js';
import { createOperatorMetrics, type OperatorMetrics } from './metrics.js';
import { createTriggerFilter, referencedSecrets } from './triggers.js';

/** What the operator needs of a leader elector (see leader.ts). */
export interface Leadership {
  readonly isLeader: boolean;
  start(): void;
  /** Releases the lease if held. */
  stop(): Promise<void>;
}

/** Creates the elector once the callbacks exist. */
export type ElectorFactory = (callbacks: { onStartedLeading: () => void; onStoppedLeading: () => void }) => Leadership;

export interface OperatorOptions {
  readonly kubeConfig: KubeConfig;
  /** Watch one namespace; every namespace when absent. */
  readonly namespace?: string;
  readonly logger: Logger;
  readonly ledger: LedgerStore;
  /** Serve /healthz, /readyz and /metrics on this port (0: a free one); no server when absent. */
  readonly metricsPort?: number;
  /** @default '0.0.0.0' */
  readonly metricsHost?: string;
  readonly metrics?: OperatorMetrics;
  /** Quiet time after the last event before a run. @default 500 */
  readonly debounceMs?: number;
  /** Longest a stream of events may delay a run. @default 5000 */
  readonly maxWaitMs?: number;
  /** Full reconcile every this many ms (drift on the platform); 0 turns it off. @default 600000 */
  readonly resyncMs?: number;
  /** Retries after failures and while a delete is blocked. @default 1 s doubling up to 5 min */
  readonly backoff?: BackoffOptions;
  /** Restarts of stopped informers. @default 500 ms doubling up to 30 s */
  readonly watchBackoff?: BackoffOptions;
  /** Leader election; without it this replica always leads. */
  readonly elect?: ElectorFactory;
  readonly reconcile?: Pick<ReconcileOptions, 'parallelism' | 'owner'>;
  readonly driver?: Omit<DriverOptions, 'onRequest'>;
  /** Writes Projects' connection Secrets, reading projects through `connect`. */
  readonly connectionSecrets?: (cache: ClusterCache, connect: (target: ResolvedTarget) => Driver) => ConnectionSecrets;
  /** This replica's name (the pod), as the source host of Events. */
  readonly identity?: string;
  /** How long a run may continue once leadership is lost or the operator stops. @default 8000 */
  readonly graceMs?: number;
}

export interface Operator {
  readonly cache: ClusterCache;
  readonly metrics: OperatorMetrics;
  readonly health?: HealthServer;
  isLeading(): boolean;
  isReady(): boolean;
  /** The runner of the current leadership term (a facade: stopping it also releases the lease). */
  readonly runner: Runner;
  /** Stops the informers and the resync timer. */
  stopTriggers(): Promise<void>;
  /** Stops everything: triggers, the run in flight (after the grace period), the lease, the health server. */
  close(): Promise<void>;
}

/** Deletes are explicit in Kubernetes (a custom resource removed through its finalizer), so the budget guards do not apply. */
const OPERATOR_PLAN: PlanOptions = { prune: true, force: true, allowReplace: false };

interface Term {
  readonly runner: Runner;
  readonly resync: NodeJS.Timeout | undefined;
}

function runContext(o: OperatorOptions, metrics: OperatorMetrics): RunContext {
  return {
    logger: o.logger,
    metrics: metrics.reconcile,
    deps: { ledger: o.ledger, connect: (target) => createDriver(target, { ...o.driver, onRequest: (e) => metrics.onRequest(target.name, e) }) },
    reconcile: { plan: OPERATOR_PLAN, ...o.reconcile },
  };
}

/** Starts the operator: health server, informers (resolves once synced), then leadership. */
export async function startOperator(o: OperatorOptions): Promise<Operator> {
  const { logger } = o;
  const metrics = o.metrics ?? createOperatorMetrics();
  let term: Term | undefined;
  let reason = 'start';
  let closing = false;
  const trigger = (why: string): void => {
    if (term === undefined) return;
    reason = why;
    term.runner.trigger();
  };
  const cache: ClusterCache = createClusterCache({
    kubeConfig: o.kubeConfig,
    ...(o.namespace !== undefined ? { namespace: o.namespace } : {}),
    logger,
    onEvent: (e: CacheEvent) => {
      if (filter(e)) trigger('change');
    },
    ...(o.watchBackoff ? { restartBackoff: o.watchBackoff } : {}),
    onRestart: (source) => metrics.watchRestarts.inc({ source }),
  });
  const filter = createTriggerFilter(() => referencedSecrets(KINDS.flatMap((k) => cache.customResources(k))));
  const context = runContext(o, metrics);
  const controller = createController({
    cache,
    context,
    writer: createObjectWriter(o.kubeConfig),
    events: createEventRecorder({ kubeConfig: o.kubeConfig, ...(o.identity ? { host: o.identity } : {}), onError: (e, ref) => logger.warn({ object: `${ref.namespace}/${ref.name}`, error: e instanceof Error ? e.message : String(e) }, 'could not record an Event') }),
    ...(o.connectionSecrets ? { connectionSecrets: o.connectionSecrets(cache, context.deps.connect) } : {}),
  });
  const health = o.metricsPort === undefined ? undefined
    : await serveHealth({ port: o.metricsPort, ...(o.metricsHost ? { host: o.metricsHost } : {}), registry: metrics.reconcile.registry, isReady: () => cache.isSynced() });
  if (health) logger.info({ url: health.url }, 'serving /healthz, /readyz and /metrics');
  await cache.start();
  logger.info({ namespace: o.namespace ?? '(all)' }, 'caches synced');

  const lead = (): void => {
    if (term !== undefined) return;
    metrics.leader.set(1);
    const runner = createRunner((signal) => controller(signal, reason), {
      debounceMs: o.debounceMs ?? 500,
      maxWaitMs: o.maxWaitMs ?? 5000,
      ...(o.backoff ? { backoff: o.backoff } : {}),
      onError: (e) => logger.error({ error: e instanceof Error ? e.message : String(e) }, 'run failed unexpectedly'),
      onBackoff: (failures, delayMs) => logger.info({ failures, retryInMs: delayMs }, 'retrying later'),
    });
    const resyncMs = o.resyncMs ?? 600_000;
    term = { runner, resync: resyncMs > 0 ? setInterval(() => trigger('resync'), resyncMs) : undefined };
    logger.info('leading: reconciling');
    reason = 'start';
    runner.runNow();
  };
  const standDown = async (): Promise<void> => {
    const t = term;
    term = undefined;
    metrics.leader.set(0);
    if (t === undefined) return;
    clearInterval(t.resync);
    await t.runner.stop({ graceMs: o.graceMs ?? 8000 });
  };
  const elector = o.elect?.({
    onStartedLeading: lead,
    onStoppedLeading: () => {
      if (closing) logger.info('stopped leading');
      else logger.warn('lost the leader Lease: standing by');
      void standDown();
    },
  });
  if (elector) {
    logger.info('standing by until elected');
    elector.start();
  } else lead();

  const runner: Runner = {
    trigger: () => trigger('change'),
    runNow: () => term?.runner.runNow() ?? false,
    isRunning: () => term?.runner.isRunning() ?? false,
    failures: () => term?.runner.failures() ?? 0,
    idle: () => term?.runner.idle() ?? Promise.resolve(),
    stop: async () => {
      closing = true;
      await standDown();
      await elector?.stop();
    },
  };
  const stopTriggers = async (): Promise<void> => {
    if (term) clearInterval(term.resync);
    await cache.stop();
  };
  return {
    cache, metrics, runner, stopTriggers,
    ...(health ? { health } : {}),
    isLeading: () => term !== undefined,
    isReady: () => cache.isSynced(),
    close: async () => {
      await stopTriggers();
      await runner.stop();
      await health?.close();
    },
  };
}
