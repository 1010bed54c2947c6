/**
 * Leadership terms: while this replica leads, a runner (debounce, single flight, backoff) drives
 * the controller and a timer asks for periodic resyncs; when it stops leading, the run in flight
 * may finish within the grace period and nothing runs until the next term. Seen from outside, one
 * `Runner` whose `stop()` also gives the Lease up.
 */
import type { Logger } from '../../log.js';
import { createRunner, type BackoffOptions, type RunVerdict, type Runner } from '../runner.js';
import type { OperatorMetrics } from './metrics.js';

export interface TermOptions {
  readonly logger: Logger;
  readonly metrics: OperatorMetrics;
  /** One run; `reason` is why it started (`start`, `change`, `resync`). */
  readonly run: (signal: AbortSignal, reason: string) => Promise<RunVerdict>;
  readonly debounceMs: number;
  readonly maxWaitMs: number;
  /** 0 turns the resync off. */
  readonly resyncMs: number;
  readonly graceMs: number;
  readonly backoff?: BackoffOptions;
}

export interface Terms {
  /** Starts a term (runs at once) unless one is on. */
  lead(): void;
  /** Ends the term: no more triggers, the run in flight finishes or is aborted after the grace period. */
  standDown(): Promise<void>;
  /** Asks for a run when leading; ignored on standby. */
  trigger(reason: string): void;
  isLeading(): boolean;
  /** A runner over the terms; `stop` ends the term, then calls `release`. */
  runner(release: () => Promise<void>): Runner;
}

interface Term {
  readonly runner: Runner;
  readonly resync: NodeJS.Timeout | undefined;
}

export function createTerms(o: TermOptions): Terms {
  let term: Term | undefined;
  let reason = 'start';
  const trigger = (why: string): void => {
    if (term === undefined) return;
    reason = why;
    term.runner.trigger();
  };
  const standDown = async (): Promise<void> => {
    const t = term;
    term = undefined;
    o.metrics.leader.set(0);
    if (t === undefined) return;
    clearInterval(t.resync);
    await t.runner.stop({ graceMs: o.graceMs });
  };
  const lead = (): void => {
    if (term !== undefined) return;
    o.metrics.leader.set(1);
    const runner = createRunner((signal) => o.run(signal, reason), {
      debounceMs: o.debounceMs, maxWaitMs: o.maxWaitMs, ...(o.backoff ? { backoff: o.backoff } : {}),
      onError: (e) => o.logger.error({ error: e instanceof Error ? e.message : String(e) }, 'run failed unexpectedly'),
      onBackoff: (failures, delayMs) => o.logger.info({ failures, retryInMs: delayMs }, 'retrying later'),
    });
    term = { runner, resync: o.resyncMs > 0 ? setInterval(() => trigger('resync'), o.resyncMs) : undefined };
    o.logger.info('leading: reconciling');
    reason = 'start';
    runner.runNow();
  };
  return { lead, standDown, trigger, isLeading: () => term !== undefined, runner: (release) => facade(() => term?.runner, trigger, async () => {
    await standDown();
    await release();
  }) };
}

function facade(current: () => Runner | undefined, trigger: (reason: string) => void, stop: () => Promise<void>): Runner {
  return {
    trigger: () => trigger('change'),
    runNow: () => current()?.runNow() ?? false,
    isRunning: () => current()?.isRunning() ?? false,
    failures: () => current()?.failures() ?? 0,
    idle: () => current()?.idle() ?? Promise.resolve(),
    stop,
  };
}
