/**
 * The life of a long-running mode after start: wait for SIGTERM or SIGINT, then stop the triggers,
 * let the run in flight finish (aborting it after a grace period), close the health server, flush
 * the logs and resolve with exit code 0, all within a deadline that a stuck run cannot break.
 */
import type { Logger } from '../log.js';
import type { HealthServer } from './health-server.js';
import type { Runner } from './runner.js';

export interface LifecycleOptions {
  readonly logger: Logger;
  readonly runner: Runner;
  /** Stops every trigger source: file watcher, cron task, resync timer. */
  readonly stopTriggers: () => Promise<void>;
  readonly health?: HealthServer;
  /** How long the run in flight may continue after the signal before it is aborted. @default 8000 */
  readonly graceMs?: number;
  /** The process exits by then even if the aborted run has not returned. @default 9500 */
  readonly deadlineMs?: number;
  /** Stops the mode without a signal, e.g. when the process is embedded. */
  readonly stop?: AbortSignal;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

function waitForStopRequest(stop: AbortSignal | undefined): Promise<string> {
  return new Promise<string>((resolve) => {
    const handlers = SIGNALS.map((signal) => {
      const handler = (): void => finish(signal);
      process.once(signal, handler);
      return [signal, handler] as const;
    });
    function finish(reason: string): void {
      for (const [signal, handler] of handlers) process.off(signal, handler);
      resolve(reason);
    }
    if (stop?.aborted) finish('stopped');
    stop?.addEventListener('abort', () => finish('stopped'), { once: true });
  });
}

async function shutdown(options: LifecycleOptions): Promise<void> {
  await options.stopTriggers();
  if (options.runner.isRunning()) options.logger.info({ graceMs: options.graceMs ?? 8000 }, 'waiting for the run in flight to finish');
  await options.runner.stop({ graceMs: options.graceMs ?? 8000 });
  await options.health?.close();
}

/**
 * Resolves with exit code 0 once a stop request has been handled; logs are flushed before. When the
 * run in flight outlives the deadline, the process exits at once with code 0.
 */
export async function runUntilStopped(options: LifecycleOptions): Promise<number> {
  const { logger } = options;
  const reason = await waitForStopRequest(options.stop);
  logger.info({ signal: reason }, 'stopping');
  // A second signal, or a run that ignores its abort, must not keep the process alive past the deadline.
  const forced = new Promise<'forced'>((resolve) => {
    const timer = setTimeout(() => resolve('forced'), options.deadlineMs ?? 9500);
    timer.unref();
  });
  const ended = await Promise.race([shutdown(options).then(() => 'clean' as const), forced]);
  if (ended === 'forced') {
    logger.warn('the run in flight did not stop in time; exiting anyway (the next run converges)');
    logger.flush();
    process.exit(0); // its pending I/O would otherwise keep the process alive
  }
  logger.info('stopped');
  logger.flush();
  return 0;
}
