/**
 * What the file-based long-running modes (watch, schedule) set up before their first run: the
 * logger bound to the mode, the engine's adapters, the incremental file cache, the metrics and,
 * when asked, the health server. Each mode then adds only its trigger.
 */
import type { PlanOptions } from '../core/change.js';
import { createLogger, type Logger } from '../log.js';
import type { PlanCommandOptions } from './cli/commands/plan-options.js';
import { createEngineDeps } from './engine-deps.js';
import { createFileCache, type FileCache } from './file-cache.js';
import { createReconcileMetrics, serveHealth, type HealthServer } from './health-server.js';
import type { RunContext } from './reconcile-run.js';
import type { RunnerOptions } from './runner.js';

/** How long a run waits for the state directory's lock. */
const LOCK_WAIT_MS = 5000;

/** Flags of every long-running mode, on top of the shared apply flags. */
export interface ServiceCommandOptions extends PlanCommandOptions {
  /** Serve /healthz, /readyz and /metrics on this port. */
  readonly httpPort?: number;
  /** @default 'info' */
  readonly logLevel: string;
}

export interface Service {
  readonly logger: Logger;
  readonly context: RunContext;
  readonly cache: FileCache;
  readonly health?: HealthServer;
  /** Makes /readyz answer 200. */
  markReady(): void;
}

/** The plan switches of the shared apply flags. */
export function planOptionsOf(opts: PlanCommandOptions): PlanOptions {
  return {
    prune: opts.prune,
    force: opts.force,
    allowReplace: opts.allowReplace,
    ...(opts.maxDelete !== undefined ? { maxDelete: opts.maxDelete } : {}),
  };
}

/** Creates the logger for a mode: JSON lines, or pretty when stdout is a terminal. */
export function modeLogger(mode: string, level: string): Logger {
  return createLogger({ level, pretty: process.stdout.isTTY === true, bindings: { mode } });
}

/** Runner callbacks that log an unexpected error and each scheduled retry. */
export function loggingRunnerHooks(logger: Logger): Pick<RunnerOptions, 'onError' | 'onBackoff'> {
  return {
    onError: (e) => logger.error({ error: e instanceof Error ? e.message : String(e) }, 'run failed unexpectedly'),
    onBackoff: (failures, delayMs) => logger.warn({ failures, retryInMs: delayMs }, 'retrying after a failure'),
  };
}

/** Sets up everything but the trigger; the health server listens before this resolves. */
export async function startService(mode: string, opts: ServiceCommandOptions): Promise<Service> {
  const logger = modeLogger(mode, opts.logLevel);
  const metrics = createReconcileMetrics();
  // Another run (a CI apply) may hold the state directory for a moment: wait a little rather than fail.
  const deps = createEngineDeps({ stateDir: opts.stateDir, lockWaitMs: LOCK_WAIT_MS, driver: { parallelism: opts.parallelism }, ...(opts.ledger ? { ledger: opts.ledger } : {}) });
  const context: RunContext = {
    logger,
    deps,
    metrics,
    reconcile: { plan: planOptionsOf(opts), parallelism: opts.parallelism, ...(opts.owner !== undefined ? { owner: opts.owner } : {}) },
  };
  const cache = createFileCache({ paths: opts.file, allowOutsideRoot: opts.allowOutsideRoot });
  let ready = false;
  const health =
    opts.httpPort === undefined ? undefined : await serveHealth({ port: opts.httpPort, registry: metrics.registry, isReady: () => ready });
  if (health) logger.info({ url: health.url }, 'serving /healthz, /readyz and /metrics');
  return { logger, context, cache, ...(health ? { health } : {}), markReady: () => { ready = true; } };
}
