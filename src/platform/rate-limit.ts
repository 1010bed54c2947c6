/**
 * A per-target token bucket: at most `ratePerSecond` requests per second on average, with bursts
 * up to `burst`. Callers reserve a token and wait out the debt, so concurrent callers are served
 * in order without polling.
 */
import type { Clock } from '../engine/ports.js';

/** The bucket between two reservations. `tokens` goes negative while callers wait for theirs. */
export interface BucketState {
  readonly tokens: number;
  readonly updatedAt: number;
}

/** Refills the bucket up to `now`, takes one token, and says how long the taker must wait for it. */
export function takeToken(state: BucketState, now: number, ratePerSecond: number, burst: number): { state: BucketState; waitMs: number } {
  const elapsed = Math.max(0, now - state.updatedAt);
  const tokens = Math.min(burst, state.tokens + (elapsed * ratePerSecond) / 1000) - 1;
  return { state: { tokens, updatedAt: Math.max(now, state.updatedAt) }, waitMs: tokens >= 0 ? 0 : Math.ceil((-tokens * 1000) / ratePerSecond) };
}

/** Waits, when needed, until the next request may be sent. */
export interface RateLimiter {
  acquire(signal?: AbortSignal): Promise<void>;
}

/**
 * A limiter of `ratePerSecond` requests per second (burst: one second's worth, at least 1).
 * A rate that is not a positive finite number means no limit.
 */
export function createRateLimiter(ratePerSecond: number, clock: Clock): RateLimiter {
  if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) return { acquire: async () => {} };
  const burst = Math.max(1, ratePerSecond);
  let state: BucketState = { tokens: burst, updatedAt: clock.now() };
  return {
    async acquire(signal) {
      const taken = takeToken(state, clock.now(), ratePerSecond, burst);
      state = taken.state;
      if (taken.waitMs > 0) await clock.sleep(taken.waitMs, signal);
    },
  };
}
