/**
 * The abort signal of one HTTP attempt: it fires when the caller's signal fires or when the
 * attempt's own timeout expires, and `dispose()` detaches it from both as soon as the attempt ends.
 *
 * `AbortSignal.any([caller, AbortSignal.timeout(ms)])` would do the same, but on Node 20 every
 * signal it makes stays registered with the caller's signal (a WeakRef in its dependants set) for
 * as long as the caller's signal lives, and every timeout keeps its timer until it expires. The
 * operator hands all requests of its lifetime one long-lived signal, so 10,000 requests per run
 * left 10,000 entries behind after every run and 10,000 pending timers during it.
 */

/** A per-attempt signal; call `dispose()` once the attempt is over, whatever its outcome. */
export interface AttemptSignal {
  readonly signal: AbortSignal;
  /** Whether the attempt's own timeout fired (not the caller's signal). */
  isTimedOut(): boolean;
  dispose(): void;
}

/** The attempts in flight under one caller signal, and the one listener that aborts them all. */
interface Followers {
  readonly attempts: Set<AbortController>;
  readonly onAbort: () => void;
}

const following = new WeakMap<AbortSignal, Followers>();

/**
 * Makes `controller` abort when `caller` does; returns the release. One listener per caller signal
 * serves all its attempts in flight (a run's parallel requests would otherwise trip Node's
 * listener-leak warning), and it is removed when the last attempt ends.
 */
function follow(caller: AbortSignal, controller: AbortController): () => void {
  let f = following.get(caller);
  if (f === undefined) {
    const attempts = new Set<AbortController>();
    const onAbort = (): void => {
      for (const a of attempts) a.abort(caller.reason);
    };
    f = { attempts, onAbort };
    following.set(caller, f);
    caller.addEventListener('abort', onAbort, { once: true });
  }
  const followers = f;
  followers.attempts.add(controller);
  return () => {
    followers.attempts.delete(controller);
    if (followers.attempts.size > 0 || following.get(caller) !== followers) return;
    following.delete(caller);
    caller.removeEventListener('abort', followers.onAbort);
  };
}

/** A signal that aborts after `timeoutMs`, or when `caller` aborts. */
export function attemptSignal(caller: AbortSignal | undefined, timeoutMs: number): AttemptSignal {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
  }, timeoutMs);
  timer.unref();
  let release = (): void => undefined;
  if (caller?.aborted === true) controller.abort(caller.reason);
  else if (caller !== undefined) release = follow(caller, controller);
  return {
    signal: controller.signal,
    isTimedOut: () => timedOut,
    dispose: () => {
      clearTimeout(timer);
      release();
      release = () => undefined;
    },
  };
}
