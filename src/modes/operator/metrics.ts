/**
 * The operator's metrics: the reconcile metrics every long-running mode has (duration histogram,
 * runs and actions by result, last success) plus platform requests by target and status, whether
 * this replica leads, and informer restarts. One registry, served on /metrics.
 */
import { Counter, Gauge } from 'prom-client';
import type { RequestEvent } from '../../platform/driver.js';
import { createReconcileMetrics, type ReconcileMetrics } from '../health-server.js';

export interface OperatorMetrics {
  readonly reconcile: ReconcileMetrics;
  readonly platformRequests: Counter<'target' | 'method' | 'status'>;
  readonly leader: Gauge;
  readonly watchRestarts: Counter<'source'>;
  /** Counts one platform request attempt of `target`. */
  onRequest(target: string, event: RequestEvent): void;
}

export function createOperatorMetrics(options: { readonly defaultMetrics?: boolean } = {}): OperatorMetrics {
  const reconcile = createReconcileMetrics(options);
  const registers = [reconcile.registry];
  const platformRequests = new Counter({
    name: 'syncwise_platform_requests_total',
    help: 'Requests to the platform APIs by target, method and HTTP status (or error code when no answer came).',
    labelNames: ['target', 'method', 'status'] as const,
    registers,
  });
  return {
    reconcile,
    platformRequests,
    leader: new Gauge({ name: 'syncwise_leader', help: '1 while this replica holds the leader Lease (or runs without leader election), else 0.', registers }),
    watchRestarts: new Counter({ name: 'syncwise_watch_restarts_total', help: 'Informer restarts after a watch or list error, by source.', labelNames: ['source'] as const, registers }),
    onRequest: (target, e) => platformRequests.inc({ target, method: e.method, status: e.status !== undefined ? String(e.status) : e.error ?? 'none' }),
  };
}
