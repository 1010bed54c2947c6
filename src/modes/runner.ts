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

/** The mutable state of one runner; only the functions below touch it. */
interface RunnerState {
  readonly run: RunFunction;
  readonly options: RunnerOptions;
  readonly timers: RunnerTimers;
  readonly abort: AbortController;
  timer: unknown;
  burstStart: number | undefined;
  current: Promise<void> | undefined;
  again: boolean;
  stopped: boolean;
  failures: number;
  idleWaiters: (() => void)[];
}

function settleIdle(s: RunnerState): void {
  if (s.current !== undefined || s.timer !== undefined) return;
  const waiters = s.idleWaiters;
  s.idleWaiters = [];
  for (const w of waiters) w();
}

function cancelTimer(s: RunnerState): void {
  if (s.timer !== undefined) s.timers.clearTimeout(s.timer);
  s.timer = undefined;
}

function schedule(s: RunnerState, ms: number): void {
  cancelTimer(s);
  s.timer = s.timers.setTimeout(() => {
    s.timer = undefined;
    start(s);
  }, Math.max(0, ms));
}

function afterRun(s: RunnerState, verdict: RunVerdict): void {
  s.current = undefined;
  s.failures = verdict === 'backoff' ? s.failures + 1 : 0;
  if (!s.stopped && s.again) {
    s.again = false;
    schedule(s, s.options.debounceMs ?? 300);
  } else if (!s.stopped && s.failures > 0) {
    const delay = backoffDelay(s.failures, s.options.backoff);
    s.options.onBackoff?.(s.failures, delay);
    schedule(s, delay);
  }
  settleIdle(s);
}

function start(s: RunnerState): void {
  if (s.stopped) return settleIdle(s);
  cancelTimer(s);
  s.burstStart = undefined;
  s.again = false;
  s.current = (async (): Promise<RunVerdict> => s.run(s.abort.signal))()
    .catch((e: unknown): RunVerdict => {
      s.options.onError?.(e);
      return 'backoff';
    })
    .then((verdict) => afterRun(s, verdict));
}

function trigger(s: RunnerState): void {
  if (s.stopped) return;
  if (s.current !== undefined) {
    s.again = true; // a trigger during a run: exactly one rerun after it
    return;
  }
  const now = s.timers.now();
  s.burstStart ??= now;
  schedule(s, Math.min(s.options.debounceMs ?? 300, (s.options.maxWaitMs ?? 2000) - (now - s.burstStart)));
}

async function stop(s: RunnerState, options: StopOptions): Promise<void> {
  s.stopped = true;
  s.again = false;
  cancelTimer(s);
  const inFlight = s.current;
  if (inFlight === undefined) return settleIdle(s);
  const grace = s.timers.setTimeout(() => s.abort.abort(new Error('stopping: grace period over')), options.graceMs ?? 8000);
  await inFlight;
  s.timers.clearTimeout(grace);
}

/** Creates a runner around `run`. Nothing runs until the first `trigger()` or `runNow()`. */
export function createRunner(run: RunFunction, options: RunnerOptions = {}): Runner {
  const s: RunnerState = {
    run, options, timers: options.timers ?? defaultTimers, abort: new AbortController(),
    timer: undefined, burstStart: undefined, current: undefined, again: false, stopped: false, failures: 0, idleWaiters: [],
  };
  return {
    trigger: () => trigger(s),
    runNow: () => {
      if (s.stopped || s.current !== undefined) return false;
      start(s);
      return true;
    },
    isRunning: () => s.current !== undefined,
    failures: () => s.failures,
    idle: () => new Promise<void>((resolve) => {
      s.idleWaiters.push(resolve);
      settleIdle(s);
    }),
    stop: (stopOptions = {}) => stop(s, stopOptions),
  };
}
