/**
 * The trigger loop shared by every long-running mode (watch, schedule, operator): it debounces
 * triggers, never runs two reconciles at once, reruns exactly once when triggered during a run,
 * and backs off exponentially with jitter after retryable failures.
 */

/** What a run asks of the runner afterwards: nothing more, or a retry after a backoff delay. */
export type RunVerdict = 'done' | 'backoff';

/** One run. It receives a signal that aborts when the runner stops and the grace period is over. */
export type RunFunction = (signal: AbortSignal) => Promise<RunVerdict>;

/** Timer functions, injectable so tests drive time by hand. */
export interface RunnerTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export interface BackoffOptions {
  /** First delay ceiling, and the smallest delay ever used. @default 1000 */
  readonly baseMs?: number;
  /** Largest delay. @default 300000 (5 min) */
  readonly maxMs?: number;
  /** Uniform random number in [0, 1). @default Math.random */
  readonly random?: () => number;
}

export interface RunnerOptions {
  /** Quiet time after the last trigger before a run starts. @default 300 */
  readonly debounceMs?: number;
  /** Longest a burst of triggers may delay a run, so constant churn still reconciles. @default 2000 */
  readonly maxWaitMs?: number;
  readonly backoff?: BackoffOptions;
  /** @default the global timers and Date.now */
  readonly timers?: RunnerTimers;
  /** Called when a run throws (runs should return a verdict instead); the run counts as retryable. */
  readonly onError?: (error: unknown) => void;
  /** Called when a retry is scheduled after a failure: the consecutive failure count and the delay. */
  readonly onBackoff?: (failures: number, delayMs: number) => void;
}

export interface StopOptions {
  /** How long the run in flight may continue before its signal aborts. @default 8000 */
  readonly graceMs?: number;
}

export interface Runner {
  /** Asks for a run after the debounce; during a run, asks for exactly one rerun after it. */
  trigger(): void;
  /** Starts a run at once unless one is in flight; returns false (and does nothing) when busy. */
  runNow(): boolean;
  /** true while a run is in flight. */
  isRunning(): boolean;
  /** Consecutive retryable failures so far (0 after any run that did not ask for a backoff). */
  failures(): number;
  /** Resolves when no run is in flight and none is scheduled. */
  idle(): Promise<void>;
  /** Ignores further triggers, cancels timers, lets the run in flight finish (aborting it after the grace period). */
  stop(options?: StopOptions): Promise<void>;
}

const defaultTimers: RunnerTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  now: () => Date.now(),
};

/**
 * The delay before retry number `failures` (1-based): "full jitter" (a uniform draw below a ceiling
 * that doubles per failure, capped at `maxMs`), never shorter than `baseMs`. Ten watchers that
 * failed together therefore do not retry together.
 */
export function backoffDelay(failures: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 1000;
  const max = options.maxMs ?? 300_000;
  const ceiling = Math.min(max, base * 2 ** Math.max(0, Math.min(failures, 30)));
  const draw = Math.floor((options.random ?? Math.random)() * ceiling);
  return Math.min(max, Math.max(base, draw));
}

/** Creates a runner around `run`. Nothing runs until the first `trigger()` or `runNow()`. */
export function createRunner(run: RunFunction, options: RunnerOptions = {}): Runner {
  const timers = options.timers ?? defaultTimers;
  const debounceMs = options.debounceMs ?? 300;
  const maxWaitMs = options.maxWaitMs ?? 2000;
  const abort = new AbortController();
  let timer: unknown;
  let burstStart: number | undefined;
  let current: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  let failures = 0;
  let idleWaiters: (() => void)[] = [];

  const settleIdle = (): void => {
    if (current !== undefined || timer !== undefined) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  };
  const cancelTimer = (): void => {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
  };
  const schedule = (ms: number): void => {
    cancelTimer();
    timer = timers.setTimeout(() => {
      timer = undefined;
      start();
    }, Math.max(0, ms));
  };

  const afterRun = (verdict: RunVerdict): void => {
    current = undefined;
    failures = verdict === 'backoff' ? failures + 1 : 0;
    if (!stopped && again) {
      again = false;
      schedule(debounceMs);
    } else if (!stopped && failures > 0 && timer === undefined) {
      const delay = backoffDelay(failures, options.backoff);
      options.onBackoff?.(failures, delay);
      schedule(delay);
    }
    settleIdle();
  };

  function start(): void {
    if (stopped) return settleIdle();
    cancelTimer();
    burstStart = undefined;
    again = false;
    current = (async (): Promise<RunVerdict> => run(abort.signal))()
      .catch((e: unknown): RunVerdict => {
        options.onError?.(e);
        return 'backoff';
      })
      .then(afterRun);
  }

  const trigger = (): void => {
    if (stopped) return;
    if (current !== undefined) {
      again = true;
      return;
    }
    const now = timers.now();
    burstStart ??= now;
    schedule(Math.min(debounceMs, maxWaitMs - (now - burstStart)));
  };

  const runNow = (): boolean => {
    if (stopped || current !== undefined) return false;
    start();
    return true;
  };

  const stop = async (stopOptions: StopOptions = {}): Promise<void> => {
    stopped = true;
    again = false;
    cancelTimer();
    const inFlight = current;
    if (inFlight === undefined) return settleIdle();
    const graceTimer = timers.setTimeout(() => abort.abort(new Error('stopping: grace period over')), stopOptions.graceMs ?? 8000);
    await inFlight;
    timers.clearTimeout(graceTimer);
  };

  const idle = (): Promise<void> =>
    new Promise<void>((resolve) => {
      idleWaiters.push(resolve);
      settleIdle();
    });

  return { trigger, runNow, isRunning: () => current !== undefined, failures: () => failures, idle, stop };
}
