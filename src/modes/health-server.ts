/**
 * Health and metrics over HTTP for the long-running modes (watch, schedule, operator): `/healthz`
 * (the process answers), `/readyz` (the mode says it is ready) and `/metrics` (Prometheus text).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** How a reconcile ended, as counted by `syncwise_reconcile_total{result}`. */
export type RunResult = 'success' | 'failed' | 'invalid';

/** The reconcile metrics, registered in their own registry (never the global one). */
export interface ReconcileMetrics {
  readonly registry: Registry;
  readonly duration: Histogram;
  readonly total: Counter<'result'>;
  readonly lastRun: Gauge;
  readonly lastSuccess: Gauge;
  readonly actions: Counter<'kind' | 'action' | 'result'>;
}

export interface ReconcileMetricsOptions {
  /** Also export the process and Node.js metrics (`process_*`, `nodejs_*`). @default true */
  readonly defaultMetrics?: boolean;
}

/** Creates a registry holding every `syncwise_reconcile_*` metric, ready to be served. */
export function createReconcileMetrics(options: ReconcileMetricsOptions = {}): ReconcileMetrics {
  const registry = new Registry();
  const registers = [registry];
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  return {
    registry,
    duration: new Histogram({
      name: 'syncwise_reconcile_duration_seconds',
      help: 'Duration of one reconcile run (load, observe, plan and apply), in seconds.',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers,
    }),
    total: new Counter({ name: 'syncwise_reconcile_total', help: 'Reconcile runs by result.', labelNames: ['result'] as const, registers }),
    lastRun: new Gauge({ name: 'syncwise_last_run_timestamp_seconds', help: 'Unix time the last reconcile run finished.', registers }),
    lastSuccess: new Gauge({ name: 'syncwise_last_success_timestamp_seconds', help: 'Unix time the last successful reconcile run finished.', registers }),
    actions: new Counter({
      name: 'syncwise_actions_total',
      help: 'Planned actions carried out, by resource kind, action and result.',
      labelNames: ['kind', 'action', 'result'] as const,
      registers,
    }),
  };
}

/** One action of a run, for `syncwise_actions_total`. */
export interface ActionRecord {
  readonly kind: string;
  readonly action: string;
  readonly result: string;
}

/** One finished run. */
export interface RunRecord {
  readonly result: RunResult;
  readonly durationSeconds: number;
  /** When the run finished, in epoch milliseconds. */
  readonly finishedAt: number;
  readonly actions?: readonly ActionRecord[];
}

/** Records a finished run in the metrics. */
export function recordRun(metrics: ReconcileMetrics, run: RunRecord): void {
  metrics.duration.observe(run.durationSeconds);
  metrics.total.inc({ result: run.result });
  metrics.lastRun.set(run.finishedAt / 1000);
  if (run.result === 'success') metrics.lastSuccess.set(run.finishedAt / 1000);
  for (const a of run.actions ?? []) metrics.actions.inc({ kind: a.kind, action: a.action, result: a.result });
}

export interface HealthServerOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Address to listen on; all interfaces, so probes and scrapers outside the host reach it. @default '0.0.0.0' */
  readonly host?: string;
  readonly registry: Registry;
  /** `/readyz` answers 200 while this returns true, 503 otherwise. @default always ready */
  readonly isReady?: () => boolean;
  /** `/healthz` answers 200 while this returns true, 503 otherwise. @default always live */
  readonly isLive?: () => boolean;
}

export interface HealthServer {
  /** `http://host:port` with the port actually bound. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

async function route(options: HealthServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed\n');
  const probe = (ok: boolean): void => send(res, ok ? 200 : 503, ok ? 'ok\n' : 'not ready\n');
  switch (path) {
    case '/healthz':
      return probe(options.isLive?.() ?? true);
    case '/readyz':
      return probe(options.isReady?.() ?? true);
    case '/metrics':
      return send(res, 200, await options.registry.metrics(), options.registry.contentType);
    default:
      return send(res, 404, 'not found\n');
  }
}

/** Serves `/healthz`, `/readyz` and `/metrics`; resolves once listening. */
export async function serveHealth(options: HealthServerOptions): Promise<HealthServer> {
  const server = createServer((req, res) => {
    route(options, req, res).catch((e: unknown) => send(res, 500, `${e instanceof Error ? e.message : String(e)}\n`));
  });
  const host = options.host ?? '0.0.0.0';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return {
    url: `http://${shown}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
