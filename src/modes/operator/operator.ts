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
import type { BackoffOptions, RunVerdict, Runner } from '../runner.js';
import type { ConnectionSecrets } from './connection-secrets.js';
import { createController } from './controller.js';
import { createEventRecorder, type EventRecorder } from './events.js';
import { createClusterCache, type CacheEvent, type ClusterCache } from './informers.js';
import { createObjectWriter } from './kube-writes.js';
import type { LeaderElector } from './leader.js';
import { KINDS } from './kinds.js';
import { createOperatorMetrics, type OperatorMetrics } from './metrics.js';
import { createTerms, type Terms } from './terms.js';
import { createTriggerFilter, referencedSecrets } from './triggers.js';

/** What the operator needs of a leader elector (leader.ts). */
export type Leadership = Pick<LeaderElector, 'isLeader' | 'start' | 'stop'>;

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

/**
 * Prune sees only the keys of custom resources being deleted (see ledger-view.ts): each delete was
 * asked for explicitly, through the finalizer, so the delete budget and empty-set guards do not apply.
 */
const OPERATOR_PLAN: PlanOptions = { prune: true, force: true, allowReplace: false };

function runContext(o: OperatorOptions, metrics: OperatorMetrics): RunContext {
  return {
    logger: o.logger,
    metrics: metrics.reconcile,
    deps: { ledger: o.ledger, connect: (target) => createDriver(target, { ...o.driver, onRequest: (e) => metrics.onRequest(target.name, e) }) },
    reconcile: { plan: OPERATOR_PLAN, ...o.reconcile },
  };
}

function recorder(o: OperatorOptions): EventRecorder {
  return createEventRecorder({
    kubeConfig: o.kubeConfig,
    ...(o.identity ? { host: o.identity } : {}),
    onError: (e, ref) => o.logger.warn({ object: `${ref.namespace}/${ref.name}`, error: e instanceof Error ? e.message : String(e) }, 'could not record an Event'),
  });
}

function watchCluster(o: OperatorOptions, metrics: OperatorMetrics, trigger: (reason: string) => void): ClusterCache {
  let filter: ((e: CacheEvent) => boolean) | undefined;
  const cache = createClusterCache({
    kubeConfig: o.kubeConfig, logger: o.logger,
    ...(o.namespace !== undefined ? { namespace: o.namespace } : {}),
    ...(o.watchBackoff ? { restartBackoff: o.watchBackoff } : {}),
    onEvent: (e) => {
      if (filter?.(e) === true) trigger('change');
    },
    onRestart: (source) => metrics.watchRestarts.inc({ source }),
  });
  filter = createTriggerFilter(() => referencedSecrets(KINDS.flatMap((k) => cache.customResources(k))));
  return cache;
}

function electOrLead(o: OperatorOptions, terms: Terms, isClosing: () => boolean): Leadership | undefined {
  const elector = o.elect?.({
    onStartedLeading: terms.lead,
    onStoppedLeading: () => {
      if (isClosing()) o.logger.info('stopped leading');
      else o.logger.warn('lost the leader Lease: standing by');
      void terms.standDown();
    },
  });
  if (elector === undefined) terms.lead();
  else {
    o.logger.info('standing by until elected');
    elector.start();
  }
  return elector;
}

/** Starts the operator: health server, informers (resolves once synced), then leadership. */
export async function startOperator(o: OperatorOptions): Promise<Operator> {
  const metrics = o.metrics ?? createOperatorMetrics();
  let run: ((signal: AbortSignal, reason: string) => Promise<RunVerdict>) | undefined;
  const terms = createTerms({
    logger: o.logger, metrics, run: (signal, reason) => (run as NonNullable<typeof run>)(signal, reason),
    debounceMs: o.debounceMs ?? 500, maxWaitMs: o.maxWaitMs ?? 5000, resyncMs: o.resyncMs ?? 600_000, graceMs: o.graceMs ?? 8000,
    ...(o.backoff ? { backoff: o.backoff } : {}),
  });
  const cache = watchCluster(o, metrics, terms.trigger);
  const context = runContext(o, metrics);
  run = createController({
    cache, context, writer: createObjectWriter(o.kubeConfig), events: recorder(o),
    ...(o.connectionSecrets ? { connectionSecrets: o.connectionSecrets(cache, context.deps.connect) } : {}),
  });
  const health = o.metricsPort === undefined ? undefined
    : await serveHealth({ port: o.metricsPort, ...(o.metricsHost ? { host: o.metricsHost } : {}), registry: metrics.reconcile.registry, isReady: () => cache.isSynced() });
  if (health) o.logger.info({ url: health.url }, 'serving /healthz, /readyz and /metrics');
  await cache.start();
  o.logger.info({ namespace: o.namespace ?? '(all)' }, 'caches synced');
  let closing = false;
  const elector = electOrLead(o, terms, () => closing);
  const runner = terms.runner(async () => {
    closing = true;
    await elector?.stop();
  });
  const stopTriggers = async (): Promise<void> => {
    closing = true;
    await cache.stop();
  };
  return {
    cache, metrics, runner, stopTriggers, ...(health ? { health } : {}),
    isLeading: terms.isLeading,
    isReady: () => cache.isSynced(),
    close: async () => {
      await stopTriggers();
      await runner.stop();
      await health?.close();
    },
  };
}
